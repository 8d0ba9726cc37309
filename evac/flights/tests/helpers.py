"""Flights, families waiting for a seat and planners, built through the real services."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from evac.accounts.models import Membership
from evac.cases.models import Application, Person
from evac.cases.workflow import Status
from evac.conftest import make_case
from evac.flights.models import Flight

KABUL = ZoneInfo("Asia/Kabul")
FIRST_DEPARTURE = datetime(2021, 8, 16, 6, 0, tzinfo=KABUL)
_numbers = itertools.count(1)


def membership(user, organisation) -> Membership:
    return Membership.objects.select_related("organisation", "user").get(user=user, organisation=organisation)


def make_flight(organisation, seats=10, hours=0, medical_places=0, **fields) -> Flight:
    values = {
        "call_sign": f"RCH{next(_numbers):03d}",
        "aircraft": "C-17A Globemaster III",
        "seats": seats,
        "medical_places": medical_places,
        "departs_at": FIRST_DEPARTURE + timedelta(hours=hours),
        "destination": "Doha (DOH)",
        **fields,
    }
    return Flight.objects.create(organisation=organisation, **values)


def approved(organisation, *, priority=10, children=2, stretcher=0, **fields) -> Application:
    """An approved family of 2 + children (so of `children + 2` people); `stretcher` of its children
    travel lying down."""
    case = make_case(organisation, children=children, priority=priority, **fields)
    for person in list(case.people.filter(relationship="child"))[:stretcher]:
        Person.objects.filter(pk=person.pk).update(medical_needs="Shrapnel wound, needs a stretcher")
    Application.objects.filter(pk=case.pk).update(status=Status.APPROVED)
    case.status = Status.APPROVED
    return case
