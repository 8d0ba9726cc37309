"""evac match_rosters --org SLUG [--out matches.csv] [--threshold P]"""

import csv
import sys
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evac.accounts.models import Organisation
from evac.rosters.matching import CREDIBLE
from evac.rosters.services import match_claims, record_match_run

COLUMNS = ("person_ref", "application_ref", "employer", "badge_number", "match_probability")


class Command(BaseCommand):
    help = "Match every claimed employment of an organisation against its employer's roster, in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--out", type=Path, help="write the matches here (standard output without it)")
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.0,
            help="leave badge_number and match_probability empty for a claim whose best candidate is below "
            f"this (0 to 1; default 0: every best candidate; {CREDIBLE} is what a verifier may confirm)",
        )

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold is a probability, from 0 to 1.")
        out = options["out"].open("w", newline="", encoding="utf-8") if options["out"] else self.stdout
        counts: Counter = Counter()
        started = time.monotonic()
        try:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for match in match_claims(organisation, progress=self._progress if sys.stderr.isatty() else None):
                counts["claims"] += 1
                best = match.best
                if best is not None and best.credible:
                    counts["credible"] += 1
                if best is not None and best.suspicious:
                    counts["suspicious"] += 1
                shown = best is not None and best.probability >= threshold and not best.suspicious
                counts["written"] += shown
                writer.writerow(
                    (
                        match.person_ref,
                        match.application_ref,
                        match.employer,
                        best.entry.badge if shown else "",
                        f"{best.probability:.4f}" if shown else "",
                    )
                )
        finally:
            if options["out"]:
                out.close()
        record_match_run(organisation, counts, threshold=threshold)
        if sys.stderr.isatty():
            self.stderr.write("")
        self.stderr.write(
            f"{counts['claims']} claims matched in {time.monotonic() - started:.1f} s: "
            f"{counts['credible']} with a credible roster entry (probability {CREDIBLE} or more), "
            f"{counts['suspicious']} whose best entry has the claimed badge under another name."
        )

    def _progress(self, done: int) -> None:
        self.stderr.write(f"\r{done:,} claims", ending="")
        self.stderr.flush()
