"""Scripts and floods: a hidden field, a minimum time, and limits per address on drafts and submissions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from evac.cases.models import Application
from evac.intake import limits
from evac.intake.models import IntakeDraft, LimitHit
from evac.intake.tests.conftest import apply, fill, send, url
from evac.programs.models import Program

pytestmark = pytest.mark.django_db


def test_a_filled_in_hidden_field_creates_no_case(client, canada):
    fill(client)
    response = client.post(url("review"), {"confirm": "on", "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Application.objects.exists()
    assert "Leave this field empty" in response.content.decode()


def test_the_hidden_field_is_hidden_by_a_class_not_an_inline_style(client, canada):
    fill(client)
    page = client.get(url("review")).content.decode()
    assert '<div class="extra-field">' in page
    assert "style=" not in page and "<script" not in page


def test_a_submission_faster_than_a_person_can_type_is_refused(client, canada, monkeypatch):
    monkeypatch.setattr(limits, "MIN_SECONDS_TO_SUBMIT", 20)
    fill(client)
    response = send(client)
    assert response.status_code == 200 and "very quick" in response.content.decode()
    assert not Application.objects.exists()
    IntakeDraft.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    assert send(client).status_code == 302
    assert Application.objects.count() == 1


def test_submissions_from_one_address_are_limited(canada):
    for _ in range(limits.SUBMISSIONS_PER_ADDRESS.count):
        apply(Client())
    late = Client()
    fill(late)
    blocked = send(late)
    assert blocked.status_code == 429
    assert Application.objects.count() == limits.SUBMISSIONS_PER_ADDRESS.count
    # The family's answers are not lost: the draft waits for the hour to pass.
    assert IntakeDraft.objects.count() == 1
    other = Client(REMOTE_ADDR="10.2.2.2")
    apply(other)
    assert Application.objects.count() == limits.SUBMISSIONS_PER_ADDRESS.count + 1


def test_new_drafts_from_one_address_are_limited_with_a_page_in_the_applicants_language(canada):
    program = Program.objects.get()
    for _ in range(limits.DRAFTS_PER_ADDRESS.count):
        assert Client().post(url("program", "fa"), {"program": program.pk}).status_code == 302
    blocked = Client().post(url("program", "fa"), {"program": program.pk})
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert '<html lang="fa" dir="rtl">' in page and "لطفاً" in page


def test_the_limiter_keeps_no_address_and_forgets_old_hits(client, canada):
    apply(client)
    hit = LimitHit.objects.get(scope="submit-address")
    assert "127.0.0.1" not in hit.key_hash and len(hit.key_hash) == 40
    LimitHit.objects.update(at=timezone.now() - timedelta(days=2))
    old = LimitHit.objects.count()
    assert old and limits.forget_old() == old
    assert not LimitHit.objects.exists()


def test_the_purge_command_removes_expired_drafts_and_old_hits(client, canada):
    fill(client)
    Client().post(url("program"), {"program": Program.objects.get().pk})
    IntakeDraft.objects.filter(pk=IntakeDraft.objects.first().pk).update(expires_at=timezone.now())
    LimitHit.objects.update(at=timezone.now() - timedelta(days=2))
    call_command("purge_intake", stdout=StringIO())
    assert IntakeDraft.objects.count() == 1 and not LimitHit.objects.exists()
