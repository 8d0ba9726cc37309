"""The rules every allocation keeps, whatever the input: property tests over small random instances."""

import pytest
from hypothesis import HealthCheck, given, settings

from evac.flights.allocation import Reason, allocate
from evac.flights.tests.factories import instances, load

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_rules(allocation, groups, flights):
    by_key = {g.key: g for g in groups}
    flight_keys = {f.key for f in flights}
    # Whole groups: each group is placed on exactly one flight or left out with a reason, never both.
    assert set(allocation.placements) | set(allocation.left_out) == set(by_key)
    assert not set(allocation.placements) & set(allocation.left_out)
    assert set(allocation.placements.values()) <= flight_keys
    assert all(isinstance(reason, Reason) for reason in allocation.left_out.values())
    # Every capacity respected.
    for f in flights:
        seats, medical, kg = load(allocation, groups, flights)[f.key]
        assert seats <= f.seats
        assert medical <= f.medical_places
        if f.payload_kg is not None:
            assert kg <= f.payload_kg + 1e-6
    for key, g in by_key.items():
        if g.held:  # held groups are never placed, and say so
            assert allocation.left_out[key] == Reason.HELD
        elif g.pinned_flight is not None and key in allocation.placements:
            assert allocation.placements[key] == g.pinned_flight  # never moved off its pin
    assert allocation.people_placed == sum(by_key[k].people for k in allocation.placements)


def pins_fit(groups, flights) -> bool:
    """Whether all the pins that can be honoured fit together (then every one must be)."""
    by_flight = {f.key: f for f in flights}
    totals = {}
    for g in groups:
        if g.held or g.pinned_flight not in by_flight:
            continue
        t = totals.setdefault(g.pinned_flight, [0, 0, 0.0])
        t[0] += g.people - g.medical_places
        t[1] += g.medical_places
        t[2] += g.people * 100.0 if g.payload_kg is None else g.payload_kg
    return all(
        s <= by_flight[k].seats
        and m <= by_flight[k].medical_places
        and (by_flight[k].payload_kg is None or w <= by_flight[k].payload_kg)
        for k, (s, m, w) in totals.items()
    )


@SETTINGS
@given(instances())
def test_greedy_keeps_every_rule(instance):
    groups, flights = instance
    allocation = allocate(groups, flights, method="greedy", bound=False)
    check_rules(allocation, groups, flights)


@pytest.mark.parametrize("window,step", [(1, 1), (2, 1), (3, 3)])
def test_rolling_horizon_keeps_every_rule(workers, window, step):
    @SETTINGS
    @given(instances())
    def run(instance):
        groups, flights = instance
        allocation = allocate(
            groups,
            flights,
            window=window,
            step=step,
            worker=workers[0],
            bound_worker=workers[1],
            time_limit=20,
        )
        check_rules(allocation, groups, flights)

    run()


@SETTINGS
@given(instances())
def test_pins_are_honoured_when_they_fit(instance):
    groups, flights = instance
    flight_keys = {f.key for f in flights}
    allocation = allocate(groups, flights, method="greedy", bound=False)
    for g in groups:
        if g.pinned_flight is None or g.held:
            continue
        if g.pinned_flight not in flight_keys:
            assert allocation.left_out[g.key] == Reason.PINNED_FLIGHT_UNKNOWN
        elif pins_fit(groups, flights) and allocation.left_out.get(g.key) != Reason.PINNED_FLIGHT_TOO_SMALL:
            assert allocation.placements[g.key] == g.pinned_flight
