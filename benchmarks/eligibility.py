"""Eligibility at scale: every open case of a program checked against its rules, on the benchmark database.

    .venv/bin/python benchmarks/eligibility.py        # uses the applications case_list.py loaded

Target (issue #6): a rule change re-checks 1,000,000 cases in under 5 minutes.
"""

import argparse
import resource
import time
from datetime import date

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args()
    url = setup()

    from evac.cases.models import Application
    from evac.cases.workflow import OPEN_STATUSES
    from evac.programs.models import Program
    from evac.programs.services import evaluate_cases

    program = Program.objects.get(organisation__slug="bench", slug="bench")
    program.min_months_service = 12
    program.service_from = date(2001, 10, 7)
    program.max_child_age = 21
    program.people_cap = 500_000
    program.save()
    open_cases = Application.objects.filter(program=program, status__in=OPEN_STATUSES).count()
    print(f"database {url}: {open_cases:,} open cases in program {program.slug}")

    started = time.perf_counter()

    def progress(done: int, changed: int) -> None:
        if done % 100_000 < 2000:
            print(
                f"  {done:,} checked, {changed:,} changed, {time.perf_counter() - started:.0f} s", flush=True
            )

    checked, changed = evaluate_cases(program, progress=progress)
    seconds = time.perf_counter() - started
    print(
        f"eligibility: {checked:,} cases in {seconds:.1f} s ({checked / seconds:,.0f} cases/s), {changed:,} changed"
    )
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
