"""The greedy: most urgent group first, onto the earliest flight with room for the whole group.

It is the fallback whenever a solver fails or runs out of time, the warm start of each window's MIP and
the top-up after the rolling horizon, so it must be fast (50,000 groups in well under a second) and
never wrong. Notified groups first keep their previous flight where it still has room, so that a re-run
moves as few people who were already told their flight as it can.
"""

import numpy as np

from evac.flights.problem import KG_TOLERANCE, Problem


class _EarliestWithRoom:
    """Max segment trees over the seats, medical places and payload left on each flight: the earliest
    flight with room for a group in O(log F) in practice, instead of a scan of every flight for each of
    tens of thousands of groups. A subtree is entered only if each of its three maxima is enough (they
    may come from different flights, so a leaf is checked in full)."""

    def __init__(self, seats: list[int], medical: list[int], kg: list[float]):
        size = 1
        while size < max(1, len(seats)):
            size *= 2
        self.size = size
        self.trees = []
        for values in (seats, medical, kg):
            tree = [-1] * (2 * size)
            tree[size : size + len(values)] = values
            for i in range(size - 1, 0, -1):
                tree[i] = max(tree[2 * i], tree[2 * i + 1])
            self.trees.append(tree)

    def set(self, i: int, seats: int, medical: int, kg: float) -> None:
        for tree, value in zip(self.trees, (seats, medical, kg), strict=True):
            j = i + self.size
            tree[j] = value
            j //= 2
            while j:
                tree[j] = max(tree[2 * j], tree[2 * j + 1])
                j //= 2

    def find(self, seats: int, medical: int, kg: float) -> int:
        """The smallest flight index with room for all three needs, or -1."""
        s, m, k = self.trees
        if s[1] < seats or m[1] < medical or k[1] < kg:
            return -1
        stack = [1]
        while stack:
            node = stack.pop()
            if s[node] < seats or m[node] < medical or k[node] < kg:
                continue
            if node >= self.size:
                return node - self.size
            stack.append(2 * node + 1)  # the right child after the left: earliest first
            stack.append(2 * node)
        return -1


def first_fit(
    problem: Problem,
    order,
    seats_left: list[int],
    medical_left: list[int],
    kg_left: list[float],
    flights: range,
) -> list[tuple[int, int]]:
    """Place the groups of `order` (most urgent first) on `flights` (a range of flight indices, earliest
    first) within the given room, which is updated. Returns the (group, flight) placements."""
    seats, medical, kg = problem.seats, problem.medical, problem.kg
    previous, notified = problem.previous, problem.notified
    lo = flights.start
    placements: list[tuple[int, int]] = []
    placed: set[int] = set()
    order = [int(g) for g in order]

    # Notified groups first keep the flight they were told, where it still has room.
    for g in order:
        f = int(previous[g])
        if notified[g] and f in flights:
            i = f - lo
            if (
                seats[g] <= seats_left[i]
                and medical[g] <= medical_left[i]
                and kg[g] <= kg_left[i] + KG_TOLERANCE
            ):
                seats_left[i] -= int(seats[g])
                medical_left[i] -= int(medical[g])
                kg_left[i] -= float(kg[g])
                placements.append((g, f))
                placed.add(g)

    tree = _EarliestWithRoom(list(seats_left), list(medical_left), [k + KG_TOLERANCE for k in kg_left])
    seats_l, medical_l, kg_l = seats.tolist(), medical.tolist(), kg.tolist()
    # Room only shrinks, so a group that found none tells about those after it: fewest seats that
    # failed whatever the weight, per medical need (a larger need fails too), and the lightest weight
    # that failed per exact (seats, medical) need. Most groups late in a run are turned away here.
    top_medical = max(medical_l, default=0)
    fail_seats = [float("inf")] * (top_medical + 1)
    fail_kg: dict[tuple[int, int], float] = {}
    for g in order:
        if g in placed:
            continue
        need, med, weight = seats_l[g], medical_l[g], kg_l[g]
        if need >= fail_seats[med] or weight >= fail_kg.get((need, med), float("inf")):
            continue
        i = tree.find(need, med, weight)
        if i < 0:
            if tree.find(need, med, 0.0) < 0:
                for m in range(med, top_medical + 1):
                    fail_seats[m] = min(fail_seats[m], need)
            else:
                fail_kg[need, med] = weight
            continue
        seats_left[i] -= need
        medical_left[i] -= med
        kg_left[i] -= weight
        tree.set(i, seats_left[i], medical_left[i], kg_left[i] + KG_TOLERANCE)
        placements.append((g, lo + i))
    return placements


def greedy_fill(problem: Problem, order: np.ndarray | None = None) -> int:
    """Place `order` (default: every candidate not yet placed, most urgent first) on all flights, within
    what is left; updates the problem's placement. Returns how many groups were placed."""
    if order is None:
        order = problem.candidates[problem.assign[problem.candidates] < 0]
    seats_left = problem.seats_left.tolist()
    medical_left = problem.medical_left.tolist()
    kg_left = problem.kg_left.tolist()
    placements = first_fit(problem, order, seats_left, medical_left, kg_left, range(problem.F))
    for g, f in placements:
        problem.assign[g] = f
    problem.seats_left = np.array(seats_left, dtype=np.int64)
    problem.medical_left = np.array(medical_left, dtype=np.int64)
    problem.kg_left = np.array(kg_left, dtype=np.float64)
    return len(placements)
