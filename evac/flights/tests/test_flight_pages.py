"""The flight board and a flight's page: who may see and change them, what they show, what they record."""

import pytest
from django.test import Client
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.cases.workflow import Status
from evac.conftest import make_user
from evac.flights import planning, services
from evac.flights.models import AllocationRun, FamilyLink, Flight, Hold, Placement
from evac.flights.tests.helpers import approved, make_flight, membership


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def board_url(org="canada"):
    return reverse("flights:board", kwargs={"org": org})


def detail_url(flight, org="canada"):
    return reverse("flights:detail", kwargs={"org": org, "flight_id": flight.public_id})


@pytest.fixture
def placed(canada):
    flight = make_flight(canada, seats=8, medical_places=1, emergency_contact="Ops centre +1 613 555 0100")
    case = approved(canada, priority=40, given_name="Spozhmai", family_name="Karokhail")
    waiting = approved(canada, priority=5, children=9, given_name="Zarghuna", family_name="Nurzai")
    services.allocate_seats(canada, method="greedy", bound=False)
    return flight, case, waiting


def test_the_board_shows_flights_loads_and_the_families_left_out_with_their_reason(placed, planner):
    flight, _case, waiting = placed
    response = client_for(planner).get(board_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert flight.call_sign in html
    assert "Zarghuna Nurzai" in html  # waiting, in plain words why
    assert "No planned aircraft can take the whole family, even empty." in html
    assert "4 / 4" in html  # seats used / free
    assert "Run the allocation" in html
    event = AuditEvent.objects.filter(action="flight.board").latest("id")
    assert waiting.reference in event.detail["shown"]


def test_a_flight_page_shows_its_families_and_records_the_read(placed, planner):
    flight, case, _waiting = placed
    response = client_for(planner).get(detail_url(flight))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spozhmai Karokhail" in html and "Zarghuna" not in html
    assert "Ops centre +1 613 555 0100" in html
    event = AuditEvent.objects.filter(action="flight.view").latest("id")
    assert event.detail["shown"] == [case.reference] and event.target_ref == str(flight.public_id)


def test_case_officers_read_the_board_but_change_nothing(placed, officer):
    flight, case, _waiting = placed
    client = client_for(officer)
    html = client.get(board_url()).content.decode()
    assert "Run the allocation" not in html and "Hold back" not in html
    assert client.get(detail_url(flight)).status_code == 200
    assert client.post(reverse("flights:allocate", kwargs={"org": "canada"})).status_code == 403
    hold = reverse("flights:hold", kwargs={"org": "canada", "ref": case.reference})
    assert client.post(hold, {"action": "hold", "reason": "x"}).status_code == 403
    assert not Hold.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.INTAKE_CLERK, Role.VERIFIER, Role.CHECKIN_AGENT, Role.AUDITOR, Role.ORG_ADMIN]
)
def test_roles_that_do_not_plan_or_answer_families_do_not_see_flights(placed, canada, role):
    flight, _case, _waiting = placed
    client = client_for(make_user(canada, role))
    assert client.get(board_url()).status_code == 403
    assert client.get(detail_url(flight)).status_code == 403


def test_another_organisation_finds_nothing(placed, outsider):
    flight, _case, _waiting = placed
    client = client_for(outsider)
    assert client.get(board_url()).status_code == 404
    assert client.get(detail_url(flight, org="uk")).status_code == 404
    assert client.get(detail_url(flight)).status_code == 404


def test_a_planner_plans_and_changes_a_flight(canada, planner):
    client = client_for(planner)
    response = client.post(
        reverse("flights:create", kwargs={"org": "canada"}),
        {
            "call_sign": "RCH871",
            "aircraft": "C-17A",
            "seats": "134",
            "medical_places": "6",
            "departs_at": "2021-08-17T06:30",
            "origin": "Kabul (KBL)",
            "destination": "Doha (DOH)",
            "emergency_contact": "Ops +1 613 555 0100",
        },
    )
    flight = Flight.objects.get(call_sign="RCH871")
    assert response.status_code == 302 and response["Location"] == detail_url(flight)
    assert flight.organisation == canada and flight.seats == 134
    edit = reverse("flights:edit", kwargs={"org": "canada", "flight_id": flight.public_id})
    assert client.get(edit).status_code == 200
    data = {
        "call_sign": "RCH871",
        "aircraft": "C-17A",
        "seats": "300",
        "medical_places": "6",
        "departs_at": "2021-08-17T06:30",
        "origin": "Kabul (KBL)",
        "destination": "Doha (DOH)",
    }
    client.post(edit, data)
    flight.refresh_from_db()
    assert flight.seats == 300
    event = AuditEvent.objects.get(action="flight.update")
    assert event.detail["changed"]["seats"] == [134, 300]


def test_a_bad_flight_form_keeps_what_was_typed(canada, planner):
    response = client_for(planner).post(
        reverse("flights:create", kwargs={"org": "canada"}), {"call_sign": "RCH9", "seats": "-3"}
    )
    assert response.status_code == 200
    assert 'value="RCH9"' in response.content.decode()
    assert not Flight.objects.exists()


def test_pin_hold_link_and_rerun_from_the_board(placed, canada, planner):
    _flight, case, waiting = placed
    other = make_flight(canada, seats=20, hours=24)
    client = client_for(planner)
    hold_url = reverse("flights:hold", kwargs={"org": "canada", "ref": case.reference})
    response = client.post(hold_url, {"action": "hold", "reason": "Passport to check", "next": board_url()})
    assert response.status_code == 302 and response["Location"] == board_url()
    assert Hold.objects.get(application=case).reason == "Passport to check"
    assert not Placement.objects.filter(application=case).exists()
    client.post(hold_url, {"action": "release"})
    assert not Hold.objects.exists()
    pin_url = reverse("flights:pin", kwargs={"org": "canada", "ref": waiting.reference})
    client.post(pin_url, {"action": "pin", "flight": str(other.public_id), "next": "https://evil.example/"})
    assert Placement.objects.get(application=waiting).flight == other
    third = approved(canada, priority=1)
    client.post(
        reverse("flights:link", kwargs={"org": "canada"}),
        {"action": "link", "a": case.reference, "b": third.reference, "reason": "brothers"},
    )
    assert FamilyLink.objects.count() == 1
    client.post(reverse("flights:allocate", kwargs={"org": "canada"}))
    run = AllocationRun.objects.get(state=AllocationRun.State.QUEUED)
    progress = client.get(reverse("flights:run", kwargs={"org": "canada", "allocation_id": run.public_id}))
    assert progress.status_code == 200 and b"hx-get" in progress.content
    assert Application.objects.get(pk=waiting.pk).status == Status.SCHEDULED


def test_a_link_to_an_unknown_reference_is_refused_clearly(placed, planner):
    _flight, case, _waiting = placed
    response = client_for(planner).post(
        reverse("flights:link", kwargs={"org": "canada"}),
        {"action": "link", "a": case.reference, "b": "AAA-AAA-AAA"},
        follow=True,
    )
    assert "No case of this organisation has the reference" in response.content.decode()
    assert not FamilyLink.objects.exists()


def test_the_allocation_runs_in_the_background_and_the_board_follows_it(canada, planner):
    flight = make_flight(canada, seats=8)
    case = approved(canada, priority=40)
    client = client_for(planner)
    services.start_allocation(membership(planner, canada))  # enqueued on commit: run it as the worker would
    from evac.flights.tasks import run_allocation

    run = AllocationRun.objects.get()
    run_allocation.call(run.pk)
    run.refresh_from_db()
    assert run.state == AllocationRun.State.DONE and run.families_placed == 1
    assert Placement.objects.get(application=case).flight == flight
    html = client.get(board_url()).content.decode()
    assert "1 family, 4 people" in html
    assert run_allocation.call(run.pk) == {"skipped": True}


def test_the_boards_queries_do_not_grow_with_the_families(canada, planner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_flight(canada, seats=8)
    make_flight(canada, seats=8, hours=5)
    client = client_for(planner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(board_url()).status_code == 200
        return len(queries)

    for _ in range(2):
        approved(canada)
    services.allocate_seats(canada, method="greedy", bound=False)
    planning.hold_family(approved(canada), membership(planner, canada), reason="papers")
    few = count()
    for _ in range(6):
        approved(canada)
    services.allocate_seats(canada, method="greedy", bound=False)
    planning.hold_family(approved(canada), membership(planner, canada), reason="papers")
    assert count() == few
