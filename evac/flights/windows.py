"""The rolling horizon: the flights in departure order, a window of the next few at a time.

For each window: a pool of the best-ranked groups not yet placed that fit one of its flights, until the
pool holds about twice the window's free seats in people; one MIP (HiGHS, in the watchdog's child
process) chooses which of them fill the window and on which flight, warm-started with the greedy on the
same pool. The placements on the window's first `step` flights are kept; the later flights of the
window are decided again by the next window, which sees them with fresh groups. Notified groups whose
previous flight is in the window are always in the pool, so the MIP can keep them there.

A window whose solve fails or runs out of time keeps the greedy's choice for it; after the last window
the greedy tops up whatever room is left on any flight with the groups still waiting.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from evac.flights.greedy import first_fit, greedy_fill
from evac.flights.problem import KG_TOLERANCE, Problem
from evac.flights.watchdog import SolverUnavailable, SolverWorker

WINDOW = 10  # flights in a window
STEP = 10  # flights kept from each window's solution (measured: at 50,000 families the time is better
# spent on fewer, longer windows than on overlapping ones)
POOL_FACTOR = 2.0  # pool size, in people, per free seat in the window
MIP_REL_GAP = 1e-4
WATCHDOG_GRACE = 1.0  # seconds past a window's budget before its solver is killed
MIN_WINDOW_SECONDS = 1.0  # a window's share of the time left, at least (but never past the deadline)


@dataclass
class HorizonReport:
    windows: int = 0
    solved: int = 0  # windows whose MIP answered
    fallbacks: list[str] = field(default_factory=list)  # why a window kept the greedy


def rolling_horizon(
    problem: Problem,
    worker: SolverWorker,
    deadline: float,
    *,
    window: int = WINDOW,
    step: int = STEP,
    pool_factor: float = POOL_FACTOR,
    mip_rel_gap: float = MIP_REL_GAP,
) -> HorizonReport:
    """Place the candidates, starting from the pins' placement in `problem`, which is updated."""
    report = HorizonReport()
    step = max(1, min(step, window))
    starts = list(range(0, problem.F, step))
    # The window that reaches the last flight is the last one: later starts would only re-solve it.
    for number, t in enumerate(starts):
        flights = range(t, min(problem.F, t + window))
        last = flights.stop == problem.F
        keep = flights if last else range(t, t + step)
        windows_left = len(starts) - number if not last else 1
        remaining = deadline - time.monotonic()
        if remaining < MIN_WINDOW_SECONDS + WATCHDOG_GRACE:
            report.fallbacks.append(f"out of time at flight {t + 1}: the greedy placed the rest")
            break
        budget = min(remaining - WATCHDOG_GRACE, max(MIN_WINDOW_SECONDS, remaining / windows_left))
        report.windows += 1
        _solve_window(problem, worker, flights, keep, budget, pool_factor, mip_rel_gap, report)
        if last:
            break
    greedy_fill(problem)
    return report


def _pool(problem: Problem, flights: range, pool_factor: float) -> np.ndarray:
    """Groups for the window, best-ranked first, that fit the room left on one of its flights."""
    waiting = problem.candidates[problem.assign[problem.candidates] < 0]
    fs = np.arange(flights.start, flights.stop)
    room = (
        (problem.seats[waiting, None] <= problem.seats_left[None, fs])
        & (problem.medical[waiting, None] <= problem.medical_left[None, fs])
        & (problem.kg[waiting, None] <= problem.kg_left[None, fs] + KG_TOLERANCE)
    ).any(axis=1)
    waiting = waiting[room]
    free = int(problem.seats_left[fs].sum() + problem.medical_left[fs].sum())
    enough = np.searchsorted(np.cumsum(problem.people[waiting]), pool_factor * free, side="right") + 1
    pool = waiting[:enough]
    # A notified group keeps its flight only if it is in the pool to be kept there.
    staying = waiting[enough:]
    staying = staying[problem.notified[staying] & np.isin(problem.previous[staying], fs)]
    return np.concatenate([pool, staying])


def _solve_window(problem, worker, flights, keep, budget, pool_factor, mip_rel_gap, report) -> None:
    pool = _pool(problem, flights, pool_factor)
    if len(pool) == 0:
        return
    fs = np.arange(flights.start, flights.stop)
    lo = flights.start
    seats_left, medical_left, kg_left = problem.seats_left[fs], problem.medical_left[fs], problem.kg_left[fs]
    room = (
        (problem.seats[pool, None] <= seats_left[None, :])
        & (problem.medical[pool, None] <= medical_left[None, :])
        & (problem.kg[pool, None] <= kg_left[None, :] + KG_TOLERANCE)
    )
    rows, cols = np.nonzero(room)
    cost = problem.coefficients(pool, fs)[rows, cols]
    column_of = {(int(r), int(c)): j for j, (r, c) in enumerate(zip(rows, cols, strict=True))}
    position = {int(g): i for i, g in enumerate(pool)}

    warm = first_fit(problem, pool, seats_left.tolist(), medical_left.tolist(), kg_left.tolist(), flights)
    warm_columns = np.array([column_of[position[g], f - lo] for g, f in warm], dtype=np.int64)
    chosen = warm_columns
    payload = {
        "n_groups": len(pool),
        "seats": problem.seats[pool],
        "medical": problem.medical[pool],
        "kg": problem.kg[pool],
        "seats_left": seats_left,
        "medical_left": medical_left,
        "kg_left": kg_left,
        "columns": {"group": rows, "flight": cols, "cost": cost},
        "warm": warm_columns,
        # HiGHS's own limit usually works: the watchdog, later, is for when it does not.
        "time_limit": max(0.2, 0.8 * budget),
        "mip_rel_gap": mip_rel_gap,
    }
    try:
        answer = worker.call("solve_window", payload, budget + WATCHDOG_GRACE)
        if answer["chosen"] is None:
            report.fallbacks.append(f"flights {lo + 1}-{flights.stop}: {answer['status']}")
        elif cost[answer["chosen"]].sum() + 1e-9 < cost[warm_columns].sum():
            report.fallbacks.append(f"flights {lo + 1}-{flights.stop}: the MIP did worse than the greedy")
        else:
            chosen = answer["chosen"]
            report.solved += 1
    except SolverUnavailable as error:
        report.fallbacks.append(f"flights {lo + 1}-{flights.stop}: {error}")

    for j in chosen:
        g, f = int(pool[rows[j]]), int(lo + cols[j])
        # Never trust a solver's answer blindly: once per group, and only where there is room.
        if f in keep and problem.assign[g] < 0 and problem.room_for(g, f):
            problem.place(g, f)
