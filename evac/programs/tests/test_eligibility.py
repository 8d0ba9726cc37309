"""Cases checked as they are saved, re-checked in the background when the rules change, overrides."""

from datetime import date

import pytest
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application, EmploymentRole
from evac.conftest import make_case
from evac.programs.models import EligibilityRun
from evac.programs.services import evaluate_cases, override_rule, save_rules

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def program(canada):
    return canada.programs.first()


def test_a_new_case_is_checked_as_it_is_saved(canada, program):
    program.eligible_roles = [EmploymentRole.INTERPRETER]
    program.save()
    interpreter = make_case(canada)
    cook = make_case(canada, role=EmploymentRole.COOK)
    assert interpreter.eligibility["role"] is True
    assert cook.eligibility["role"] is False and cook.eligible is False


def test_changing_the_rules_re_checks_the_open_cases_in_the_background(
    canada, program, admin_user, client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    cook = make_case(canada, role=EmploymentRole.COOK)
    assert cook.eligibility["role"] is True  # no role required yet
    client.force_login(admin_user)
    url = reverse("programs:rules", kwargs={"org": canada.slug, "slug": program.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"is_open": "on", "eligible_roles": ["interpreter"], "family_relationships": []}
        )
    assert response.status_code == 302
    cook.refresh_from_db()
    assert cook.eligibility["role"] is False and cook.eligible is False
    run = EligibilityRun.objects.get()
    assert (run.state, run.done, run.changed) == ("done", 1, 1)
    assert AuditEvent.objects.get(action="program.rules_changed").detail["fields"] == ["eligible_roles"]
    page = client.get(url).content.decode()
    assert "1 of 1 cases checked; 1 changed" in page


def test_a_window_that_ends_before_it_starts_is_refused(canada, program, admin_user, client):
    client.force_login(admin_user)
    url = reverse("programs:rules", kwargs={"org": canada.slug, "slug": program.slug})
    response = client.post(url, {"service_from": "2021-01-01", "service_until": "2020-01-01"})
    assert response.status_code == 200 and "ends before it starts" in response.content.decode()
    program.refresh_from_db()
    assert program.service_from is None
    assert not EligibilityRun.objects.exists()


def test_only_the_org_admin_edits_rules(canada, program, officer, client):
    client.force_login(officer)
    assert (
        client.get(reverse("programs:rules", kwargs={"org": canada.slug, "slug": program.slug})).status_code
        == 403
    )


def test_an_officer_overrides_a_rule_with_a_reason_and_it_is_audited(canada, program, officer, client):
    program.min_months_service = 12
    program.save()
    case = make_case(canada)  # make_case's employment has no dates: months cannot be told
    assert case.eligibility["months"] is None and case.eligible is None
    client.force_login(officer)
    url = reverse("cases:eligibility", kwargs={"org": canada.slug, "ref": case.reference})
    refused = client.post(url, {"rule": "months", "decision": "met", "reason": ""}, follow=True)
    assert "Say why" in refused.content.decode()
    client.post(url, {"rule": "months", "decision": "met", "reason": "Letter from the unit, 2012-2015"})
    case.refresh_from_db()
    assert case.eligible is True
    event = AuditEvent.objects.get(action="case.eligibility_override")
    assert event.detail == {**event.detail, "rule": "months", "met": True, "eligible": True}
    page = client.get(
        reverse("cases:detail", kwargs={"org": canada.slug, "ref": case.reference})
    ).content.decode()
    assert "Letter from the unit" in page

    override_rule(case, "months", met=None, reason="", actor=officer)  # withdrawn: the rule decides again
    case.refresh_from_db()
    assert case.eligible is None


def test_the_case_page_shows_the_checklist(canada, program, officer, client):
    program.people_cap = 3
    program.save()
    case = make_case(canada)
    client.force_login(officer)
    page = client.get(
        reverse("cases:detail", kwargs={"org": canada.slug, "ref": case.reference})
    ).content.decode()
    assert "The program has room" in page and "0 of 3 places taken; this family needs 4." in page


def test_the_cap_counts_approved_families(canada, program, officer):
    program.people_cap = 6
    program.save()
    first, second = make_case(canada), make_case(canada)
    Application.objects.filter(pk=first.pk).update(status="approved")
    evaluate_cases(program)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.eligibility["cap"] is False  # 4 taken + 4 > 6
    assert first.eligibility["cap"] is True  # it is among the 4


def test_re_checking_is_done_in_batches_and_reports_progress(canada, program, monkeypatch):
    monkeypatch.setattr("evac.programs.services.BATCH", 2)
    for _ in range(5):
        make_case(canada)
    seen = []
    checked, _changed = evaluate_cases(program, progress=lambda done, changed: seen.append(done))
    assert checked == 5 and seen == [2, 4, 5]


def test_nothing_changed_starts_no_run(canada, program):
    assert save_rules(program, [], actor=None) is None
    assert not EligibilityRun.objects.exists()


def test_rules_service_window_in_the_checklist(canada, program):
    program.service_from = date(2001, 10, 7)
    program.save()
    case = make_case(canada)
    assert case.eligibility["service_window"] is None  # no start date known
