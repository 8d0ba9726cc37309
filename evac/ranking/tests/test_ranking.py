"""Cases ranked as they are saved, re-ranked when a province falls or the weights change."""

from datetime import date

import pytest
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.cases.models import Application, EmploymentRole
from evac.conftest import make_case, make_user
from evac.ranking.services import explanation, rank_cases, save_weights, weights_for
from evac.situation.models import Province, ProvinceStatus, SituationEvent
from evac.situation.services import record_change

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings, django_capture_on_commit_callbacks):
    """Tasks run as soon as they are enqueued, and on-commit callbacks run (a test never commits)."""
    settings.TASKS = IMMEDIATE
    return django_capture_on_commit_callbacks


def test_a_new_case_is_ranked_and_its_explanation_adds_up(canada):
    case = make_case(canada, province="AF-KAN", children=1)
    terms = explanation(case, canada)
    assert case.priority > 0
    assert sum(t.points for t in terms) == case.priority
    assert {t.term for t in terms} >= {"role", "province"}


def test_the_case_page_explains_the_score_term_by_term(canada, officer, client):
    case = make_case(canada, province="AF-KAN", role=EmploymentRole.INTERPRETER)
    client.force_login(officer)
    page = client.get(
        reverse("cases:detail", kwargs={"org": canada.slug, "ref": case.reference})
    ).content.decode()
    assert "Role exposure: Interpreter" in page
    assert "Province Kandahar:" in page


def test_a_province_falling_re_ranks_its_cases_in_every_organisation_and_no_other(
    canada, uk, officer, immediate
):
    kandahar = make_case(canada, province="AF-KAN")
    herat = make_case(canada, province="AF-HER")
    theirs = make_case(uk, province="AF-KAN")
    before = {c.pk: c.priority for c in (kandahar, herat, theirs)}

    with immediate(execute=True):
        record_change(
            Province.objects.get(code="AF-KAN"),
            status=ProvinceStatus.FALLEN,
            occurred_on=date(2021, 8, 13),
            source="liaison officer, Kandahar airfield",
            actor=officer,
            organisation=canada,
        )

    after = dict(Application.objects.values_list("pk", "priority"))
    assert after[kandahar.pk] == before[kandahar.pk] + 30  # government (0) to fallen (30)
    assert after[theirs.pk] == before[theirs.pk] + 30
    assert after[herat.pk] == before[herat.pk]
    kandahar.refresh_from_db()
    assert sum(t.points for t in explanation(kandahar, canada)) == kandahar.priority
    event = AuditEvent.objects.get(action="situation.change")
    assert event.target_ref == "AF-KAN" and event.actor == officer


def test_an_older_report_fills_the_history_without_overriding_a_later_status(canada, officer, immediate):
    kandahar = Province.objects.get(code="AF-KAN")
    with immediate(execute=True):
        record_change(
            kandahar,
            status="fallen",
            occurred_on=date(2021, 8, 13),
            source="a",
            actor=officer,
            organisation=canada,
        )
        record_change(
            kandahar,
            status="contested",
            occurred_on=date(2021, 8, 1),
            source="b",
            actor=officer,
            organisation=canada,
        )
    kandahar.refresh_from_db()
    assert (kandahar.status, kandahar.status_since) == ("fallen", date(2021, 8, 13))
    assert SituationEvent.objects.filter(province=kandahar).count() == 2


def test_a_doubled_submission_records_one_change(canada, officer, client):
    client.force_login(officer)
    url = reverse("situation:record", kwargs={"org": canada.slug})
    body = {"province": "AF-HER", "status": "fallen", "occurred_on": "2021-08-12", "source": "news agency"}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    assert SituationEvent.objects.filter(province_id="AF-HER").count() == 1


def test_recording_a_change_needs_the_role_and_a_past_date(canada, client):
    verifier = make_user(canada, Role.VERIFIER)
    client.force_login(verifier)
    url = reverse("situation:record", kwargs={"org": canada.slug})
    assert client.post(url, {"province": "AF-HER", "status": "fallen"}).status_code == 403
    officer = make_user(canada, Role.CASE_OFFICER)
    client.force_login(officer)
    future = client.post(
        url, {"province": "AF-HER", "status": "fallen", "occurred_on": "2999-01-01", "source": "x"}
    )
    assert future.status_code == 400
    assert "before it happens" in future.content.decode()
    assert not SituationEvent.objects.exists()


def test_the_board_and_a_province_s_history(canada, officer, client):
    record_change(
        Province.objects.get(code="AF-KAN"), status="fallen", occurred_on=date(2021, 8, 13),
        source="liaison officer", actor=officer, organisation=canada,
    )  # fmt: skip
    client.force_login(officer)
    board = client.get(reverse("situation:board", kwargs={"org": canada.slug})).content.decode()
    assert "liaison officer" in board and 'id="situation-form"' in board
    history = client.get(reverse("situation:province", kwargs={"org": canada.slug, "code": "AF-KAN"}))
    assert "liaison officer" in history.content.decode()


def test_changed_weights_re_rank_the_organisation_and_are_audited(canada, admin_user, immediate):
    cleaner = make_case(canada, role=EmploymentRole.CLEANER, province="AF-HER")
    new = weights_for(canada)
    new["role"]["cleaner"] = 60
    with immediate(execute=True):
        changed = save_weights(canada, new, actor=admin_user)
    assert changed == ["role.cleaner"]
    cleaner.refresh_from_db()
    assert {t.term: t.points for t in explanation(cleaner, canada)}["role"] == 60
    event = AuditEvent.objects.get(action="ranking.weights_changed")
    assert event.detail["changed"] == {"role.cleaner": [10, 60]}


def test_the_weights_page_is_the_org_admin_s(canada, admin_user, officer, client, immediate):
    url = reverse("ranking:weights", kwargs={"org": canada.slug})
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items()}
    data["province__fallen"] = 50
    with immediate(execute=True):
        assert client.post(url, data).status_code == 302
    assert weights_for(canada)["province"]["fallen"] == 50
    data["province__fallen"] = -1
    assert client.post(url, data).status_code == 200  # refused, shown again with the error
    assert weights_for(canada)["province"]["fallen"] == 50


def test_the_decision_queue_is_highest_priority_first_and_scoped(canada, uk, officer, client):
    low = make_case(canada, priority=5)
    high = make_case(canada, priority=80)
    make_case(uk, priority=99)
    client.force_login(officer)
    page = client.get(reverse("ranking:decisions", kwargs={"org": canada.slug}))
    assert [c.reference for c in page.context["page"].object_list] == [high.reference, low.reference]
    assert AuditEvent.objects.filter(action="case.list").last().detail["shown"] == [
        high.reference,
        low.reference,
    ]


def test_the_verifier_queue_lists_unverified_claims(canada, verifier, client):
    case = make_case(canada)
    client.force_login(verifier)
    page = client.get(reverse("ranking:claims", kwargs={"org": canada.slug}))
    assert [c.application_id for c in page.context["page"].object_list] == [case.pk]
    case.employments.update(verification="verified")
    page = client.get(reverse("ranking:claims", kwargs={"org": canada.slug}))
    assert list(page.context["page"].object_list) == []


def test_rank_cases_covers_the_whole_organisation(canada):
    for _ in range(3):
        make_case(canada)
    Application.objects.update(priority=0, priority_base=0, priority_explanation=[])
    assert rank_cases(canada) == 3
    assert not Application.objects.filter(priority=0).exists()
