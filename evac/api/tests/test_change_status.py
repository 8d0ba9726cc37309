import pytest

from evac.api.tests.conftest import url
from evac.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def move(client, case, status, **fields):
    return client.post_json(url("canada", case.display_reference, "status"), {"status": status, **fields})


def test_an_officer_moves_a_case_with_a_reason(api_for, officer, case):
    response = move(api_for(officer), case, "in_review", reason="Picked up", expected_status="received")
    assert response.status_code == 200, response.json()
    assert response.json()["from_status"] == "received"
    assert response.json()["status"] == "in_review"
    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.status_changes.last().reason == "Picked up"
    event = AuditEvent.objects.get(action="case.status")
    assert (event.actor, event.target_ref) == (officer, case.reference)
    assert event.detail == {"channel": "api", "from": "received", "to": "in_review"}


def test_expected_status_is_optional(api_for, officer, case):
    assert move(api_for(officer), case, "in_review", reason="Picked up").status_code == 200


def test_a_stale_change_is_409_and_changes_nothing(api_for, officer, case):
    client = api_for(officer)
    assert move(client, case, "in_review", reason="first", expected_status="received").status_code == 200
    response = move(client, case, "withdrawn", reason="second", expected_status="received")
    assert response.status_code == 409
    assert response.json()["field"] == "expected_status"
    case.refresh_from_db()
    assert case.status == "in_review"
    assert AuditEvent.objects.filter(action="case.status").count() == 1


def test_a_move_the_workflow_does_not_allow_is_422_on_status(api_for, officer, case):
    response = move(api_for(officer), case, "approved", reason="skip review")
    assert response.status_code == 422
    assert response.json()["field"] == "status"
    assert "cannot go from" in response.json()["detail"]


def test_a_verifier_cannot_change_status(api_for, verifier, case):
    response = move(api_for(verifier), case, "in_review", reason="x", expected_status="received")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "received"


def test_an_auditor_cannot_change_status(api_for, auditor, case):
    assert move(api_for(auditor), case, "in_review", reason="x").status_code == 403


def test_a_planner_makes_only_the_planners_moves(api_for, planner, case):
    assert move(api_for(planner), case, "in_review", reason="x").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "in_review", "reason": "   "}, "reason"),
        ({"status": "in_review"}, "reason"),
        ({"status": "in_review", "reason": "x" * 2001}, "reason"),
        ({"status": "flying", "reason": "x"}, "status"),
        ({"status": "in_review", "reason": "x", "expected_status": "limbo"}, "expected_status"),
        ({"status": None, "reason": "x"}, "status"),
    ],
)
def test_a_bad_request_names_the_field(api_for, officer, case, body, field):
    response = api_for(officer).post_json(url("canada", case.reference, "status"), body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
