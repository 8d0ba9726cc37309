"""An upper bound on the best possible objective: the LP relaxation of the whole problem.

Written out, the LP of 50,000 groups on 200 flights has 10 million columns (one per group and flight it
fits): too big to pass to a solver in a minute and 1 GB. It is solved instead by column generation: a
restricted LP holds only some columns (at first, those of the heuristic's solution); its dual values
price every other column with numpy, and the columns that would improve it are added, until none would.

The number reported is always a valid upper bound, even if that loop is stopped by the clock, because it
does not rely on the restricted LP being solved to the end. For any dual prices a, b, c >= 0 on the
seats, medical places and payload of each flight, weak duality gives

    best objective <= pins + sum over flights f of (a_f seats_left_f + b_f medical_left_f + c_f kg_left_f)
                     + sum over groups g of max(0, max over flights f that g fits of
                                               cost(g, f) - a_f seats_g - b_f medical_g - c_f kg_g)

(drop the capacities into the objective with those prices: each group then simply takes its best
flight or none). This is computed for the prices of every restricted LP and the smallest is kept. When
column generation has converged it equals the LP optimum, the usual "LP bound".
"""

import time
from dataclasses import dataclass

import numpy as np

from evac.flights.problem import Problem
from evac.flights.watchdog import SolverUnavailable, SolverWorker

CHUNK = 4096  # groups priced at once: a chunk x 200 flights of floats is a few MB
MAX_NEW_COLUMNS = 10_000  # per round, the most promising first
NEIGHBOURS = 4  # first columns: flights up to this far from the heuristic's, either side
LP_OPTIONS = {"simplex_strategy": 4}  # primal simplex: after new columns the last basis stays feasible
RELATIVE_TOLERANCE = 1e-7  # converged when the bound and the restricted LP agree this closely


@dataclass
class Bound:
    value: float | None  # None when not even one restricted LP was solved in time
    converged: bool
    rounds: int
    columns: int
    seconds: float


def lp_bound(problem: Problem, assign: np.ndarray, worker: SolverWorker, deadline: float) -> Bound:
    """The LP bound of `problem` (pins fixed), starting from the columns of the placement `assign`."""
    started = time.monotonic()
    pins = problem.objective(problem.pinned_assign)
    groups = problem.candidates
    if len(groups) == 0 or problem.F == 0:
        return Bound(pins, True, 0, 0, 0.0)
    seats_left, medical_left, kg_left = problem.after_pins
    row_of = np.full(problem.n, -1, dtype=np.int64)
    row_of[groups] = np.arange(len(groups))
    payload = {
        "n_groups": len(groups),
        "seats": problem.seats[groups],
        "medical": problem.medical[groups],
        "kg": problem.kg[groups],
        "seats_left": seats_left,
        "medical_left": medical_left,
        "kg_left": kg_left,
        "options": LP_OPTIONS,
    }
    limited = np.flatnonzero(np.isfinite(kg_left))
    present = np.zeros((len(groups), problem.F), dtype=bool)

    first = _neighbourhood(problem, groups, assign)
    present[first] = True
    new = {"group": first[0], "flight": first[1], "cost": _costs(problem, groups, *first)}

    best, rounds, converged = np.inf, 0, False
    try:
        worker.call("lp_open", payload, deadline - time.monotonic())
        while True:
            answer = worker.call("lp_add", new, deadline - time.monotonic())
            rounds += 1
            duals = np.maximum(answer["row_dual"], 0.0)
            n = len(groups)
            u = duals[:n]
            a = duals[n : n + problem.F]
            b = duals[n + problem.F : n + 2 * problem.F]
            c = np.zeros(problem.F)
            c[limited] = duals[n + 2 * problem.F :]
            bound, new = _price(problem, groups, present, u, a, b, c)
            best = min(best, bound)
            restricted = answer["objective"]
            if best - restricted <= RELATIVE_TOLERANCE * max(1.0, abs(best)) or len(new["group"]) == 0:
                converged = True
                break
            if time.monotonic() >= deadline:
                break
    except SolverUnavailable:
        pass
    value = None if rounds == 0 else pins + best
    return Bound(value, converged, rounds, int(present.sum()), time.monotonic() - started)


def _neighbourhood(problem: Problem, groups: np.ndarray, assign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first columns: for the best-ranked groups (as many people as 1.5 times the free seats), the
    flights near the one the heuristic gave them (or gave the group ranked just before, if it left
    them out). The LP's solution is close to that: the better a group, the earlier its flight, so a
    group's column in it is seldom far from its heuristic flight, and starting there spares most of
    the rounds a start from the heuristic's columns alone would take."""
    seats_left, medical_left, _ = problem.after_pins
    free = float(seats_left.sum() + medical_left.sum())
    enough = np.searchsorted(np.cumsum(problem.people[groups]), 1.5 * free, side="right") + 1
    top = np.arange(min(len(groups), enough))
    flight = assign[groups[top]]
    # Carry the last placed group's flight forward over the groups left out (ranked order).
    known = np.where(flight >= 0, np.arange(len(top)), -1)
    np.maximum.accumulate(known, out=known)
    flight = np.where(known >= 0, flight[np.maximum(known, 0)], 0)
    offsets = np.arange(-NEIGHBOURS, NEIGHBOURS + 1)
    rows = np.repeat(top, len(offsets))
    flights = (flight[:, None] + offsets[None, :]).ravel()
    keep = (flights >= 0) & (flights < problem.F)
    rows, flights = rows[keep], flights[keep]
    fits = (
        (problem.seats[groups[rows]] <= problem.seat_cap[flights])
        & (problem.medical[groups[rows]] <= problem.medical_cap[flights])
        & (problem.kg[groups[rows]] <= problem.kg_cap[flights] + 1e-6)
    )
    rows, flights = rows[fits], flights[fits]
    # The heuristic's own columns, so that the first restricted LP is at least as good as it.
    placed = np.flatnonzero(assign[groups] >= 0)
    rows = np.concatenate([rows, placed])
    flights = np.concatenate([flights, assign[groups[placed]]])
    unique = np.unique(rows * problem.F + flights)
    return unique // problem.F, unique % problem.F


def _costs(problem: Problem, groups: np.ndarray, rows: np.ndarray, flights: np.ndarray) -> np.ndarray:
    g = groups[rows]
    return problem.value[g] * problem.earliness[flights] + np.where(
        problem.previous[g] == flights, problem.bonus[g], 0.0
    )


def _price(problem, groups, present, u, a, b, c) -> tuple[float, dict]:
    """The Lagrangian bound for prices (a, b, c) and the columns whose reduced cost is positive against
    the restricted LP's duals (u on the groups' rows)."""
    seats_left, medical_left, kg_left = problem.after_pins
    finite_kg = np.where(np.isfinite(kg_left), kg_left, 0.0)
    total = float(a @ seats_left + b @ medical_left + c @ finite_kg)
    flights = np.arange(problem.F)
    scale = max(1.0, float(problem.value[groups].max(initial=0.0)) * 2)
    picked_rows, picked_flights, picked_rc = [], [], []
    for start in range(0, len(groups), CHUNK):
        rows = np.arange(start, min(len(groups), start + CHUNK))
        gs = groups[rows]
        reduced = problem.coefficients(gs, flights)
        reduced -= problem.seats[gs, None] * a[None, :]
        reduced -= problem.medical[gs, None] * b[None, :]
        reduced -= problem.kg[gs, None] * c[None, :]
        reduced[~problem.fits_matrix(gs, flights)] = -np.inf
        best = reduced.max(axis=1)
        total += float(np.maximum(best, 0.0).sum())
        # One column per group per round, its best flight, if it would improve the restricted LP.
        best_flight = reduced.argmax(axis=1)
        gain = best - u[rows]
        want = (gain > 1e-9 * scale) & ~present[rows, best_flight]
        picked_rows.append(rows[want])
        picked_flights.append(best_flight[want])
        picked_rc.append(gain[want])
    rows = np.concatenate(picked_rows)
    flights_ = np.concatenate(picked_flights)
    if len(rows) > MAX_NEW_COLUMNS:
        keep = np.argsort(-np.concatenate(picked_rc), kind="stable")[:MAX_NEW_COLUMNS]
        rows, flights_ = rows[keep], flights_[keep]
    present[rows, flights_] = True
    return total, {"group": rows, "flight": flights_, "cost": _costs(problem, groups, rows, flights_)}
