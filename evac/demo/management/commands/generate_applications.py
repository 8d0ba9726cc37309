"""Write synthetic applications, and the truth about their duplicates, as CSV files.

    evac generate_applications --count 100000 --seed 1 --out apps.csv --truth truth.csv

Touches no database: the files are meant for the importer and for measuring deduplication.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evac.demo.generator import DEFAULT_EMPLOYERS, generate, write_csv


class Command(BaseCommand):
    help = "Write synthetic applications (with realistic duplicates) and their truth as CSV files."
    requires_system_checks = []  # nothing here reads models or the database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, required=True, help="applications to write, duplicates included"
        )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same files (default 1)")
        parser.add_argument("--out", required=True, help="the interchange CSV to write")
        parser.add_argument("--truth", help="where to write which person each row really is")
        parser.add_argument(
            "--duplicate-rate",
            type=float,
            default=0.15,
            help="share of applications that re-submit an earlier family (default 0.15)",
        )
        parser.add_argument(
            "--employer",
            action="append",
            dest="employers",
            help="an employer applicants claim; repeat for several (default: a Canadian list)",
        )

    def handle(self, *args, **options) -> None:
        count = options["count"]
        rate = options["duplicate_rate"]
        if count < 0:
            raise CommandError("--count cannot be negative")
        if not 0 <= rate < 1:
            raise CommandError("--duplicate-rate must be at least 0 and below 1")
        employers = options["employers"] or DEFAULT_EMPLOYERS
        progress = self._progress(count)
        started = time.monotonic()
        applications = generate(count, options["seed"], employers=employers, duplicate_rate=rate)
        with open(options["out"], "w", encoding="utf-8", newline="") as out:
            if options["truth"]:
                with open(options["truth"], "w", encoding="utf-8", newline="") as truth:
                    written, rows = write_csv(applications, out, truth, progress)
            else:
                written, rows = write_csv(applications, out, None, progress)
        elapsed = time.monotonic() - started
        if sys.stderr.isatty() and count:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Wrote {written:,} applications ({rows:,} people) to {options['out']}"
            + (f", truth to {options['truth']}" if options["truth"] else "")
            + f" in {elapsed:.1f} s."
        )

    @staticmethod
    def _progress(total: int):
        """On a terminal a line that rewrites itself; in a log a line every 5%."""
        interactive = sys.stderr.isatty()
        step = max(1000, total // 20)
        state = {"next": step}

        def report(done: int) -> None:
            if interactive:
                sys.stderr.write(f"\r{done:,}/{total:,} applications")
                sys.stderr.flush()
            elif done >= state["next"] or done == total:
                sys.stderr.write(f"{done:,}/{total:,} applications\n")
                state["next"] = done + step

        return report
