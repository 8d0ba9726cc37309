import pytest

from evac.api.tests.conftest import url
from evac.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def assign(client, case, officer):
    return client.post_json(url("canada", case.reference, "assign"), {"officer": officer})


def test_an_officer_assigns_and_unassigns(api_for, officer, case):
    client = api_for(officer)
    response = assign(client, case, "officer")
    assert response.status_code == 200
    assert response.json() == {"reference": case.display_reference, "assigned_officer": "officer"}
    case.refresh_from_db()
    assert case.assigned_officer == officer
    assert assign(client, case, None).json()["assigned_officer"] is None
    case.refresh_from_db()
    assert case.assigned_officer is None
    events = AuditEvent.objects.filter(action="case.assign").order_by("id")
    assert [e.detail["officer"] for e in events] == ["officer", None]
    assert {e.detail["channel"] for e in events} == {"api"}


def test_only_this_organisations_case_officers_can_be_assigned(api_for, officer, clerk, outsider, case):
    client = api_for(officer)
    answers = [assign(client, case, name) for name in ("nobody-by-this-name", "outsider", "clerk")]
    assert {r.status_code for r in answers} == {422}
    # The same words whether the user does not exist or belongs elsewhere: no usernames are learnt here.
    assert len({r.json()["detail"] for r in answers}) == 1
    assert {r.json()["field"] for r in answers} == {"officer"}


def test_roles_without_assign_get_403(api_for, clerk, verifier, auditor, case):
    for user in (clerk, verifier, auditor):
        assert assign(api_for(user), case, "officer").status_code == 403


def test_the_officer_field_is_required(api_for, officer, case):
    response = api_for(officer).post_json(url("canada", case.reference, "assign"), {})
    assert (response.status_code, response.json()["field"]) == (422, "officer")
