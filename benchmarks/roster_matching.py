"""Verifying claimed employment at scale: generated claims against generated rosters, with the truth kept.

    .venv/bin/python benchmarks/roster_matching.py --claims 10000 --roster 20000
    .venv/bin/python benchmarks/roster_matching.py --weights        # m and u of every comparison level

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/evac_roster_bench;
`--database-url sqlite:////tmp/rosters.sqlite3` works too), emptied of the benchmark organisation's cases
and rosters before each run. Generates the claims (evac.demo.generator) and their employers' rosters
(evac.demo.rosters: spelling drift, Perso-Arabic-only entries, gaps, brothers and namesakes among other
staff, forged claims with and without a colleague's badge number), loads the claims in bulk and the
rosters through the roster import, then reports: the import's speed, the bulk matching's (`evac
match_rosters`), the claim page's candidate search, and precision and recall at several thresholds.

--weights measures, without a database, how often each comparison level occurs for the true pairs (m) and
for random pairs of one roster (u): the numbers behind evac.rosters.matching.M and U.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

from _django import percentile, setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/evac_roster_bench"
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--claims", type=int, default=10_000, help="applications generated (each claims a job)"
    )
    parser.add_argument("--roster", type=int, default=20_000, help="roster entries in all, decoys included")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--weights", action="store_true", help="measure m and u (no database needed)")
    parser.add_argument(
        "--page-samples", type=int, default=200, help="claims timed through the page's search"
    )
    args = parser.parse_args()
    if args.weights:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evac.settings")
        import django

        django.setup()
        weights(args.claims, args.seed)
        return
    setup(args.database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    run(args)


def run(args) -> None:
    from django.db import connection

    from evac.accounts.models import Organisation
    from evac.cases.models import Application, Employment
    from evac.demo.generator import generate
    from evac.demo.loader import load_applications, load_roster
    from evac.demo.rosters import generate_rosters
    from evac.programs.models import Program
    from evac.rosters.matching import CREDIBLE
    from evac.rosters.models import Employer, RosterEntry, RosterImport
    from evac.rosters.services import candidates_for, claimant, match_claims
    from evac.situation.services import ensure_provinces

    ensure_provinces()
    organisation, _ = Organisation.objects.get_or_create(
        slug="roster-bench", defaults={"name": "Roster bench"}
    )
    program, _ = Program.objects.get_or_create(
        organisation=organisation, slug="roster-bench", defaults={"name": "Roster bench"}
    )
    Application.objects.filter(organisation=organisation).delete()
    RosterEntry.objects.filter(organisation=organisation).delete()
    RosterImport.objects.filter(organisation=organisation).delete()

    started = time.perf_counter()
    applications = list(generate(args.claims, args.seed))
    rosters = generate_rosters(applications, args.seed, roster_size=args.roster)
    entries = sum(len(rows) for rows in rosters.rows.values())
    print(
        f"generated {len(applications):,} claims and {entries:,} roster entries for {len(rosters.rows)} employers"
        f" in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )
    for name in rosters.rows:
        Employer.objects.get_or_create(organisation=organisation, name=name)
    start = datetime(2021, 7, 1, tzinfo=UTC)
    load_applications(
        organisation, program, applications, seed=args.seed, start=start, end=start + timedelta(days=40)
    )

    started = time.perf_counter()
    for name, rows in sorted(rosters.rows.items()):
        load_roster(organisation, name, rows)
    elapsed = time.perf_counter() - started
    print(f"roster import: {entries:,} entries in {elapsed:.1f} s = {entries / elapsed:,.0f} entries/s")

    started = time.perf_counter()
    results = {}
    for match in match_claims(organisation):
        best = match.best
        ref = match.application_ref.removeprefix("demo:")
        results[ref] = (best.entry.badge, best.probability) if best and not best.suspicious else ("", 0.0)
    elapsed = time.perf_counter() - started
    print(
        f"bulk matching: {len(results):,} claims in {elapsed:.1f} s = {len(results) / elapsed:,.0f} claims/s"
    )

    claims = list(
        Employment.objects.filter(application__organisation=organisation).select_related("application")
    )
    timings = []
    for employment in random.Random(args.seed).sample(claims, min(args.page_samples, len(claims))):
        begun = time.perf_counter()
        candidates_for(employment, claimant(employment))
        timings.append((time.perf_counter() - begun) * 1000)
    print(
        f"one claim's candidates (the claim page's search): median {statistics.median(timings):.1f} ms,"
        f" p95 {percentile(timings, 95):.1f} ms over {len(timings)} claims"
    )

    kinds = Counter(rosters.kinds.values())
    backed = kinds["genuine"]
    print(f"claims backed by the roster: {backed:,}; forged (no entry of their own): {kinds['forged']:,}")
    print("threshold  precision  recall  false matches")
    for threshold in THRESHOLDS:
        matched = right = 0
        for ref, (_employer, badge) in rosters.truth.items():
            found, probability = results.get(ref, ("", 0.0))
            if probability >= threshold:
                matched += 1
                right += bool(badge) and found == badge
        marker = "  <- what a verifier may confirm" if threshold == CREDIBLE else ""
        print(
            f"{threshold:>9}  {right / max(1, matched):>9.4f}  {right / max(1, backed):>6.4f}  {matched - right:>13,}{marker}"
        )
    sys.stdout.flush()


def weights(claims: int, seed: int) -> None:
    """m: level frequencies over the true pairs; u: over random pairs of the same roster."""
    from evac.core.dates import DateError, parse_partial_date
    from evac.demo.generator import generate
    from evac.demo.rosters import generate_rosters
    from evac.imports.rows import parse_role
    from evac.rosters.matching import MISSING, Record, score

    today = date(2021, 8, 15)

    def partial(text):
        try:
            return parse_partial_date(text, today=today)
        except DateError:
            return None

    def record(row, ref=""):
        birth, start, end = (
            partial(row.get(c, "")) for c in ("birth_date", "employment_start", "employment_end")
        )
        given, family = row["given_name"], row["family_name"]
        if not (given or row["native_name"]) and family:
            given, family = family, ""
        return Record(
            given,
            family,
            row["father_name"],
            row["native_name"],
            birth.year if birth else None,
            parse_role(row.get("role", ""))[0],
            start.earliest() if start else None,
            end.earliest() if end else None,
            row.get("badge_number", ""),
            ref,
        )

    applications = list(generate(claims, seed))
    rosters = generate_rosters(applications, seed)
    entries = {
        name: [record(row, row["badge_number"]) for row in rows] for name, rows in rosters.rows.items()
    }
    by_badge = {(name, e.ref): e for name, rows in entries.items() for e in rows}
    rng = random.Random(seed)
    m: dict[str, Counter] = defaultdict(Counter)
    u: dict[str, Counter] = defaultdict(Counter)
    for application in applications:
        employer, badge = rosters.truth[application.application_ref]
        claim = record(application.rows[0])
        if badge:
            for evidence in score(claim, by_badge[(employer, badge)], today=today).evidence:
                m[evidence.field][evidence.level] += 1
        for entry in rng.sample(entries[employer], min(20, len(entries[employer]))):
            if entry.ref != badge:
                for evidence in score(claim, entry, today=today).evidence:
                    u[evidence.field][evidence.level] += 1
    print(f"{'field':<12} {'level':<9} {'m':>7} {'u':>8}")
    for field in m:
        total_m = sum(n for level, n in m[field].items() if level != MISSING) or 1
        total_u = sum(n for level, n in u[field].items() if level != MISSING) or 1
        for level in sorted(set(m[field]) | set(u[field])):
            if level != MISSING:
                print(
                    f"{field:<12} {level:<9} {m[field][level] / total_m:>7.4f} {u[field][level] / total_u:>8.5f}"
                )


if __name__ == "__main__":
    main()
