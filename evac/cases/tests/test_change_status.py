import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evac.accounts.models import Membership
from evac.audit.models import AuditEvent
from evac.cases.services import StaleCase, change_status
from evac.cases.workflow import TRANSITIONS, Status


def membership(user):
    return Membership.objects.get(user=user)


@pytest.mark.django_db
def test_an_officer_moves_a_case_along_the_workflow_with_reasons(case, officer, planner):
    change_status(case, Status.IN_REVIEW, reason="Picked up", membership=membership(officer))
    change_status(case, Status.ELIGIBLE, reason="Roster confirms", membership=membership(officer))
    change_status(case, Status.APPROVED, reason="Approved", membership=membership(officer))
    change_status(case, Status.SCHEDULED, reason="Flight CAF-101", membership=membership(planner))
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED
    history = list(case.status_changes.values_list("from_status", "to_status", "reason"))
    assert history[-1] == ("approved", "scheduled", "Flight CAF-101")
    assert len(history) == 5
    events = AuditEvent.objects.filter(action="case.status", target_ref=case.reference).order_by("id")
    assert [e.detail["to"] for e in events] == ["in_review", "eligible", "approved", "scheduled"]
    assert events.last().actor == planner


@pytest.mark.django_db
def test_moves_outside_the_workflow_are_refused(case, officer):
    with pytest.raises(ValidationError):
        change_status(case, Status.APPROVED, reason="skip review", membership=membership(officer))
    with pytest.raises(ValidationError):
        change_status(case, Status.BOARDED, reason="?", membership=membership(officer))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not AuditEvent.objects.filter(action="case.status").exists()


@pytest.mark.django_db
def test_every_status_but_arrived_has_a_way_forward():
    for status in Status:
        if status != Status.ARRIVED:
            assert TRANSITIONS[status], status
    assert TRANSITIONS[Status.ARRIVED] == {}


@pytest.mark.django_db
def test_a_reason_is_required(case, officer):
    with pytest.raises(ValidationError):
        change_status(case, Status.IN_REVIEW, reason="  ", membership=membership(officer))


@pytest.mark.django_db
def test_roles_make_only_their_own_moves(case, officer, planner, clerk):
    with pytest.raises(PermissionDenied):
        change_status(case, Status.IN_REVIEW, reason="x", membership=membership(clerk))
    with pytest.raises(PermissionDenied):
        change_status(case, Status.IN_REVIEW, reason="x", membership=membership(planner))
    for target in (Status.IN_REVIEW, Status.ELIGIBLE, Status.APPROVED):
        change_status(case, target, reason="ok", membership=membership(officer))
    # Scheduling is the planner's move, not the officer's.
    with pytest.raises(PermissionDenied):
        change_status(case, Status.SCHEDULED, reason="x", membership=membership(officer))


@pytest.mark.django_db
def test_a_stale_form_does_not_move_the_case_twice(case, officer):
    change_status(
        case, Status.IN_REVIEW, reason="first", membership=membership(officer), expected_status="received"
    )
    with pytest.raises(StaleCase):
        change_status(
            case,
            Status.WITHDRAWN,
            reason="second",
            membership=membership(officer),
            expected_status="received",
        )
    assert case.status_changes.count() == 2


@pytest.mark.django_db
def test_the_status_form_on_the_case_page(client, case, officer):
    client.force_login(officer)
    url = reverse("cases:change_status", kwargs={"org": "canada", "ref": case.reference})
    detail = reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    page = client.get(detail).content.decode()
    assert 'value="in_review"' in page and 'value="approved"' not in page
    response = client.post(
        url, {"target": "in_review", "reason": "Documents complete", "expected_status": "received"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"
    # The same form sent again (a doubled click) is recognised as stale and changes nothing.
    again = client.post(
        url,
        {"target": "in_review", "reason": "Documents complete", "expected_status": "received"},
        follow=True,
    )
    assert "changed this case while you were looking" in again.content.decode()
    assert case.status_changes.count() == 2


@pytest.mark.django_db
def test_a_verifier_sees_no_status_form_and_cannot_post_one(client, case, verifier):
    client.force_login(verifier)
    page = client.get(
        reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    ).content.decode()
    assert "Change status" not in page
    response = client.post(
        reverse("cases:change_status", kwargs={"org": "canada", "ref": case.reference}),
        {"target": "in_review", "reason": "x", "expected_status": "received"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "received"
