"""evac import_applications FILE --org SLUG --program SLUG [--dry-run] [--report errors.csv] [--json]"""

import csv
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evac.accounts.models import Organisation
from evac.audit.services import COMMAND
from evac.imports.models import ImportJob
from evac.imports.services import Summary, execute_job
from evac.programs.models import Program


class Command(BaseCommand):
    help = "Import a partner spreadsheet (CSV or XLSX, interchange columns) into a program."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--program", required=True, help="the program's slug")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--report", type=Path, help="write the rejected rows here (line,column,reason)")
        parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        program = Program.objects.filter(organisation=organisation, slug=options["program"]).first()
        if program is None:
            raise CommandError(f"No program {options['program']!r} in {organisation.slug}.")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        job = ImportJob(
            organisation=organisation, program=program, filename=path.name, dry_run=options["dry_run"]
        )
        if not job.dry_run:
            # A row for the job, so the import shows among the organisation's imports; the file itself
            # is not stored, it is read from disk.
            job.status, job.started_at = ImportJob.State.RUNNING, timezone.now()
            job.save()
        summary = execute_job(
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
            self.stdout.write(self._human(summary, job.dry_run))

    def _progress(self, summary: Summary) -> None:
        self.stderr.write(f"\r{summary.rows_done:,} / {summary.rows_total:,} rows", ending="")
        self.stderr.flush()

    @staticmethod
    def _human(summary: Summary, dry_run: bool) -> str:
        apps, people = summary.applications, summary.persons
        lines = [
            "Dry run: nothing was written." if dry_run else "Import finished.",
            f"  rows read:     {summary.rows_total}",
            f"  cases:         {apps['created']} created, {apps['updated']} updated, {apps['unchanged']} unchanged",
            f"  people:        {people['created']} created, {people['updated']} updated, {people['unchanged']} unchanged",
            f"  rows rejected: {summary.rows_rejected}",
            f"  cases flagged for review: {summary.flagged}",
        ]
        for error in summary.errors[:20]:
            lines.append(f"  line {error.line}, {error.column}: {error.reason}")
        if len(summary.errors) > 20:
            lines.append(f"  ... and {len(summary.errors) - 20} more (--report writes them all)")
        return "\n".join(lines)
