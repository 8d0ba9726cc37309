"""Importing a partner spreadsheet at scale: generate N rows, import them, then import them again.

    .venv/bin/python benchmarks/import_applications.py --rows 100000

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/evac_import_bench),
emptied of the benchmark program's cases before each run. The input is written by the demo generator
(about 4.4 people per application) in the interchange format. Reports rows/s, elapsed time and the
process's peak resident memory, for the first import (everything created) and the re-import
(everything unchanged, nothing written). Target: 100,000 rows in under 2 minutes.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from _django import setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/evac_import_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people rows to import (about)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    import os

    setup(args.database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))

    from evac.accounts.models import Organisation
    from evac.cases.models import Application
    from evac.demo.generator import generate, write_csv
    from evac.imports.models import ImportJob
    from evac.imports.services import run_import
    from evac.programs.models import Program
    from evac.situation.services import ensure_provinces

    ensure_provinces()
    organisation, _ = Organisation.objects.get_or_create(
        slug="import-bench", defaults={"name": "Import bench"}
    )
    program, _ = Program.objects.get_or_create(
        organisation=organisation, slug="import-bench", defaults={"name": "Import bench"}
    )
    cases = Application.objects.filter(organisation=organisation)
    # Cascades to people, employments and status changes; the audit log keeps its events.
    cases.delete()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "applications.csv"
        started = time.perf_counter()
        # The generator yields applications: ask for enough of them to pass the number of rows wanted.
        applications = max(1, round(args.rows / 4.4))
        with path.open("w", encoding="utf-8", newline="") as out:
            count, rows = write_csv(generate(applications, args.seed), out)
        print(f"generated {rows:,} rows ({count:,} applications) in {time.perf_counter() - started:.1f} s")
        content = path.read_bytes()

    for label in ("first import", "re-import"):
        job = ImportJob(organisation=organisation, program=program, filename="applications.csv")
        started = time.perf_counter()
        summary = run_import(job, content=content, batch_size=args.batch_size)
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{label}: {summary.rows_total:,} rows in {elapsed:.1f} s = {summary.rows_total / elapsed:,.0f} rows/s;"
            f" peak RSS {peak_kib / 1024:.0f} MiB; {summary.as_json()}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
