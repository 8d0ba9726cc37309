"""Risk priority at scale: a full re-rank, and a province falling, on the benchmark database.

    .venv/bin/python benchmarks/ranking.py            # uses the applications case_list.py loaded

Target (issue #6): when a province falls, every affected case re-ranked in under a minute at 1,000,000
cases on PostgreSQL. A province falling is one UPDATE per organisation (priority = priority_base + the
province's points); the full re-rank (after the weights change) computes every case's terms in Python.
"""

import argparse
import resource
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also time the full re-rank (minutes at 1M)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = setup()

    from django.db.models import Count

    from evac.accounts.models import Organisation
    from evac.cases.models import Application
    from evac.ranking.services import rank_cases, rerank_province
    from evac.situation.models import Province

    organisation = Organisation.objects.get(slug="bench")
    total = Application.objects.filter(organisation=organisation).count()
    print(f"database {url}: {total:,} applications")

    unranked = not Application.objects.filter(organisation=organisation).exclude(priority_base=0).exists()
    if args.full or unranked:
        started = time.perf_counter()
        ranked = rank_cases(organisation)
        seconds = time.perf_counter() - started
        print(f"full re-rank: {ranked:,} cases in {seconds:.1f} s ({ranked / seconds:,.0f} cases/s)")

    busiest = (
        Application.objects.filter(organisation=organisation)
        .values("province_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    province = Province.objects.get(code=busiest["province_id"])
    print(f"province {province.name}: {busiest['n']:,} cases")
    timings = []
    for _repeat in range(args.repeats):
        for status in ("fallen", "contested"):
            Province.objects.filter(pk=province.pk).update(status=status)
            started = time.perf_counter()
            updated = rerank_province(province)
            timings.append(time.perf_counter() - started)
            print(f"  {province.name} {status}: {updated:,} cases re-ranked in {timings[-1]:.2f} s")
    Province.objects.filter(pk=province.pk).update(status="government")
    rerank_province(province)
    timings.sort()
    print(f"province re-rank: median {timings[len(timings) // 2]:.2f} s, max {timings[-1]:.2f} s")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
