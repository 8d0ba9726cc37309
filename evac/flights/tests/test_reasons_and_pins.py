"""Why a family was left out, and the pins and holds planners set."""

import pytest

from evac.flights.allocation import AllocationInputError, Reason, allocate
from evac.flights.tests.factories import flight, group


def run(groups, flights):
    return allocate(groups, flights, method="greedy", bound=False)


def test_every_reason():
    flights = [flight("A", 6, departs_at=1, medical_places=0), flight("B", 4, departs_at=2, payload_kg=300)]
    groups = [
        group("held", 2, priority=9, held=True),
        group("too-big", 7, priority=9),
        group("stretcher", 2, priority=9, medical_places=1),  # no aircraft has a medical place
        group("urgent", 6, priority=8),
        group("bumped", 4, priority=2, payload_kg=350),  # fits A alone, but A is full; too heavy for B
        group("pinned-nowhere", 1, priority=9, pinned_flight="Z"),
        group("pinned-small", 5, priority=9, pinned_flight="B"),
        group("pinned", 3, priority=7, pinned_flight="B", payload_kg=200),
        group("pinned-late", 2, priority=1, pinned_flight="B"),  # 200 kg more on a 300 kg aircraft
        group("fits", 1, priority=1, payload_kg=80),
    ]
    allocation = run(groups, flights)
    assert allocation.placements == {"urgent": "A", "pinned": "B", "fits": "B"}
    assert allocation.left_out == {
        "held": Reason.HELD,
        "too-big": Reason.NO_FLIGHT_LARGE_ENOUGH,
        "stretcher": Reason.NO_FLIGHT_LARGE_ENOUGH,
        "bumped": Reason.LOWER_PRIORITY,
        "pinned-nowhere": Reason.PINNED_FLIGHT_UNKNOWN,
        "pinned-small": Reason.PINNED_FLIGHT_TOO_SMALL,
        "pinned-late": Reason.PINNED_FLIGHT_FULL,
    }


def test_no_room_when_a_less_urgent_family_fitted_the_room_left():
    groups = [group("first", 3, priority=9), group("big", 3, priority=5), group("small", 1, priority=1)]
    allocation = run(groups, [flight("A", 4)])
    assert allocation.placements == {"first": "A", "small": "A"}
    assert allocation.left_out == {"big": Reason.NO_ROOM}


def test_a_held_family_stays_behind_even_when_pinned_and_seats_are_free():
    allocation = run([group("g", 2, held=True, pinned_flight="A")], [flight("A", 10)])
    assert allocation.placements == {}
    assert allocation.left_out == {"g": Reason.HELD}


def test_pins_go_first_most_urgent_first():
    groups = [
        group("free", 4, priority=10),
        group("pin-low", 3, priority=1, pinned_flight="A"),
        group("pin-high", 3, priority=5, pinned_flight="A"),
    ]
    allocation = run(groups, [flight("A", 4)])
    assert allocation.placements == {"pin-high": "A"}  # a pin beats a more urgent family without one
    assert allocation.left_out == {"pin-low": Reason.PINNED_FLIGHT_FULL, "free": Reason.ROOM_PINNED}


def test_medical_places_are_not_seats():
    # Two people, one on a stretcher: one seat and one medical place.
    allocation = run([group("g", 2, medical_places=1)], [flight("A", 1, medical_places=1)])
    assert allocation.placements == {"g": "A"}


def test_an_unknown_payload_counts_100_kg_a_person():
    flights = [flight("A", 10, payload_kg=250)]
    assert run([group("g", 3)], flights).left_out == {"g": Reason.NO_FLIGHT_LARGE_ENOUGH}
    assert run([group("g", 3, payload_kg=240.0)], flights).placements == {"g": "A"}


def test_the_most_urgent_fly_earliest():
    groups = [group("low", 4, priority=1), group("high", 4, priority=9)]
    flights = [flight("late", 4, departs_at=5), flight("early", 4, departs_at=1)]
    allocation = run(groups, flights)
    assert allocation.placements == {"high": "early", "low": "late"}
    # 9 x 4 x 1 (first departure) + 1 x 4 x 0.5 (last departure)
    assert allocation.objective == pytest.approx(38.0)


@pytest.mark.parametrize(
    "groups,flights,message",
    [
        ([group("g", 1), group("g", 2)], [], "two groups"),
        ([group("g", 0)], [], "people"),
        ([group("g", 2, medical_places=3)], [], "medical places for 2"),
        ([group("g", 2, priority=0)], [], "priority"),
        ([group("g", 2, payload_kg=-1)], [], "payload"),
        ([], [flight("A", -1)], "seats"),
        ([], [flight("A", 1), flight("A", 2)], "two flights"),
        ([], [flight("A", 1, departs_at=None)], "departure"),
        ([], [flight("A", 1, departs_at=1), flight("B", 1, departs_at="tomorrow")], "compared"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(groups, flights, message):
    with pytest.raises(AllocationInputError, match=message):
        run(groups, flights)
