"""Re-running after a change moves as few already-notified people as it can."""

from evac.flights.allocation import allocate
from evac.flights.tests.factories import flight, group


def board():
    groups = [group(f"G{i}", 2 + i % 4, priority=5) for i in range(12)]
    flights = [flight("F1", 14, departs_at=1), flight("F2", 14, departs_at=2), flight("F3", 14, departs_at=3)]
    return groups, flights


def test_a_capacity_cut_moves_only_the_people_it_must(workers):
    groups, flights = board()
    first = allocate(groups, flights, worker=workers[0], bound_worker=workers[1])
    assert len(first.placements) == 12  # 42 people in 42 seats
    notified = set(first.placements)
    # The loadmaster takes 3 seats off the second aircraft at the last minute.
    flights[1] = flight("F2", 11, departs_at=2)
    again = allocate(
        groups,
        flights,
        previous=first.placements,
        notified=notified,
        worker=workers[0],
        bound_worker=workers[1],
    )
    moved = {k for k in notified if again.placements.get(k) != first.placements[k]}
    assert moved == set(again.moved)
    # One family moves, off the second flight: the smallest of those there that frees the 3 seats lost
    # (with equal priorities the fewest people moved is the smallest loss). Every seat is taken, so it
    # stays behind; moving others about to make room would move more notified people.
    people = {g.key: g.people for g in groups}
    on_second = [k for k, f in first.placements.items() if f == "F2"]
    smallest = min(people[k] for k in on_second if people[k] >= 3)
    assert len(moved) == 1
    (family,) = moved
    assert first.placements[family] == "F2" and people[family] == smallest
    assert family not in again.placements
    assert all(again.placements[k] == first.placements[k] for k in notified - moved)


def test_without_notification_nothing_holds_a_family_in_place(workers):
    groups = [group("low", 4, priority=1), group("high", 4, priority=9)]
    flights = [flight("early", 4, departs_at=1), flight("late", 4, departs_at=2)]
    previous = {"low": "early", "high": "late"}
    kept = allocate(
        groups,
        flights,
        previous=previous,
        notified={"low", "high"},
        worker=workers[0],
        bound_worker=workers[1],
    )
    assert kept.placements == previous and kept.moved == frozenset()
    redone = allocate(groups, flights, previous=previous, worker=workers[0], bound_worker=workers[1])
    assert redone.placements == {"high": "early", "low": "late"}


def test_a_much_more_urgent_newcomer_can_take_a_notified_seat(workers):
    groups = [group("told", 4, priority=1), group("new", 4, priority=10)]
    flights = [flight("only", 4)]
    allocation = allocate(
        groups,
        flights,
        previous={"told": "only"},
        notified={"told"},
        worker=workers[0],
        bound_worker=workers[1],
    )
    assert allocation.placements == {"new": "only"}
    assert allocation.moved == frozenset({"told"})


def test_the_greedy_keeps_notified_families_first():
    groups, flights = board()
    first = allocate(groups, flights, method="greedy", bound=False)
    flights[1] = flight("F2", 11, departs_at=2)
    again = allocate(
        groups,
        flights,
        method="greedy",
        bound=False,
        previous=first.placements,
        notified=set(first.placements),
    )
    assert all(again.placements[k] == v for k, v in first.placements.items() if v != "F2")
