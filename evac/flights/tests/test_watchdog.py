"""Solver calls are killed at their deadline and the greedy's answer stands."""

import time

import pytest

from evac.flights.allocation import allocate
from evac.flights.tests.factories import flight, group
from evac.flights.watchdog import SolverUnavailable, SolverWorker

HANGING = "evac.flights.tests.hanging_backend"


def instance():
    groups = [group(f"G{i}", 1 + i % 6, priority=1 + i % 5) for i in range(60)]
    flights = [flight(f"F{i}", 20 + 7 * i, departs_at=i) for i in range(8)]
    return groups, flights


def test_a_hanging_solver_is_killed_and_the_greedy_result_returned():
    groups, flights = instance()
    greedy = allocate(groups, flights, method="greedy", bound=False)
    started = time.monotonic()
    allocation = allocate(groups, flights, time_limit=4.0, backend=HANGING)
    elapsed = time.monotonic() - started
    assert elapsed < 9  # the time limit, the kill and a process start or two; not the solver's 600 s
    assert allocation.placements == greedy.placements
    assert allocation.objective == greedy.objective
    assert allocation.solver.startswith("greedy")
    assert allocation.lp_bound is None and allocation.gap is None
    assert any("no answer within" in note for note in allocation.notes)
    assert "the LP bound could not be computed in time" in allocation.notes


def test_the_worker_kills_a_call_past_its_deadline_and_starts_afresh():
    with SolverWorker(HANGING) as worker:
        started = time.monotonic()
        with pytest.raises(SolverUnavailable, match=r"no answer within 0\.5 s"):
            worker.call("solve_window", {}, timeout=0.5)
        assert time.monotonic() - started < 3
        assert worker.timeouts == 1
        with pytest.raises(SolverUnavailable, match="RuntimeError: infeasible, somehow"):
            worker.call("fail", {}, timeout=10)  # a new process answered
        with pytest.raises(SolverUnavailable, match="the solver process ended"):
            worker.call("crash", {}, timeout=10)
        assert worker.failures == 2


def test_a_real_solver_answers_within_its_deadline():
    groups, flights = instance()
    allocation = allocate(groups, flights, time_limit=30)
    assert allocation.solver.startswith("rolling horizon (HiGHS")
    assert allocation.bound_converged
    assert allocation.gap is not None and 0 <= allocation.gap < 0.01
    assert allocation.notes == ()
