"""What the flight board and a flight's page show: each flight's load, the families on it, the families
waiting and why the last allocation left them out, in plain words."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.cases.models import Application
from evac.cases.workflow import Status
from evac.flights.models import AllocationRun, BoardingPass, FamilyLink, Flight, FlightStatus, Hold, Placement
from evac.flights.pool import LINKED_HELD, LINKED_WAITING, stretcher_filter
from evac.flights.problem import Reason

# Shown on the board, so a planner knows what to change: a flight, a pin, a hold, a link.
REASONS = {
    Reason.HELD: _("Held back by a planner."),
    Reason.NO_FLIGHT_LARGE_ENOUGH: _("No planned aircraft can take the whole family, even empty."),
    Reason.LOWER_PRIORITY: _("Every seat it fits went to families at least as urgent."),
    Reason.NO_ROOM: _(
        "The seats left on the flights are too few for the whole family: a smaller, less urgent family "
        "fitted in them."
    ),
    Reason.ROOM_PINNED: _("Planners pinned less urgent families to the seats it would have had."),
    Reason.PINNED_FLIGHT_UNKNOWN: _("Pinned to a flight that is no longer planned."),
    Reason.PINNED_FLIGHT_TOO_SMALL: _("Pinned to a flight too small for the whole family."),
    Reason.PINNED_FLIGHT_FULL: _("Pinned to a flight whose seats went to more urgent pinned families."),
    LINKED_HELD: _("Travels with a linked family that is held back."),
    LINKED_WAITING: _(
        "Travels with a linked family that is not waiting for a seat yet (not approved, or on a flight "
        "already boarding)."
    ),
}
WAITING_SHOWN = 100


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


@dataclass
class Load:
    families: int = 0
    people: int = 0
    seats_used: int = 0
    medical_used: int = 0


@dataclass
class FlightRow:
    flight: Flight
    load: Load = field(default_factory=Load)

    @property
    def seats_free(self) -> int:
        return self.flight.seats - self.load.seats_used

    @property
    def medical_free(self) -> int:
        return self.flight.medical_places - self.load.medical_used

    @property
    def over(self) -> bool:
        return self.seats_free < 0 or self.medical_free < 0


def _placed(flights) -> list[dict]:
    return list(
        Placement.objects.filter(flight__in=flights)
        .annotate(
            people_count=Count("application__people"),
            medical_count=Count("application__people", filter=stretcher_filter("application__people__")),
        )
        .values("flight_id", "people_count", "medical_count")
    )


def flight_rows(flights) -> list[FlightRow]:
    flights = list(flights)
    loads = defaultdict(Load)
    for row in _placed(flights):
        load = loads[row["flight_id"]]
        load.families += 1
        load.people += row["people_count"]
        load.medical_used += row["medical_count"]
        load.seats_used += row["people_count"] - row["medical_count"]
    return [FlightRow(f, loads[f.pk]) for f in flights]


def board_flights(organisation: Organisation) -> tuple[list[FlightRow], list[FlightRow]]:
    """(planned and boarding flights, the last 20 that left, landed or were cancelled)."""
    flights = Flight.objects.filter(organisation=organisation)
    current = flights.filter(status__in=(FlightStatus.PLANNED, FlightStatus.BOARDING)).order_by("departs_at")
    past = flights.exclude(status__in=(FlightStatus.PLANNED, FlightStatus.BOARDING)).order_by("-departs_at")[
        :20
    ]
    return flight_rows(current), flight_rows(past)


@dataclass
class Waiting:
    case: Application
    people: int
    medical: int
    reason: str
    hold: Hold | None


def waiting_families(organisation: Organisation, run: AllocationRun | None) -> tuple[list[Waiting], int]:
    """The approved families without a seat, most urgent first (the first WAITING_SHOWN), and how many."""
    waiting = Application.objects.filter(
        organisation=organisation, status=Status.APPROVED, placement__isnull=True
    ).order_by("-priority", "created_at")
    total = waiting.count()
    cases = list(
        waiting.annotate(
            people_count=Count("people"), medical_count=Count("people", filter=stretcher_filter("people__"))
        ).only("reference", "principal_name", "priority", "family_size", "status")[:WAITING_SHOWN]
    )
    holds = {h.application_id: h for h in Hold.objects.filter(application__in=cases).select_related("by")}
    left_out = run.left_out if run is not None and run.state == AllocationRun.State.DONE else {}
    rows = [
        Waiting(
            c,
            c.people_count,
            c.medical_count,
            reason_text(left_out[c.reference]) if c.reference in left_out else "",
            holds.get(c.pk),
        )
        for c in cases
    ]
    return rows, total


def links(organisation: Organisation) -> list[FamilyLink]:
    return list(
        FamilyLink.objects.filter(organisation=organisation)
        .select_related("a", "b")
        .only("a__reference", "a__principal_name", "b__reference", "b__principal_name", "reason", "at")
        .order_by("-at")[:200]
    )


@dataclass
class PlacedFamily:
    placement: Placement
    people: int
    medical: int
    boarded: int


def placed_families(flight: Flight) -> list[PlacedFamily]:
    placements = (
        Placement.objects.filter(flight=flight)
        .select_related("application")
        .annotate(
            people_count=Count("application__people"),
            medical_count=Count("application__people", filter=stretcher_filter("application__people__")),
        )
        .order_by("-application__priority", "application__reference")
    )
    boarded = defaultdict(int)
    for application_id in BoardingPass.objects.filter(
        flight=flight, state=BoardingPass.State.BOARDED
    ).values_list("person__application_id", flat=True):
        boarded[application_id] += 1
    return [PlacedFamily(p, p.people_count, p.medical_count, boarded[p.application_id]) for p in placements]


def other_planned(flight: Flight | None, organisation: Organisation) -> list[Flight]:
    flights = Flight.objects.filter(organisation=organisation, status=FlightStatus.PLANNED).order_by(
        "departs_at"
    )
    return list(flights.exclude(pk=flight.pk) if flight else flights)
