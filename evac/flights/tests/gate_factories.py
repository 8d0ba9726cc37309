"""Flights, placements and passes for the boarding pass and gate tests, through the real services."""

from datetime import timedelta

from django.utils import timezone

from evac.cases.models import Application
from evac.flights.models import Flight, Placement
from evac.flights.passes import issue_passes


def make_flight(organisation, call_sign: str = "CFC4021", **fields) -> Flight:
    defaults = {
        "aircraft": "CC-177 Globemaster III",
        "seats": 134,
        "departs_at": timezone.now() + timedelta(hours=6),
        "destination": "Islamabad (ISB)",
    }
    return Flight.objects.create(organisation=organisation, call_sign=call_sign, **{**defaults, **fields})


def place(application: Application, flight: Flight) -> Placement:
    placement, _created = Placement.objects.update_or_create(
        application=application, defaults={"flight": flight}
    )
    return placement


def placed_with_passes(application: Application, flight: Flight, actor=None):
    place(application, flight)
    return issue_passes(application, flight, actor=actor)
