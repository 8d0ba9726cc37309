"""Seat allocation at 1k/10, 10k/50 and 50k/200 families/flights: greedy against the rolling horizon,
run on demand.

    .venv/bin/python benchmarks/allocation.py                  # the three sizes
    .venv/bin/python benchmarks/allocation.py --sizes 50000:200 --seed 2

Each run is its own process, so its peak memory (the parent's and the solver child's largest resident
sizes, from getrusage) is its own. Instances are random but shaped like the real thing: families of 1 to
12 (mostly 4 to 7), a few linked families travelling together, priorities skewed towards the low end,
some medical needs, payloads known for most, aircraft of 150 to 400 seats (some with stretcher places,
a few with a payload limit that binds) over several days, a few pins and holds.
Target: 50,000 families onto 200 flights in under 60 s, within 0.1 % of the LP bound, under 1 GB.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evac.flights.allocation import FamilyGroup, Flight, allocate, merge_linked  # after the path is set

SIZES = [(1_000, 10), (10_000, 50), (50_000, 200)]
TARGET_SECONDS, TARGET_GAP, TARGET_MIB = 60, 0.001, 1024
# Family size 1..12: mostly 4 to 7.
SIZE_WEIGHTS = np.array([3, 4, 6, 11, 17, 18, 15, 11, 6, 4, 3, 2], dtype=float)
# (seats, stretcher places, payload limit kg or None): charters, military transports, a small jet.
AIRCRAFT = [
    (150, 0, None),
    (180, 0, None),
    (220, 0, 18_000.0),
    (260, 4, None),
    (300, 6, 26_000.0),
    (350, 0, None),
    (400, 8, None),
]


def instance(families: int, flights: int, seed: int) -> tuple[list[FamilyGroup], list[Flight]]:
    rng = np.random.default_rng(seed)
    people = rng.choice(np.arange(1, 13), size=families, p=SIZE_WEIGHTS / SIZE_WEIGHTS.sum())
    # Skewed: most families score low, a few are very urgent (an interpreter named on a list).
    priority = np.round(1 + 99 * rng.random(families) ** 3)
    medical = np.minimum(people, rng.choice([0, 1, 2], size=families, p=[0.96, 0.035, 0.005]))
    known = rng.random(families) < 0.7
    kg = people * rng.uniform(70, 105, size=families)
    pinned = rng.random(families) < 0.002
    held = rng.random(families) < 0.01
    start = datetime(2021, 8, 16, 6, tzinfo=UTC)
    days = max(3, flights // 25)
    departures = sorted(start + timedelta(minutes=int(m)) for m in rng.integers(0, days * 24 * 60, flights))
    types = rng.integers(0, len(AIRCRAFT), flights)
    flight_list = [Flight(f"F{i:03d}", departures[i], *AIRCRAFT[types[i]]) for i in range(flights)]
    groups = [
        FamilyGroup(
            key=f"A{i:06d}",
            people=int(people[i]),
            medical_places=int(medical[i]),
            payload_kg=float(kg[i]) if known[i] else None,
            priority=float(priority[i]),
            pinned_flight=flight_list[int(rng.integers(flights))].key if pinned[i] else None,
            held=bool(held[i]),
        )
        for i in range(families)
    ]
    # About 2 % of families are linked to another (siblings' households who travel together).
    linked = rng.choice(families, size=(families // 100, 2), replace=False)
    links = [(groups[a].key, groups[b].key) for a, b in linked if groups[a].pinned_flight is None]
    return merge_linked(groups, links), flight_list


def run_one(
    families: int, flights: int, method: str, seed: int, time_limit: float, bound_limit: float
) -> dict:
    groups, flight_list = instance(families, flights, seed)
    started = time.perf_counter()
    result = allocate(
        groups,
        flight_list,
        method=method,
        bound=method == "rolling",
        time_limit=time_limit,
        bound_time_limit=bound_limit,
    )
    elapsed = time.perf_counter() - started
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "groups": len(groups),
        "seconds": result.solve_seconds,
        "total_seconds": elapsed,
        "bound_seconds": result.bound_seconds,
        "objective": result.objective,
        "lp_bound": result.lp_bound,
        "converged": result.bound_converged,
        "people": result.people_placed,
        "placed": len(result.placements),
        "solver": result.solver,
        "notes": list(result.notes),
        "parent_mib": mine,
        "child_mib": child,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=[f"{a}:{b}" for a, b in SIZES], help="families:flights")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=55.0, help="for the allocation")
    parser.add_argument(
        "--bound-seconds", type=float, default=600.0, help="for the LP bound, run beside it until converged"
    )
    parser.add_argument("--one", nargs=3, metavar=("FAMILIES", "FLIGHTS", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        families, flights, method = int(args.one[0]), int(args.one[1]), args.one[2]
        print(json.dumps(run_one(families, flights, method, args.seed, args.time_limit, args.bound_seconds)))
        return

    print(
        f"{'families/flights':>17} {'method':>8} {'groups':>7} {'placed':>7} {'people':>7} {'seconds':>8} "
        f"{'objective':>13} {'LP bound':>13} {'gap %':>7} {'peak MiB':>9}"
    )
    for size in args.sizes:
        families, flights = (int(x) for x in size.split(":"))
        runs = {}
        for method in ("rolling", "greedy"):
            command = [
                sys.executable,
                __file__,
                "--one",
                str(families),
                str(flights),
                method,
                "--seed",
                str(args.seed),
                "--time-limit",
                str(args.time_limit),
                "--bound-seconds",
                str(args.bound_seconds),
            ]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
            runs[method] = json.loads(output.strip().splitlines()[-1])
        bound = runs["rolling"]["lp_bound"]
        for method in ("greedy", "rolling"):
            run = runs[method]
            gap = (bound - run["objective"]) / bound * 100 if bound else float("nan")
            peak = run["parent_mib"] + run["child_mib"]
            print(
                f"{size:>17} {method:>8} {run['groups']:>7,} {run['placed']:>7,} {run['people']:>7,} "
                f"{run['seconds']:>8.2f} {run['objective']:>13,.0f} {bound:>13,.0f} {gap:>7.3f} {peak:>9,.0f}"
            )
        rolling = runs["rolling"]
        print(
            f"{'':>17} bound: {rolling['bound_seconds']:.1f} s of the rolling run, "
            f"{'converged (the LP optimum)' if rolling['converged'] else 'NOT converged (still valid)'}; "
            f"solver: {rolling['solver']}; memory: {rolling['parent_mib']:.0f} MiB + solver "
            f"{rolling['child_mib']:.0f} MiB"
        )
        for note in rolling["notes"]:
            print(f"{'':>17} note: {note}")
        verdict = (
            rolling["seconds"] <= TARGET_SECONDS
            and bound
            and (bound - rolling["objective"]) / bound <= TARGET_GAP
            and rolling["parent_mib"] + rolling["child_mib"] <= TARGET_MIB
        )
        print(
            f"{'':>17} targets (< {TARGET_SECONDS} s, gap < {TARGET_GAP:.1%}, < {TARGET_MIB} MiB): "
            f"{'met' if verdict else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
