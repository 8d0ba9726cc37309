"""The demo's flights out of Kabul over the days after 13 August 2021, and the scheduled families on them,
as an earlier allocation would have left them (and told them), so that the flight board can be tried at once:
run the allocation, and the approved families waiting are placed around those already told."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from evac.accounts.models import Organisation
from evac.audit.services import record_event
from evac.cases.models import Application
from evac.cases.workflow import Status
from evac.demo import scenario
from evac.demo.loader import KABUL
from evac.flights.models import Flight, Placement
from evac.flights.pool import stretcher_filter


def _departures(count: int):
    day = scenario.DEMO_DAY + timedelta(days=1)
    produced = 0
    while produced < count:
        for hour in scenario.DEPARTURE_HOURS:
            if produced == count:
                return
            yield datetime.combine(day, time(hour, 0), KABUL)
            produced += 1
        day += timedelta(days=1)


def load_flights(organisation: Organisation) -> tuple[int, int]:
    """Plan the organisation's flights and seat its scheduled families. Returns (flights, families placed)."""
    if Flight.objects.filter(organisation=organisation).exists():
        return 0, 0
    cases = Application.objects.filter(
        organisation=organisation, status__in=(Status.APPROVED, Status.SCHEDULED)
    )
    waiting = cases.aggregate(people=Sum("family_size"))["people"] or 0
    aircraft = scenario.AIRCRAFT[organisation.slug]
    flights, seats, number = [], 0, 0
    while (seats < waiting * scenario.FLIGHT_SHARE or not flights) and len(flights) < scenario.MAX_FLIGHTS:
        prefix, kind, capacity, medical, payload, destination = aircraft[len(flights) % len(aircraft)]
        number += 1
        flights.append(
            Flight(
                organisation=organisation,
                call_sign=f"{prefix}{4000 + number * 7}",
                aircraft=kind,
                seats=capacity,
                medical_places=medical,
                payload_kg=payload,
                destination=destination,
                emergency_contact=scenario.EMERGENCY_CONTACTS[organisation.slug],
            )
        )
        seats += capacity
    for flight, departs_at in zip(flights, _departures(len(flights)), strict=True):
        flight.departs_at = departs_at
    with transaction.atomic():
        Flight.objects.bulk_create(flights)
        placed = _seat_scheduled(organisation, flights)
        record_event(
            "demo.flights",
            actor=None,
            organisation=organisation,
            detail={"flights": len(flights), "seats": seats, "scheduled_placed": placed},
        )
    return len(flights), placed


def _seat_scheduled(organisation: Organisation, flights: list[Flight]) -> int:
    """The families already scheduled, most urgent first, on the earliest flight with room, told their
    flight (as if on the day before)."""
    room = {f.pk: [f.seats, f.medical_places] for f in flights}
    scheduled = (
        Application.objects.filter(organisation=organisation, status=Status.SCHEDULED)
        .annotate(
            people_count=Count("people"), medical_count=Count("people", filter=stretcher_filter("people__"))
        )
        .order_by("-priority", "pk")
        .values_list("pk", "people_count", "medical_count")
    )
    told = timezone.now() - timedelta(days=1)
    placements = []
    for pk, people, medical in scheduled:
        for flight in flights:
            seats, places = room[flight.pk]
            if people - medical <= seats and medical <= places:
                room[flight.pk] = [seats - (people - medical), places - medical]
                placements.append(Placement(application_id=pk, flight=flight, notified_at=told))
                break
    Placement.objects.bulk_create(placements)
    return len(placements)
