"""What an allocation starts from: the organisation's families waiting for a seat, its planned flights, and
what planners decided (placements, pins, holds, links), read from the database in a handful of queries.

The rules that turn a case into the engine's FamilyGroup live here, in plain functions:
- people: every member of the family (Application.family_size is kept from its people);
- medical places: members whose medical needs say they travel lying down (`needs_medical_place`);
- priority: the case's risk priority plus one, so that a case at 0 points still counts (the engine needs
  a weight above 0); a negative score counts as 0.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from evac.accounts.models import Organisation
from evac.cases.models import Application
from evac.cases.workflow import OPEN_STATUSES, Status
from evac.flights.allocation import FamilyGroup, merge_linked
from evac.flights.allocation import Flight as EngineFlight
from evac.flights.models import FamilyLink, Flight, FlightStatus, Hold, Placement

# Cases that wait for a seat or hold one on a flight that has not started boarding.
POOL_STATUSES = (Status.APPROVED, Status.SCHEDULED)

# A person takes a medical (stretcher) place when what is written of their medical needs says they travel
# lying down. Anything else (diabetes, a wheelchair, a pregnancy, crutches) flies in a seat and is on the
# manifest for the crew. Free text, so words: a planner or officer writes "stretcher" to reserve one.
STRETCHER_WORDS = (
    "stretcher",
    "litter",
    "bedridden",
    "bed-ridden",
    "bed ridden",
    "lying down",
    "cannot sit",
    "civière",
    "civiere",
    "brancard",
    "alité",
    "alitée",
    "couché",
)

# Why a family linked to others is left out when the engine only saw the group held.
LINKED_HELD = "linked_held"  # another family of the group is held back
LINKED_WAITING = "linked_waiting"  # another family of the group is not approved yet


def needs_medical_place(medical_needs: str) -> bool:
    text = (medical_needs or "").casefold()
    return any(word in text for word in STRETCHER_WORDS)


def stretcher_filter(prefix: str = "") -> Q:
    q = Q()
    for word in STRETCHER_WORDS:
        q |= Q(**{f"{prefix}medical_needs__icontains": word})
    return q


def engine_priority(priority: int) -> float:
    return float(max(priority, 0) + 1)


@dataclass(frozen=True)
class Case:
    id: int
    reference: str
    status: str
    people: int
    medical: int
    priority: int


@dataclass(frozen=True)
class Seat:
    """A case's placement as it stands."""

    flight_id: int
    pinned: bool
    notified: bool


@dataclass
class Pool:
    organisation: Organisation
    flights: list[Flight]
    cases: dict[int, Case]  # id -> case, waiting or placed on a planned flight
    seats: dict[int, Seat]  # case id -> its placement on a planned flight
    holds: dict[int, str]  # case id -> the planner's reason
    links: list[tuple[int, int]]  # between cases of the pool
    waiting_links: set[int] = field(default_factory=set)  # cases linked to an open case not approved yet
    stray: list[int] = field(
        default_factory=list
    )  # placements on planned flights of cases gone from the pool

    def groups(self) -> list[FamilyGroup]:
        """The engine's groups: one per family, linked families merged (the most urgent leads)."""
        families = []
        for case in self.cases.values():
            seat = self.seats.get(case.id)
            families.append(
                FamilyGroup(
                    key=case.reference,
                    people=max(case.people, 1),
                    medical_places=min(case.medical, max(case.people, 1)),
                    priority=engine_priority(case.priority),
                    pinned_flight=seat.flight_id if seat and seat.pinned else None,
                    held=case.id in self.holds or case.id in self.waiting_links,
                )
            )
        links = [(self.cases[a].reference, self.cases[b].reference) for a, b in self.links]
        return merge_linked(families, links)

    def engine_flights(self) -> list[EngineFlight]:
        return [
            EngineFlight(
                key=f.pk,
                departs_at=f.departs_at,
                seats=f.seats,
                medical_places=f.medical_places,
                payload_kg=float(f.payload_kg) if f.payload_kg is not None else None,
            )
            for f in self.flights
        ]

    def previous(self, groups: Iterable[FamilyGroup]) -> tuple[dict, set]:
        """(group key -> flight id, notified group keys): a group was on a flight when all its families
        were on it, and was told when any of them was."""
        by_reference = {c.reference: c for c in self.cases.values()}
        previous, notified = {}, set()
        for group in groups:
            seats = [self.seats.get(by_reference[key].id) for key in group.members or (group.key,)]
            flights = {seat.flight_id if seat else None for seat in seats}
            if len(flights) == 1 and None not in flights:
                previous[group.key] = flights.pop()
                if any(seat.notified for seat in seats if seat):
                    notified.add(group.key)
        return previous, notified

    def matches(self, now: "Pool") -> bool:
        """Whether `now`, read again, is still the plan this pool was read as. Cases approved since do
        not count (they wait for the next run); priorities re-ranked meanwhile do not either."""
        if self.fingerprint() != now.fingerprint():
            return False
        return all(
            (other := now.cases.get(key)) is not None
            and (other.status, other.people, other.medical) == (case.status, case.people, case.medical)
            for key, case in self.cases.items()
        )

    def fingerprint(self) -> str:
        """What the run's answer depends on besides the cases' priorities: flights, placements, holds and
        links. Compared again before writing, so that a pin or a capacity changed meanwhile is not undone."""
        state = {
            "flights": [
                [f.pk, f.seats, f.medical_places, f.payload_kg, f.departs_at.isoformat(), f.status]
                for f in self.flights
            ],
            "seats": sorted([k, s.flight_id, s.pinned, s.notified] for k, s in self.seats.items()),
            "holds": sorted(self.holds),
            "links": sorted(self.links),
            "stray": sorted(self.stray),
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def read_pool(organisation: Organisation) -> Pool:
    flights = list(
        Flight.objects.filter(organisation=organisation, status=FlightStatus.PLANNED).order_by(
            "departs_at", "pk"
        )
    )
    planned = {f.pk for f in flights}
    # A case placed on a flight that is boarding (or gone) is not the allocation's any more.
    elsewhere = Placement.objects.filter(application__organisation=organisation).exclude(
        flight_id__in=planned
    )
    rows = (
        Application.objects.filter(organisation=organisation, status__in=POOL_STATUSES)
        .exclude(pk__in=elsewhere.values("application_id"))
        .annotate(
            people_count=Count("people"),
            medical_count=Count("people", filter=stretcher_filter("people__")),
        )
        .values_list("pk", "reference", "status", "people_count", "medical_count", "priority")
    )
    cases = {
        pk: Case(pk, reference, status, people, medical, priority)
        for pk, reference, status, people, medical, priority in rows
    }
    seats, stray = {}, []
    for pk, application_id, flight_id, pinned, notified_at in Placement.objects.filter(
        flight_id__in=planned
    ).values_list("pk", "application_id", "flight_id", "pinned", "notified_at"):
        if application_id in cases:
            seats[application_id] = Seat(flight_id, pinned, notified_at is not None)
        else:
            stray.append(pk)
    # Read by organisation and kept for the pool's cases: tens of thousands of ids in one IN (...) would
    # pass SQLite's limit on query parameters.
    holds = {
        application_id: reason
        for application_id, reason in Hold.objects.filter(application__organisation=organisation).values_list(
            "application_id", "reason"
        )
        if application_id in cases
    }
    links, waiting = [], set()
    pairs = FamilyLink.objects.filter(organisation=organisation).values_list("a_id", "b_id")
    partners = {a for pair in pairs for a in pair}
    open_outside = set(
        Application.objects.filter(pk__in=partners - cases.keys(), status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    for a, b in pairs:
        if a in cases and b in cases:
            links.append((a, b))
        # A family linked to one still on its way to approval waits for it; a link to a family that flew,
        # withdrew or was refused binds nobody any more.
        elif a in cases and b in open_outside:
            waiting.add(a)
        elif b in cases and a in open_outside:
            waiting.add(b)
    return Pool(organisation, flights, cases, seats, holds, links, waiting, stray)
