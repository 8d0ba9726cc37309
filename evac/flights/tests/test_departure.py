"""After departure: boarded against the manifest, no-shows back in the queue, families told."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application, StatusChange
from evac.cases.workflow import Status
from evac.flights import planning, services
from evac.flights.models import AllocationRun, BoardingPass, Flight, FlightStatus, Placement
from evac.flights.tests.helpers import approved, make_flight, membership


def with_email(case, address, language=""):
    principal = case.people.get(relationship="self")
    principal.email = address
    principal.save()
    if language:
        Application.objects.filter(pk=case.pk).update(language=language)


def board(case, flight, *, people=None):
    """Passes for the family, the first `people` of them boarded (all when None)."""
    family = list(case.people.all())
    for index, person in enumerate(family):
        state = BoardingPass.State.BOARDED if people is None or index < people else BoardingPass.State.ISSUED
        BoardingPass.objects.create(flight=flight, person=person, nonce=f"{person.pk}", state=state)


@pytest.fixture
def departing(canada, planner):
    flight = make_flight(canada, seats=20)
    flew = approved(canada, priority=30, given_name="Ahmad")
    missed = approved(canada, priority=20, given_name="Mirwais")
    half = approved(canada, priority=10, given_name="Karim")
    with_email(flew, "ahmad@example.org", language="fr")
    with_email(missed, "mirwais@example.org")
    services.allocate_seats(canada, method="greedy", bound=False)
    board(flew, flight)
    board(half, flight, people=2)
    BoardingPass.objects.create(flight=flight, person=missed.people.first(), nonce="m")
    return flight, flew, missed, half


def test_departure_moves_the_boarded_on_and_sends_the_no_shows_back_to_the_queue(departing, canada, planner):
    flight, flew, missed, half = departing
    planning.set_flight_status(flight, FlightStatus.DEPARTED, membership(planner, canada))
    flight.refresh_from_db()
    assert flight.status == FlightStatus.DEPARTED
    status = {c: Application.objects.get(pk=c.pk).status for c in (flew, missed, half)}
    assert status == {flew: Status.BOARDED, missed: Status.APPROVED, half: Status.BOARDED}
    assert not Placement.objects.filter(application=missed).exists()
    assert Placement.objects.filter(application=flew, flight=flight).exists()
    change = StatusChange.objects.filter(application=missed).latest("at")
    assert (change.from_status, change.to_status, change.actor) == ("scheduled", "approved", planner)
    assert flight.call_sign in change.reason
    assert flight.departure_report["no_show"] == [missed.reference]
    assert set(flight.departure_report["boarded"]) == {flew.reference, half.reference}
    left_behind = set(flight.departure_report["partial"][half.reference])
    assert left_behind == {str(p.public_id) for p in list(half.people.all())[2:]}
    # Passes not used cannot be used later.
    assert not BoardingPass.objects.filter(flight=flight, state=BoardingPass.State.ISSUED).exists()
    event = AuditEvent.objects.get(action="flight.departed")
    assert event.detail["no_show"] == [missed.reference] and event.detail["people_boarded"] == 6


def test_each_family_is_told_in_its_language_one_message_each(departing, canada, planner):
    flight, flew, missed, _half = departing
    planning.set_flight_status(flight, FlightStatus.DEPARTED, membership(planner, canada))
    assert len(mail.outbox) == 2
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert flight.call_sign in by_address["ahmad@example.org"].body
    # In the family's language: the frame of the message says so (the catalogs translate the text too).
    assert by_address["ahmad@example.org"].body.startswith("Au sujet de votre demande")
    assert by_address["mirwais@example.org"].body.startswith("About your application")
    assert "did not board" in by_address["mirwais@example.org"].body
    notified = Flight.objects.get(pk=flight.pk).departure_report["notified"]
    assert notified["boarded"]["sent"] == [flew.reference] and notified["no_show"]["sent"] == [
        missed.reference
    ]


def test_the_next_allocation_takes_the_no_shows(departing, canada, planner):
    flight, _flew, missed, _half = departing
    planning.set_flight_status(flight, FlightStatus.DEPARTED, membership(planner, canada))
    later = make_flight(canada, seats=8, hours=48)
    run = services.allocate_seats(canada, method="greedy", bound=False)
    assert run.state == AllocationRun.State.DONE
    assert Placement.objects.get(application=missed).flight == later


def test_a_departed_flight_cannot_depart_again_or_change(departing, canada, planner):
    flight, *_ = departing
    m = membership(planner, canada)
    planning.set_flight_status(flight, FlightStatus.DEPARTED, m)
    with pytest.raises(ValidationError):
        planning.set_flight_status(flight, FlightStatus.DEPARTED, m)
    with pytest.raises(ValidationError):
        planning.update_flight(flight, m, {"seats": 1})


def test_landing_brings_the_boarded_families_to_arrived(departing, canada, planner):
    flight, flew, missed, half = departing
    m = membership(planner, canada)
    planning.set_flight_status(flight, FlightStatus.DEPARTED, m)
    planning.set_flight_status(flight, FlightStatus.LANDED, m)
    assert Application.objects.get(pk=flew.pk).status == Status.ARRIVED
    assert Application.objects.get(pk=half.pk).status == Status.ARRIVED
    assert Application.objects.get(pk=missed.pk).status == Status.APPROVED


def test_the_planner_marks_departure_from_the_flight_page(departing, planner, officer):
    flight, *_ = departing
    url = reverse("flights:status", kwargs={"org": "canada", "flight_id": flight.public_id})
    client = Client()
    client.force_login(officer)
    assert client.post(url, {"status": "departed"}).status_code == 403
    client.force_login(planner)
    response = client.post(url, {"status": "departed"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Boarded against the manifest" in html and "Did not board" in html
    assert Flight.objects.get(pk=flight.pk).status == FlightStatus.DEPARTED
