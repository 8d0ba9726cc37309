"""The seat allocation problem as arrays: the inputs (families, flights), their checks, and the objective.

Everything the methods (greedy.py, windows.py, bound.py) share lives here, so that they all optimise
exactly the same thing and are checked by the same function (`Problem.violations`). The formula is in
allocation.py's docstring.
"""

import enum
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# A group whose payload nobody recorded still weighs something: counting it as nothing could overload an
# aircraft whose payload limit is known. 100 kg is a passenger with a bag, a usual planning figure.
ASSUMED_KG_PER_PERSON = 100.0
# The last flight's seats count for (1 - this) of the first flight's; see allocation.py.
EARLINESS_DISCOUNT = 0.5
# Keeping a notified group on its flight is worth this many times the group's value on the first flight.
DEFAULT_STABILITY = 1.0
# Float comparisons of payloads: kilograms are given with decimals, sums must not fail by rounding.
KG_TOLERANCE = 1e-6


class AllocationInputError(ValueError):
    """The input cannot be allocated as given (a duplicate key, a negative capacity...): nothing was done."""


class Reason(enum.StrEnum):
    """Why a group was left out."""

    HELD = "held"  # a planner held it back
    NO_FLIGHT_LARGE_ENOUGH = "no_flight_large_enough"  # no aircraft could take it even empty
    LOWER_PRIORITY = "lower_priority"  # fits an aircraft, but the room went to groups at least as urgent
    NO_ROOM = "no_room"  # the room left on every flight it fits is too small for the whole group
    ROOM_PINNED = "room_pinned"  # less urgent groups a planner pinned took the room it would have had
    PINNED_FLIGHT_UNKNOWN = "pinned_flight_unknown"  # pinned to a flight not in this run
    PINNED_FLIGHT_TOO_SMALL = "pinned_flight_too_small"  # pinned to a flight it does not fit even empty
    PINNED_FLIGHT_FULL = "pinned_flight_full"  # pinned groups more urgent took the pinned flight's room


@dataclass(frozen=True)
class FamilyGroup:
    """A family, or linked families that must travel together (see `allocation.merge_linked`).

    `people` includes those who need a medical (stretcher) place: they travel in it, not in a seat, so
    the group needs `people - medical_places` seats and `medical_places` medical places.
    `priority` is positive, higher is more urgent. `payload_kg` is the group's weight with its baggage, or
    None when unknown (then counted as `people` x the assumed weight). `members` are the keys of the
    families merged into this group (empty for a lone family).
    """

    key: Hashable
    people: int
    medical_places: int = 0
    payload_kg: float | None = None
    priority: float = 1.0
    pinned_flight: Hashable | None = None
    held: bool = False
    members: tuple = ()


@dataclass(frozen=True)
class Flight:
    """An aircraft's departure: ordinary seats, medical (stretcher) places, payload limit if known."""

    key: Hashable
    departs_at: Any  # anything ordered: a datetime in the application, a number in the tests
    seats: int
    medical_places: int = 0
    payload_kg: float | None = None


def _check_count(name: str, value: Any, owner: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise AllocationInputError(f"{owner}: {name} must be a whole number >= {minimum}, not {value!r}")
    return int(value)


def _check_kg(value: Any, owner: str) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.number)
        or not (0 <= value < math.inf)
    ):
        raise AllocationInputError(f"{owner}: payload_kg must be a number >= 0 or None, not {value!r}")
    return float(value)


def check_group(group: FamilyGroup) -> None:
    owner = f"group {group.key!r}"
    people = _check_count("people", group.people, owner, minimum=1)
    medical = _check_count("medical_places", group.medical_places, owner, minimum=0)
    if medical > people:
        raise AllocationInputError(f"{owner}: needs {medical} medical places for {people} people")
    _check_kg(group.payload_kg, owner)
    priority = group.priority
    if (
        isinstance(priority, bool)
        or not isinstance(priority, int | float | np.number)
        or not (0 < priority < math.inf)
    ):
        raise AllocationInputError(f"{owner}: priority must be a number > 0, not {priority!r}")


def check_flight(flight: Flight) -> None:
    owner = f"flight {flight.key!r}"
    _check_count("seats", flight.seats, owner, minimum=0)
    _check_count("medical_places", flight.medical_places, owner, minimum=0)
    _check_kg(flight.payload_kg, owner)
    if flight.departs_at is None:
        raise AllocationInputError(f"{owner}: has no departure time")


def _unique_keys(items: Iterable, what: str) -> dict:
    index = {}
    for position, item in enumerate(items):
        if item.key in index:
            raise AllocationInputError(f"two {what} have the key {item.key!r}")
        index[item.key] = position
    return index


class Problem:
    """One allocation run's data as arrays, flights sorted by departure, pins already applied.

    Groups keep their input order (index g); flights are sorted by departure (index f, earliest first).
    `assign[g]` is the flight index of group g or -1. Pinned groups are placed here, before any method
    runs, in priority order; `seats_left`, `medical_left` and `kg_left` are what remains after them.
    `candidates` are the groups a method may place: not held, not pinned, fitting some aircraft.
    """

    def __init__(
        self,
        groups: Iterable[FamilyGroup],
        flights: Iterable[Flight],
        *,
        previous: Mapping[Hashable, Hashable] | None = None,
        notified: Iterable[Hashable] = (),
        stability: float = DEFAULT_STABILITY,
        assumed_kg_per_person: float = ASSUMED_KG_PER_PERSON,
    ):
        self.groups = list(groups)
        flights = list(flights)
        for group in self.groups:
            check_group(group)
        for flight in flights:
            check_flight(flight)
        self.group_index = _unique_keys(self.groups, "groups")
        _unique_keys(flights, "flights")
        if not (0 <= stability < math.inf):
            raise AllocationInputError(f"stability must be a number >= 0, not {stability!r}")
        try:
            order = sorted(range(len(flights)), key=lambda i: (flights[i].departs_at, i))
        except TypeError as error:
            raise AllocationInputError(f"departure times cannot be compared: {error}") from None
        self.flights = [flights[i] for i in order]
        self.flight_index = {flight.key: f for f, flight in enumerate(self.flights)}
        self.n, self.F = len(self.groups), len(self.flights)

        groups = self.groups
        self.people = np.array([g.people for g in groups], dtype=np.int64)
        self.medical = np.array([g.medical_places for g in groups], dtype=np.int64)
        self.seats = self.people - self.medical  # ordinary seats needed
        self.kg = np.array(
            [g.people * assumed_kg_per_person if g.payload_kg is None else g.payload_kg for g in groups],
            dtype=np.float64,
        )
        self.priority = np.array([float(g.priority) for g in groups], dtype=np.float64)
        self.value = self.priority * self.people
        self.earliness = earliness_weights([f.departs_at for f in self.flights])

        self.seat_cap = np.array([f.seats for f in self.flights], dtype=np.int64)
        self.medical_cap = np.array([f.medical_places for f in self.flights], dtype=np.int64)
        self.kg_cap = np.array(
            [math.inf if f.payload_kg is None else f.payload_kg for f in self.flights], dtype=np.float64
        )

        # Stability: a notified group on its previous flight earns a bonus on that one column.
        notified = set(notified)
        previous = previous or {}
        self.previous = np.full(self.n, -1, dtype=np.int64)
        for key, flight_key in previous.items():
            g, f = self.group_index.get(key), self.flight_index.get(flight_key)
            if g is not None and f is not None:
                self.previous[g] = f
        self.notified = np.array([g.key in notified for g in groups], dtype=bool)
        self.bonus = np.where(self.notified & (self.previous >= 0), stability * self.value, 0.0)

        # The same order everywhere: most urgent first; among equals the notified (so they keep their
        # seats), then the smaller (more of them fit), then input order (reproducible runs).
        self.ranked = np.lexsort((np.arange(self.n), self.people, ~self.notified, -self.priority))

        self.fits_somewhere = self._fits_some_flight()
        self.reasons: dict[int, Reason] = {}
        self.assign = np.full(self.n, -1, dtype=np.int64)
        self.seats_left = self.seat_cap.copy()
        self.medical_left = self.medical_cap.copy()
        self.kg_left = self.kg_cap.copy()
        self.pinned = np.zeros(self.n, dtype=bool)
        self._apply_holds_and_pins()
        self.held = np.array([g.held for g in groups], dtype=bool)
        for g in np.flatnonzero(~self.fits_somewhere):
            self.reasons.setdefault(int(g), Reason.NO_FLIGHT_LARGE_ENOUGH)
        free = ~self.held & ~self.pinned & self.fits_somewhere
        self.candidates = self.ranked[free[self.ranked]]  # in ranked order

    # -- eligibility -----------------------------------------------------------------------------------

    def fits(self, g: int, f: int) -> bool:
        """Whether group g fits flight f when the flight is empty."""
        return bool(
            self.seats[g] <= self.seat_cap[f]
            and self.medical[g] <= self.medical_cap[f]
            and self.kg[g] <= self.kg_cap[f] + KG_TOLERANCE
        )

    def fits_matrix(self, gs: np.ndarray, fs: np.ndarray | None = None) -> np.ndarray:
        """Boolean matrix [len(gs), len(fs)]: group fits flight when the flight is empty."""
        fs = np.arange(self.F) if fs is None else fs
        return (
            (self.seats[gs, None] <= self.seat_cap[None, fs])
            & (self.medical[gs, None] <= self.medical_cap[None, fs])
            & (self.kg[gs, None] <= self.kg_cap[None, fs] + KG_TOLERANCE)
        )

    def _fits_some_flight(self) -> np.ndarray:
        if self.F == 0:
            return np.zeros(self.n, dtype=bool)
        # Chunks keep the matrix small at a million groups.
        out = np.zeros(self.n, dtype=bool)
        for start in range(0, self.n, 8192):
            gs = np.arange(start, min(self.n, start + 8192))
            out[gs] = self.fits_matrix(gs).any(axis=1)
        return out

    def room_for(self, g: int, f: int) -> bool:
        """Whether group g fits in what is left on flight f."""
        return bool(
            self.seats[g] <= self.seats_left[f]
            and self.medical[g] <= self.medical_left[f]
            and self.kg[g] <= self.kg_left[f] + KG_TOLERANCE
        )

    def coefficient(self, g: int, f: int) -> float:
        """What placing group g on flight f adds to the objective."""
        return float(self.value[g] * self.earliness[f] + (self.bonus[g] if self.previous[g] == f else 0.0))

    def coefficients(self, gs: np.ndarray, fs: np.ndarray) -> np.ndarray:
        """Matrix [len(gs), len(fs)] of `coefficient`."""
        out = self.value[gs, None] * self.earliness[None, fs]
        out += np.where(self.previous[gs, None] == fs[None, :], self.bonus[gs, None], 0.0)
        return out

    # -- pins ------------------------------------------------------------------------------------------

    def _apply_holds_and_pins(self) -> None:
        for g in self.ranked:
            group = self.groups[g]
            if group.held:
                self.reasons[int(g)] = Reason.HELD
                continue
            if group.pinned_flight is None:
                continue
            self.pinned[g] = True
            f = self.flight_index.get(group.pinned_flight)
            if f is None:
                self.reasons[int(g)] = Reason.PINNED_FLIGHT_UNKNOWN
            elif not self.fits(g, f):
                self.reasons[int(g)] = Reason.PINNED_FLIGHT_TOO_SMALL
            elif not self.room_for(g, f):
                self.reasons[int(g)] = Reason.PINNED_FLIGHT_FULL
            else:
                self.place(g, f)
        self.pinned_assign = self.assign.copy()
        self.after_pins = (self.seats_left.copy(), self.medical_left.copy(), self.kg_left.copy())

    def restart(self) -> None:
        """Back to the placement of the pins alone, before any method ran."""
        self.assign = self.pinned_assign.copy()
        self.seats_left, self.medical_left, self.kg_left = (a.copy() for a in self.after_pins)

    # -- state -----------------------------------------------------------------------------------------

    def place(self, g: int, f: int) -> None:
        self.assign[g] = f
        self.seats_left[f] -= self.seats[g]
        self.medical_left[f] -= self.medical[g]
        self.kg_left[f] -= self.kg[g]

    def unplace(self, g: int) -> None:
        f = self.assign[g]
        self.assign[g] = -1
        self.seats_left[f] += self.seats[g]
        self.medical_left[f] += self.medical[g]
        self.kg_left[f] += self.kg[g]

    def reset(self, assign: np.ndarray) -> None:
        """Make `assign` the current placement (capacities recomputed from scratch)."""
        self.assign = assign.copy()
        placed = np.flatnonzero(self.assign >= 0)
        to = self.assign[placed]
        self.seats_left = self.seat_cap - np.bincount(
            to, weights=self.seats[placed], minlength=self.F
        ).astype(np.int64)
        self.medical_left = self.medical_cap - np.bincount(
            to, weights=self.medical[placed], minlength=self.F
        ).astype(np.int64)
        self.kg_left = self.kg_cap - np.bincount(to, weights=self.kg[placed], minlength=self.F)

    # -- measures --------------------------------------------------------------------------------------

    def objective(self, assign: np.ndarray) -> float:
        placed = np.flatnonzero(assign >= 0)
        to = assign[placed]
        gain = self.value[placed] * self.earliness[to]
        gain += np.where(self.previous[placed] == to, self.bonus[placed], 0.0)
        return float(gain.sum())

    def violations(self, assign: np.ndarray) -> list[str]:
        """Every rule `assign` breaks, in words; empty when it is a valid allocation."""
        problems = []
        placed = np.flatnonzero(assign >= 0)
        to = assign[placed]
        if np.any(to >= self.F):
            return ["a group is placed on a flight that does not exist"]
        seats = np.bincount(to, weights=self.seats[placed], minlength=self.F)
        medical = np.bincount(to, weights=self.medical[placed], minlength=self.F)
        kg = np.bincount(to, weights=self.kg[placed], minlength=self.F)
        for f in range(self.F):
            key = self.flights[f].key
            if seats[f] > self.seat_cap[f]:
                problems.append(f"flight {key!r}: {seats[f]:.0f} seats taken of {self.seat_cap[f]}")
            if medical[f] > self.medical_cap[f]:
                problems.append(f"flight {key!r}: {medical[f]:.0f} medical places of {self.medical_cap[f]}")
            if kg[f] > self.kg_cap[f] + KG_TOLERANCE * max(1, len(placed)):
                problems.append(f"flight {key!r}: {kg[f]:.1f} kg of {self.kg_cap[f]:.1f}")
        for g in placed:
            group = self.groups[g]
            if group.held:
                problems.append(f"group {group.key!r} is held but placed")
            if self.pinned[g] and assign[g] != self.pinned_assign[g]:
                problems.append(f"group {group.key!r} is pinned elsewhere")
        for g in np.flatnonzero(self.pinned_assign >= 0):
            if assign[g] != self.pinned_assign[g]:
                problems.append(f"group {self.groups[g].key!r} is not on its pinned flight")
        return problems


def earliness_weights(departures: list) -> np.ndarray:
    """1 for the earliest departure, falling evenly by departure rank to 1 - EARLINESS_DISCOUNT for the
    last; flights leaving at the same time share a weight. `departures` must be sorted."""
    ranks, rank, last = [], -1, object()
    for departs_at in departures:
        if rank < 0 or departs_at != last:
            rank += 1
            last = departs_at
        ranks.append(rank)
    top = max(ranks, default=0)
    if top == 0:
        return np.ones(len(departures))
    return 1.0 - EARLINESS_DISCOUNT * np.array(ranks, dtype=np.float64) / top
