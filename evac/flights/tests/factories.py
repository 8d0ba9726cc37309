"""Small instances for the allocation tests, by hand and by hypothesis, and the brute force."""

import itertools

import numpy as np
from hypothesis import strategies as st

from evac.flights.allocation import FamilyGroup, Flight
from evac.flights.problem import KG_TOLERANCE, Problem


def group(key, people, priority=1.0, **kwargs) -> FamilyGroup:
    return FamilyGroup(key=key, people=people, priority=priority, **kwargs)


def flight(key, seats, departs_at=0, **kwargs) -> Flight:
    return Flight(key=key, departs_at=departs_at, seats=seats, **kwargs)


@st.composite
def instances(draw, max_groups=7, max_flights=3):
    n_flights = draw(st.integers(0, max_flights))
    flights = [
        Flight(
            key=f"F{i}",
            departs_at=draw(st.integers(0, 3)),
            seats=draw(st.integers(0, 12)),
            medical_places=draw(st.sampled_from([0, 0, 1, 2])),
            payload_kg=draw(st.one_of(st.none(), st.floats(100, 1500))),
        )
        for i in range(n_flights)
    ]
    pin_choices = [None] * 6 + [f.key for f in flights] + ["nowhere"]
    groups = []
    for i in range(draw(st.integers(0, max_groups))):
        people = draw(st.integers(1, 6))
        groups.append(
            FamilyGroup(
                key=f"G{i}",
                people=people,
                medical_places=draw(st.sampled_from([0, 0, 0, 1, min(2, people)])),
                payload_kg=draw(st.one_of(st.none(), st.floats(50, 700))),
                priority=float(draw(st.integers(1, 5))),
                pinned_flight=draw(st.sampled_from(pin_choices)),
                held=draw(st.integers(0, 9)) == 0,
            )
        )
    return groups, flights


def load(allocation, groups, flights) -> dict:
    """Seats, medical places and kilograms taken on each flight by an allocation's placements."""
    by_key = {g.key: g for g in groups}
    taken = {f.key: [0, 0, 0.0] for f in flights}
    for key, flight_key in allocation.placements.items():
        g = by_key[key]
        taken[flight_key][0] += g.people - g.medical_places
        taken[flight_key][1] += g.medical_places
        taken[flight_key][2] += g.people * 100.0 if g.payload_kg is None else g.payload_kg
    return taken


def brute_force(problem: Problem) -> float:
    """The best objective over every placement of the candidates on the room the pins left."""
    groups = [int(g) for g in problem.candidates]
    seats_left, medical_left, kg_left = problem.after_pins
    best = -1.0
    for choice in itertools.product(range(-1, problem.F), repeat=len(groups)):
        seats, medical, kg = seats_left.copy(), medical_left.copy(), kg_left.copy()
        ok = True
        for g, f in zip(groups, choice, strict=True):
            if f < 0:
                continue
            seats[f] -= problem.seats[g]
            medical[f] -= problem.medical[g]
            kg[f] -= problem.kg[g]
            if seats[f] < 0 or medical[f] < 0 or kg[f] < -KG_TOLERANCE:
                ok = False
                break
        if not ok:
            continue
        assign = problem.pinned_assign.copy()
        assign[groups] = np.array(choice, dtype=np.int64)
        best = max(best, problem.objective(assign))
    return best
