"""The methods against the true optimum, found by brute force on instances small enough to enumerate."""

from hypothesis import HealthCheck, given, settings

from evac.flights.allocation import allocate
from evac.flights.problem import Problem
from evac.flights.tests.factories import brute_force, instances

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_greedy_and_rolling_horizon_against_brute_force(workers):
    @SETTINGS
    @given(instances(max_groups=6, max_flights=3))
    def run(instance):
        groups, flights = instance
        optimum = brute_force(Problem(groups, flights))
        greedy = allocate(groups, flights, method="greedy", bound_worker=workers[1], time_limit=20)
        # One window over every flight and every group: the MIP is the whole problem.
        exact = allocate(
            groups, flights, window=10, step=10, pool_factor=100, worker=workers[0], bound_worker=workers[1]
        )
        tolerance = 1e-6 * max(1.0, optimum)
        assert greedy.objective <= optimum + tolerance
        assert exact.objective >= optimum * (1 - 1e-4) - tolerance  # HiGHS stops within 0.01 %
        assert exact.objective <= optimum + tolerance
        # The bound is an upper bound on the optimum, and the gap is measured against it.
        assert greedy.lp_bound >= optimum - tolerance
        assert exact.lp_bound >= optimum - tolerance
        assert 0 <= exact.gap <= 1

    run()


def test_the_greedy_is_not_optimal_where_packing_matters(workers):
    # The greedy puts the urgent family of 3 on the first flight (4 seats); then no family of 4 fits
    # anywhere whole. The solver flies a family of 4 first and the urgent family second: 7 people, not 3.
    from evac.flights.tests.factories import flight, group

    groups = [group("urgent", 3, priority=10), group("a", 4, priority=9), group("b", 4, priority=9)]
    flights = [flight("first", 4, departs_at=1), flight("second", 3, departs_at=2)]
    greedy = allocate(groups, flights, method="greedy", bound=False)
    assert greedy.placements == {"urgent": "first"}
    best = allocate(groups, flights, worker=workers[0], bound_worker=workers[1])
    assert best.placements == {"a": "first", "urgent": "second"}
    assert best.objective > greedy.objective
    assert best.gap is not None and best.gap < 1e-9
