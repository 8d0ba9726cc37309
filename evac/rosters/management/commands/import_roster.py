"""evac import_roster FILE --org SLUG --employer NAME [--create-employer] [--report errors.csv] [--json]"""

import csv
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evac.accounts.models import Organisation
from evac.audit.services import COMMAND
from evac.rosters.importing import Summary, execute_roster_import
from evac.rosters.models import Employer, RosterImport
from evac.rosters.services import add_employer, resolve_employer


class Command(BaseCommand):
    help = "Load an employer's roster (CSV or XLSX: badge number, names, birth date, role, dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument(
            "--employer", required=True, help="the employer's name, as the organisation has it"
        )
        parser.add_argument(
            "--create-employer",
            action="store_true",
            help="add the employer if the organisation has none by that name",
        )
        parser.add_argument("--report", type=Path, help="write the rejected rows here (line,column,reason)")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        employer = resolve_employer(organisation, options["employer"])
        if employer is None and options["create_employer"]:
            try:
                employer = add_employer(organisation, options["employer"], actor=None, origin=COMMAND)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if employer is None:
            known = (
                ", ".join(repr(e.name) for e in Employer.objects.filter(organisation=organisation)) or "none"
            )
            raise CommandError(
                f"No employer {options['employer']!r} in {organisation.slug} (known: {known}). "
                "--create-employer adds it."
            )
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        # A row for the job, so the import shows among the organisation's rosters; the file is read from disk.
        job = RosterImport.objects.create(
            organisation=organisation,
            employer=employer,
            filename=path.name[:255],
            status=RosterImport.State.RUNNING,
            started_at=timezone.now(),
        )
        summary = execute_roster_import(
            job,
            content=content,
            batch_size=options["batch_size"],
            origin=COMMAND,
            progress=self._progress if sys.stderr.isatty() else None,
        )
        if sys.stderr.isatty():
            self.stderr.write("")
        if summary is None:
            raise CommandError(f"{path}: {job.failure}")
        if options["report"]:
            with Path(options["report"]).open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "column", "reason"])
                writer.writerows((e.line, e.column, e.reason) for e in summary.errors)
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json()))
        else:
            self.stdout.write(self._human(summary, employer))

    def _progress(self, summary: Summary) -> None:
        self.stderr.write(f"\r{summary.rows_done:,} / {summary.rows_total:,} rows", ending="")
        self.stderr.flush()

    @staticmethod
    def _human(summary: Summary, employer: Employer) -> str:
        entries = summary.entries
        lines = [
            f"Roster of {employer.name} loaded.",
            f"  rows read:     {summary.rows_total}",
            f"  entries:       {entries['created']} created, {entries['updated']} updated, {entries['unchanged']} unchanged",
            f"  rows rejected: {summary.rows_rejected}",
        ]
        for error in summary.errors[:20]:
            lines.append(f"  line {error.line}, {error.column}: {error.reason}")
        if len(summary.errors) > 20:
            lines.append(f"  ... and {len(summary.errors) - 20} more (--report writes them all)")
        return "\n".join(lines)
