"""The flights API: the same rules and records as the flight board."""

import pytest

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.conftest import make_user
from evac.flights import services
from evac.flights.models import Flight
from evac.flights.tests.helpers import approved, make_flight

BASE = "/api/v1/orgs/canada/flights"
NEW = {
    "call_sign": "RCH871",
    "aircraft": "C-17A Globemaster III",
    "seats": 134,
    "medical_places": 6,
    "departs_at": "2021-08-17T06:30:00+04:30",
    "destination": "Doha (DOH)",
}


def test_a_planner_plans_lists_reads_and_changes_a_flight(canada, planner, api_for):
    client = api_for(planner)
    response = client.post_json(BASE, NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    flight = Flight.objects.get(public_id=body["id"])
    assert flight.organisation == canada and flight.seats == 134 and body["seats_used"] == 0
    assert response["Cache-Control"].startswith("no-store")
    case = approved(canada, priority=30)
    services.allocate_seats(canada, method="greedy", bound=False)
    listed = client.get(BASE).json()["items"]
    assert [f["call_sign"] for f in listed] == ["RCH871"] and listed[0]["people"] == 4
    read = client.get(f"{BASE}/{flight.public_id}").json()
    assert [f["reference"] for f in read["placed"]] == [case.display_reference]
    assert "Mohammad" not in str(read)  # references, never names
    assert AuditEvent.objects.filter(action="flight.view", detail__channel="api").exists()
    changed = client.patch(f"{BASE}/{flight.public_id}", {"seats": 300}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["seats"] == 300
    assert AuditEvent.objects.get(action="flight.update").detail["changed"]["seats"] == [134, 300]


def test_case_officers_read_but_do_not_change(canada, officer, api_for):
    flight = make_flight(canada)
    client = api_for(officer)
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/{flight.public_id}").status_code == 200
    assert client.post_json(BASE, NEW).status_code == 403
    response = client.patch(f"{BASE}/{flight.public_id}", {"seats": 1}, content_type="application/json")
    assert response.status_code == 403
    assert Flight.objects.get(pk=flight.pk).seats == 10


@pytest.mark.parametrize("role", [Role.INTAKE_CLERK, Role.CHECKIN_AGENT, Role.AUDITOR])
def test_other_roles_do_not_see_flights(canada, role, api_for):
    flight = make_flight(canada)
    client = api_for(make_user(canada, role))
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/{flight.public_id}").status_code == 403


def test_outsiders_find_nothing(canada, outsider, api_for):
    flight = make_flight(canada)
    client = api_for(outsider)
    assert client.get(BASE).status_code == 404
    assert client.get(f"/api/v1/orgs/uk/flights/{flight.public_id}").status_code == 404


def test_bad_input_is_a_clear_422_and_changes_nothing(canada, planner, api_for):
    client = api_for(planner)
    response = client.post_json(BASE, {**NEW, "seats": -1})
    assert response.status_code == 422 and response.json()["field"] == "seats"
    flight = make_flight(canada)
    response = client.patch(f"{BASE}/{flight.public_id}", {"seats": None}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "seats"
    assert not Flight.objects.filter(call_sign="RCH871").exists()
    assert Flight.objects.get(pk=flight.pk).seats == 10


def test_a_time_without_its_offset_is_kabul_time(canada, planner, api_for):
    response = api_for(planner).post_json(BASE, {**NEW, "departs_at": "2021-08-17T06:30:00"})
    assert response.status_code == 201
    assert response.json()["departs_at"].endswith("+04:30") or response.json()["departs_at"].endswith(
        "02:00:00Z"
    )
