import pytest

from evac.flights.allocation import AllocationInputError, merge_linked
from evac.flights.tests.factories import group


def test_linked_families_become_one_group_with_the_most_urgent_priority():
    families = [
        group("a", 4, priority=2, payload_kg=300),
        group("b", 3, priority=7, payload_kg=250, medical_places=1),
        group("c", 2, priority=1),
        group("d", 5, priority=3),
    ]
    merged = merge_linked(families, [("a", "b"), ("c", "b")])
    assert len(merged) == 2
    linked, alone = merged
    assert linked.key == "b"  # the most urgent member's key
    assert linked.members == ("a", "b", "c")
    assert (linked.people, linked.medical_places, linked.priority) == (9, 1, 7)
    assert linked.payload_kg is None  # c's weight is unknown, so the group's is
    assert alone is families[3]


def test_a_chain_of_links_is_one_group_and_repeated_links_change_nothing():
    families = [group(k, 1, priority=1) for k in "abcde"]
    merged = merge_linked(families, [("a", "b"), ("c", "d"), ("b", "c"), ("d", "a"), ("a", "a")])
    assert [g.members for g in merged] == [("a", "b", "c", "d"), ()]
    assert merged[0].key == "a"  # the first among equally urgent members
    assert merged[0].payload_kg is None


def test_holds_and_pins_carry_over():
    families = [
        group("a", 1, held=True),
        group("b", 1, pinned_flight="F1"),
        group("c", 1, pinned_flight="F1"),
    ]
    (merged,) = merge_linked(families, [("a", "b"), ("b", "c")])
    assert merged.held is True
    assert merged.pinned_flight == "F1"


def test_payloads_add_up_when_all_are_known():
    (merged,) = merge_linked([group("a", 2, payload_kg=150.5), group("b", 1, payload_kg=60)], [("a", "b")])
    assert merged.payload_kg == pytest.approx(210.5)


def test_members_pinned_to_different_flights_are_refused():
    families = [group("a", 1, pinned_flight="F1"), group("b", 1, pinned_flight="F2")]
    with pytest.raises(AllocationInputError, match="different flights"):
        merge_linked(families, [("a", "b")])


def test_a_link_to_an_unknown_family_is_refused():
    with pytest.raises(AllocationInputError, match="not in the list"):
        merge_linked([group("a", 1)], [("a", "zz")])
