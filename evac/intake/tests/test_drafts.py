"""A half-filled form survives a dropped connection: the draft is on the server, its key in the session."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from evac.intake.models import DRAFT_DAYS, IntakeDraft
from evac.intake.tests.conftest import PRINCIPAL, SPOUSE, step, url
from evac.programs.models import Program

pytestmark = pytest.mark.django_db


def test_an_applicant_who_leaves_after_two_steps_resumes_where_they_were(client, canada):
    step(client, "program", "fa", {"program": Program.objects.get().pk})
    step(client, "applicant", "fa", PRINCIPAL)
    step(client, "member_add", "fa", SPOUSE)
    session_cookie = client.cookies["sessionid"].value

    # Days later, the same phone (the same session cookie) in a new browser tab.
    later = Client()
    later.cookies["sessionid"] = session_cookie
    response = later.get(url("start", "fa"))
    assert response.status_code == 302 and response.url == url("family", "fa")
    family = later.get(response.url).content.decode()
    assert "Mohammad Wali Ahmadzai" in family and "Fatima" in family
    applicant = later.get(url("applicant", "fa")).content.decode()
    assert 'value="Gul Ahmad"' in applicant


def test_each_step_saves_and_keeps_the_draft_for_a_week(client, canada):
    step(client, "program", "en", {"program": Program.objects.get().pk})
    draft = IntakeDraft.objects.get()
    assert draft.language == "en" and draft.data == {"program": Program.objects.get().pk}
    assert draft.expires_at > timezone.now() + timedelta(days=DRAFT_DAYS - 1)
    assert client.session.get_expiry_age() > 6 * 24 * 3600
    step(client, "applicant", "en", PRINCIPAL)
    draft.refresh_from_db()
    assert draft.data["applicant"]["father_name"] == "Gul Ahmad"


def test_an_expired_draft_is_not_resumed(client, canada):
    step(client, "program", "en", {"program": Program.objects.get().pk})
    IntakeDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url("start")).url == url("program")


def test_another_browser_does_not_see_the_draft(client, canada):
    step(client, "program", "en", {"program": Program.objects.get().pk})
    step(client, "applicant", "en", PRINCIPAL)
    stranger = Client()
    assert stranger.get(url("start")).url == url("program")
    assert stranger.get(url("family")).url == url("program")


def test_the_applicant_can_delete_the_draft(client, canada):
    step(client, "program", "en", {"program": Program.objects.get().pk})
    step(client, "applicant", "en", PRINCIPAL)
    response = client.post(url("discard"))
    assert response.url == url("program")
    assert not IntakeDraft.objects.exists()


def test_switching_language_keeps_the_draft_and_the_step(client, canada):
    step(client, "program", "en", {"program": Program.objects.get().pk})
    step(client, "applicant", "en", PRINCIPAL)
    page = client.get(url("family", "en")).content.decode()
    assert f'href="{url("family", "ps")}"' in page
    assert client.get(url("start", "ps")).url == url("family", "ps")


def test_an_unknown_language_is_not_found(client, canada):
    assert client.get("/apply/de/program/").status_code == 404
