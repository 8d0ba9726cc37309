"""Seat allocation: approved families onto planned flights, whole, most urgent first and earliest.

Pure Python over dataclasses (no models), so that the flight board, `evac allocate_seats`, the tests
and the benchmark all call the same `allocate()`.

The problem
-----------
Groups g (a family, or linked families merged by `merge_linked`) of p_g people, m_g of whom need a
medical (stretcher) place, weighing kg_g, with a priority pi_g > 0 (higher is more urgent). Flights f
with seats S_f, medical places M_f and, where known, a payload limit W_f. Each group goes whole on one
flight or stays behind, and on each flight

    sum of (p_g - m_g) <= S_f,   sum of m_g <= M_f,   sum of kg_g <= W_f (if known).

A person who needs a medical place travels in it, not in a seat. A group whose weight is unknown counts
as p_g x 100 kg on a flight whose payload limit is known. Held groups are never placed. A pinned group
goes on its flight or is reported with the reason; pins are placed first, most urgent first, and the
methods optimise the room they leave.

The objective (maximised)
-------------------------
    objective = sum over placed groups g on flight f of  pi_g * p_g * e_f
              + sum over notified groups kept on their previous flight of  s * pi_g * p_g

    e_f = 1 - 0.5 * r_f / R

where r_f is the rank of f's departure time (0 for the earliest; flights leaving at the same time share
a rank) and R the largest rank (e_f = 1 when all leave together). So a seat on the first flight counts
in full and a seat on the last one half: flying a person always adds, earlier adds more (a later flight
may never leave), and of two groups of the same size the more urgent gets the earlier flight (swapping
them would add (pi_1 - pi_2)(e_early - e_late) > 0). The second term is the stability bonus, s = 1 by
default: keeping a group that was already told its flight is worth as much again as flying it first,
so a re-run after a change moves only the notified people it must, while a much more urgent new case
(more than twice the priority) can still take a notified group's seat.

Methods, as measured (benchmarks/allocation.py, README "Performance")
---------------------------------------------------------------------
- "greedy": most urgent first onto the earliest flight with room (greedy.py). Under a second at 50,000
  groups; within about a percent or two of the bound.
- "rolling" (default): a rolling horizon of windows of flights, each a HiGHS MIP over a pool of the
  best-ranked groups, then the greedy tops up (windows.py). One MIP over everything does not scale past
  about 10,000 families.
- The bound: the LP relaxation of the whole problem, by column generation (bound.py); `gap` is
  (bound - objective) / bound. Every solver call runs in a child process under a wall-clock watchdog
  (watchdog.py); if it fails or runs late, the greedy's answer stands.
"""

import threading
import time
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from evac.flights.bound import lp_bound
from evac.flights.greedy import greedy_fill
from evac.flights.problem import (
    ASSUMED_KG_PER_PERSON,
    DEFAULT_STABILITY,
    AllocationInputError,
    FamilyGroup,
    Flight,
    Problem,
    Reason,
)
from evac.flights.watchdog import DEFAULT_BACKEND, SolverWorker
from evac.flights.windows import POOL_FACTOR, STEP, WINDOW, rolling_horizon

__all__ = [
    "Allocation",
    "AllocationInputError",
    "FamilyGroup",
    "Flight",
    "Reason",
    "allocate",
    "merge_linked",
]

METHODS = ("rolling", "greedy")
DEFAULT_TIME_LIMIT = 55.0  # seconds for the whole run; the target is 50,000 families in under 60 s


@dataclass(frozen=True)
class Allocation:
    placements: dict  # group key -> flight key
    left_out: dict  # group key -> Reason, for every group not placed
    objective: float
    lp_bound: float | None  # None when the bound could not be computed in time
    gap: float | None  # (lp_bound - objective) / lp_bound, a fraction: 0.001 is 0.1 %
    solver: str  # what produced the placements, e.g. "rolling horizon (HiGHS, 25/25 windows)"
    seconds: float  # the whole run, bound included
    moved: frozenset = frozenset()  # notified groups no longer on the flight they were told
    people_placed: int = 0
    bound_converged: bool = False  # False: the bound is valid but looser than the LP optimum
    solve_seconds: float = 0.0  # until the placements were final (the bound may run on after)
    bound_seconds: float = 0.0  # spent on the bound, beside the solve
    notes: tuple[str, ...] = field(default=())  # timeouts and fallbacks, for the planner's log


def allocate(
    groups: Iterable[FamilyGroup],
    flights: Iterable[Flight],
    *,
    previous: Mapping[Hashable, Hashable] | None = None,
    notified: Iterable[Hashable] = (),
    method: str = "rolling",
    time_limit: float = DEFAULT_TIME_LIMIT,
    bound: bool = True,
    bound_time_limit: float | None = None,
    stability: float = DEFAULT_STABILITY,
    assumed_kg_per_person: float = ASSUMED_KG_PER_PERSON,
    window: int = WINDOW,
    step: int = STEP,
    pool_factor: float = POOL_FACTOR,
    worker: SolverWorker | None = None,
    bound_worker: SolverWorker | None = None,
    backend: str = DEFAULT_BACKEND,
) -> Allocation:
    """Allocate `groups` to `flights`. `previous` is the last run's placement (group key -> flight key)
    and `notified` the groups already told their flight: the run keeps those where it can.

    `time_limit` bounds the allocation, solver calls included (they are killed when late); the bound
    runs beside it until `bound_time_limit` (default: the same). A `worker` (windows) and a
    `bound_worker` may be passed to reuse solver processes over several runs; otherwise they are started
    and stopped here.
    Raises AllocationInputError for input that cannot be allocated (nothing is changed anywhere).
    """
    started = time.monotonic()
    if method not in METHODS:
        raise AllocationInputError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    if window < 1 or step < 1 or pool_factor <= 0:
        raise AllocationInputError("window and step must be at least 1, pool_factor above 0")
    previous = dict(previous or {})
    notified = set(notified)
    problem = Problem(
        groups,
        flights,
        previous=previous,
        notified=notified,
        stability=stability,
        assumed_kg_per_person=assumed_kg_per_person,
    )

    greedy_fill(problem)
    best, solver, notes = problem.assign.copy(), "greedy", []
    _require_valid(problem, best)

    # The bound runs beside the rolling horizon, in its own solver process and a thread of ours (which
    # mostly waits, or prices in numpy, which releases the interpreter lock): the two take about as
    # long, and the machine has more than one core.
    workers: list[SolverWorker] = []
    bounding: dict = {}
    thread = None
    if bound and len(problem.candidates):
        if bound_worker is None:
            bound_worker = SolverWorker(backend)
            workers.append(bound_worker)
        bound_deadline = started + (time_limit if bound_time_limit is None else bound_time_limit)
        thread = threading.Thread(
            target=lambda: bounding.update(
                result=lp_bound(problem, best.copy(), bound_worker, bound_deadline)
            ),
            name="lp-bound",
            daemon=True,
        )
        thread.start()
    try:
        if method == "rolling" and len(problem.candidates):
            if worker is None:
                worker = SolverWorker(backend)
                workers.append(worker)
            problem.restart()
            report = rolling_horizon(
                problem, worker, started + time_limit, window=window, step=step, pool_factor=pool_factor
            )
            notes.extend(report.fallbacks)
            candidate = problem.assign.copy()
            if problem.violations(candidate):  # a bug, not a solver's whim: keep the greedy
                notes.append("the rolling horizon broke a rule; the greedy's allocation is kept")
            elif report.solved == 0:
                solver = "greedy (the solver did not answer)"
            elif problem.objective(candidate) >= problem.objective(best):
                best = candidate
                solver = f"rolling horizon (HiGHS, {report.solved}/{report.windows} windows)"
            else:
                notes.append("the rolling horizon did worse than the greedy; the greedy's allocation is kept")
        problem.reset(best)
        objective = problem.objective(best)
        solve_seconds = time.monotonic() - started
        value, converged, bound_seconds = None, False, 0.0
        if not bound:
            pass
        elif thread is None:  # nothing to place: the pins are the whole answer
            value, converged = problem.objective(problem.pinned_assign), True
        else:
            thread.join()  # the bound stops itself at its deadline; its solver calls are watched
            result = bounding.get("result")
            if result is None or result.value is None:
                notes.append("the LP bound could not be computed in time")
            else:
                value, converged, bound_seconds = result.value, result.converged, result.seconds
                if not converged:
                    notes.append(
                        f"the LP bound stopped after {result.rounds} rounds: valid, but above the LP optimum"
                    )
    finally:
        for each in workers:
            each.close()

    gap = None
    if value is not None:
        value = max(value, objective)  # equal up to rounding when the greedy is optimal
        gap = (value - objective) / value if value > 0 else 0.0
    allocation = _result(
        problem, best, objective, value, gap, solver, started, converged, notes, previous, notified
    )
    return replace(allocation, bound_seconds=bound_seconds, solve_seconds=solve_seconds)


def _require_valid(problem: Problem, assign: np.ndarray) -> None:
    problems = problem.violations(assign)
    if problems:
        raise AssertionError("allocation broke a rule: " + "; ".join(problems[:5]))


def _result(problem, assign, objective, bound, gap, solver, started, converged, notes, previous, notified):
    _require_valid(problem, assign)
    placements = {}
    for g in np.flatnonzero(assign >= 0):
        placements[problem.groups[g].key] = problem.flights[assign[g]].key
    left_out = {problem.groups[g].key: reason for g, reason in _reasons(problem, assign).items()}
    moved = frozenset(
        key for key in notified if key in previous and placements.get(key, object()) != previous[key]
    )
    return Allocation(
        placements=placements,
        left_out=left_out,
        objective=objective,
        lp_bound=bound,
        gap=gap,
        solver=solver,
        seconds=time.monotonic() - started,
        moved=moved,
        people_placed=int(problem.people[assign >= 0].sum()),
        bound_converged=converged,
        notes=tuple(notes),
    )


def _reasons(problem: Problem, assign: np.ndarray) -> dict[int, Reason]:
    """A reason for every group left out. A candidate left out found no flight it fits with room for it
    (the greedy's top-up tried them all). Of the groups on those flights: if one less urgent flies
    because it fitted the room left, "no room" (whole families do not always pack); else if one less
    urgent was pinned there, "room pinned"; else all are at least as urgent: "lower priority"."""
    reasons = {g: r for g, r in problem.reasons.items() if assign[g] < 0}
    waiting = problem.candidates[assign[problem.candidates] < 0]
    if len(waiting) == 0:
        return reasons
    least_urgent = {}
    for pinned in (False, True):
        placed = np.flatnonzero((assign >= 0) & (problem.pinned == pinned))
        least = np.full(problem.F, np.inf)
        np.minimum.at(least, assign[placed], problem.priority[placed])
        least_urgent[pinned] = least
    flights = np.arange(problem.F)
    for start in range(0, len(waiting), 8192):
        gs = waiting[start : start + 8192]
        fits = problem.fits_matrix(gs, flights)
        priority = problem.priority[gs, None]
        packed = (fits & (least_urgent[False][None, :] < priority)).any(axis=1)
        pinned = (fits & (least_urgent[True][None, :] < priority)).any(axis=1)
        for g, p, q in zip(gs.tolist(), packed.tolist(), pinned.tolist(), strict=True):
            reasons[g] = Reason.NO_ROOM if p else Reason.ROOM_PINNED if q else Reason.LOWER_PRIORITY
    return reasons


def merge_linked(
    families: Iterable[FamilyGroup], links: Iterable[tuple[Hashable, Hashable]]
) -> list[FamilyGroup]:
    """Merge families linked (directly or through others) into one group each, which travels whole.

    The group takes the key of its most urgent member (the first given among equals) and that priority,
    the sum of the people, medical places and payloads (unknown if any member's is), is held if any
    member is, and pinned where its members are pinned. A lone family is returned as it is. Raises
    AllocationInputError for a link to an unknown family, or members pinned to different flights.
    """
    families = list(families)
    index = {}
    for i, family in enumerate(families):
        if family.key in index:
            raise AllocationInputError(f"two families have the key {family.key!r}")
        index[family.key] = i
    parent = list(range(len(families)))
    size = [1] * len(families)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving keeps the trees flat
            i = parent[i]
        return i

    for a, b in links:
        if a not in index or b not in index:
            raise AllocationInputError(f"a link names a family that is not in the list: {a!r} - {b!r}")
        ra, rb = root(index[a]), root(index[b])
        if ra != rb:
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]

    components: dict[int, list[int]] = {}
    for i in range(len(families)):
        components.setdefault(root(i), []).append(i)
    merged = []
    for members in sorted(components.values()):
        if len(members) == 1:
            merged.append(families[members[0]])
            continue
        merged.append(_merge([families[i] for i in members]))
    return merged


def _merge(members: list[FamilyGroup]) -> FamilyGroup:
    lead = max(members, key=lambda f: f.priority)  # max keeps the first among equals
    pins = {f.pinned_flight for f in members if f.pinned_flight is not None}
    if len(pins) > 1:
        keys = ", ".join(repr(f.key) for f in members if f.pinned_flight is not None)
        raise AllocationInputError(f"linked families {keys} are pinned to different flights")
    payloads = [f.payload_kg for f in members]
    return replace(
        lead,
        people=sum(f.people for f in members),
        medical_places=sum(f.medical_places for f in members),
        payload_kg=None if None in payloads else float(sum(payloads)),
        priority=lead.priority,
        pinned_flight=pins.pop() if pins else None,
        held=any(f.held for f in members),
        members=tuple(key for f in members for key in (f.members or (f.key,))),
    )
