"""Importing partner spreadsheets: the one path the upload page, its background task and the
`import_applications` command all take.

The file is read twice: once to learn on which line each family (application_ref) ends, once to
import, handing each family over as soon as its last row is read. Memory then holds only the families
still open, not the file's rows, even when a family's rows are scattered through the file.

Families are saved in batches, each one transaction that upserts by reference: a case by
(organisation, "import", application_ref), a person by (case, person_ref). A run killed half way and
run again therefore ends with exactly the data of one clean run, and a re-import of the same file
finds everything unchanged and writes nothing.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application
from evac.imports import saving
from evac.imports.families import Family, RowError, assemble
from evac.imports.models import MAX_STORED_ERRORS, ImportJob
from evac.imports.reading import open_sheet
from evac.programs.models import Program
from evac.programs.services import evaluate_cases
from evac.ranking.services import rank_cases

TARGET = "import"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass
class Summary:
    rows_total: int = 0
    rows_done: int = 0
    applications: Counter = field(default_factory=Counter)
    persons: Counter = field(default_factory=Counter)
    rejected_lines: set[int] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    flagged: int = 0  # cases created or updated that carry review flags

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_lines)

    def as_json(self) -> dict[str, Any]:
        """The --json shape, exactly."""
        keys = ("created", "updated", "unchanged")
        return {
            "applications": {k: self.applications[k] for k in keys},
            "persons": {k: self.persons[k] for k in keys},
            "rows_rejected": self.rows_rejected,
        }


class _RolledBack(Exception):
    """Raised at the end of a dry run's batch so that its transaction writes nothing."""


class Importer:
    def __init__(self, job: ImportJob, *, origin: Origin, batch_size: int) -> None:
        self.job = job
        self.origin = origin
        self.batch_size = batch_size
        self.summary = Summary()
        self.columns: dict[str, str] = {}
        self.today = timezone.localdate()
        self.saver: saving.Saver | None = None

    def reject(self, errors: list[RowError]) -> None:
        for error in errors:
            error.column = self.columns.get(error.column, error.column)
            self.summary.rejected_lines.add(error.line)
        self.summary.errors.extend(errors)

    def run(self, content: bytes, progress: Callable[[Summary], None] | None) -> Summary:
        sheet = open_sheet(content)
        self.columns = sheet.columns
        self.saver = saving.Saver(
            organisation=self.job.organisation,
            program=self.job.program,
            actor=self.job.uploaded_by,
            filename=self.job.filename,
            columns=set(sheet.columns),
        )
        summary = self.summary
        # First pass: where each family ends.
        last_line: dict[str, int] = {}
        for line, raw in sheet.rows():
            summary.rows_total += 1
            if raw.get("application_ref"):
                last_line[raw["application_ref"]] = line
        if progress:
            progress(summary)
        self._event("import.start", {"rows": summary.rows_total, "file": self.job.filename})
        open_families: dict[str, list[tuple[int, dict[str, str]]]] = {}
        batch: list[tuple[str, list[tuple[int, dict[str, str]]]]] = []
        batch_rows = 0
        for line, raw in sheet.rows():
            ref = raw.get("application_ref", "")
            if not ref:
                self._assemble_and_save([("", [(line, raw)])])
                summary.rows_done += 1
                continue
            open_families.setdefault(ref, []).append((line, raw))
            if last_line[ref] == line:
                entries = open_families.pop(ref)
                batch.append((ref, entries))
                batch_rows += len(entries)
                if batch_rows >= self.batch_size:
                    self._assemble_and_save(batch)
                    summary.rows_done += batch_rows
                    batch, batch_rows = [], 0
                    if progress:
                        progress(summary)
        if batch:
            self._assemble_and_save(batch)
            summary.rows_done += batch_rows
        if progress:
            progress(summary)
        # Families are saved as they end, so their errors arrive out of order: report by line.
        summary.errors.sort(key=lambda error: error.line)
        self._event("import.finish", summary.as_json())
        return summary

    def _assemble_and_save(self, entries: list[tuple[str, list[tuple[int, dict[str, str]]]]]) -> None:
        families: list[Family] = []
        for ref, rows in entries:
            family, errors = assemble(ref, rows, today=self.today)
            self.reject(errors)
            if family is not None:
                families.append(family)
        if not families:
            return
        try:
            self._save(families)
        except DatabaseError:
            # One family the database refuses (a race with another import of the same file, a value
            # the checks missed) must not sink the rest: save them one by one and reject that one.
            for family in families:
                try:
                    self._save([family])
                except DatabaseError as error:
                    reason = _("the family could not be saved ({error})").format(error=type(error).__name__)
                    self.reject([RowError(line, "application_ref", reason) for line in family.lines])

    def _save(self, families: list[Family]) -> None:
        assert self.saver is not None
        outcome = None
        try:
            with transaction.atomic():
                outcome = self.saver.save(families)
                touched = [*outcome.created, *outcome.updated]
                if touched:
                    ids = list(Application.objects.filter(reference__in=touched).values_list("pk", flat=True))
                    rank_cases(self.job.organisation, ids)
                    evaluate_cases(self.job.program, ids)
                if outcome.created or outcome.updated:
                    self._event(
                        "import.batch",
                        {
                            "created": outcome.created,
                            "updated": outcome.updated,
                            "people_created": outcome.persons["created"],
                            "people_updated": outcome.persons["updated"],
                        },
                    )
                if self.job.dry_run:
                    raise _RolledBack
        except _RolledBack:
            pass
        assert outcome is not None
        self.reject(outcome.rejected)
        self.summary.applications.update(outcome.applications)
        self.summary.persons.update(outcome.persons)
        self.summary.flagged += outcome.flagged

    def _event(self, action: str, detail: dict[str, Any]) -> None:
        if self.job.dry_run:
            return  # a dry run writes nothing, not even to the log
        record_event(
            action,
            actor=self.job.uploaded_by,
            organisation=self.job.organisation,
            target_type=TARGET,
            target_ref=str(self.job.public_id),
            origin=self.origin,
            detail=detail,
        )


def run_import(
    job: ImportJob,
    *,
    content: bytes | None = None,
    batch_size: int = 1000,
    progress: Callable[[Summary], None] | None = None,
    origin: Origin = COMMAND,
) -> Summary:
    """Import a job's file (or `content`, for the command, which keeps no copy) into its program.

    Raises ReadError when the file as a whole cannot be read. Bad rows do not raise: they are in the
    summary's errors, with their line, column (as the file names it) and reason.
    """
    data = bytes(job.content) if content is None else content
    return Importer(job, origin=origin, batch_size=batch_size).run(data, progress)


def execute_job(
    job: ImportJob,
    *,
    content: bytes | None = None,
    batch_size: int = 1000,
    origin: Origin = COMMAND,
    progress: Callable[[Summary], None] | None = None,
) -> Summary | None:
    """Run a job to its end and record the outcome on its row (when it has one): progress every batch,
    the counts and the first rejected rows at the end, and the file's content cleared whatever happens.
    Returns None when the file could not be read (the reason is in job.failure)."""
    from evac.imports.reading import ReadError

    saved = job.pk is not None

    def on_batch(summary: Summary) -> None:
        _copy_counts(job, summary)
        if saved:
            ImportJob.objects.filter(pk=job.pk).update(**_counts(job))
        if progress:
            progress(summary)

    summary = None
    try:
        summary = run_import(job, content=content, batch_size=batch_size, progress=on_batch, origin=origin)
    except ReadError as error:
        job.status, job.failure = ImportJob.State.FAILED, str(error)
    except Exception:
        job.status, job.failure = ImportJob.State.FAILED, _("The import stopped on an internal error.")
        raise
    else:
        job.status = ImportJob.State.DONE
        _copy_counts(job, summary)
        job.errors = [
            {"line": e.line, "column": e.column, "reason": e.reason}
            for e in summary.errors[:MAX_STORED_ERRORS]
        ]
        job.errors_total = len(summary.errors)
    finally:
        job.content = b""
        job.finished_at = timezone.now()
        if saved:
            job.save()
    return summary


def _copy_counts(job: ImportJob, summary: Summary) -> None:
    job.rows_total, job.rows_done, job.rows_rejected = (
        summary.rows_total,
        summary.rows_done,
        summary.rows_rejected,
    )
    for kind in ("created", "updated", "unchanged"):
        setattr(job, f"applications_{kind}", summary.applications[kind])
        setattr(job, f"persons_{kind}", summary.persons[kind])


def _counts(job: ImportJob) -> dict[str, int]:
    names = ["rows_total", "rows_done", "rows_rejected"]
    names += [
        f"{what}_{kind}"
        for what in ("applications", "persons")
        for kind in ("created", "updated", "unchanged")
    ]
    return {name: getattr(job, name) for name in names}


def start_import(
    membership: Membership,
    program: Program,
    filename: str,
    content: bytes,
    dry_run: bool,
    *,
    language: str = "",
    origin: Origin = COMMAND,
) -> ImportJob:
    """Queue a file for import into one of the member's organisation's programs. The background task
    runs it once the job is committed."""
    from evac.imports.tasks import run_import_job

    if not membership.can(Can.CREATE_CASES):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if program.organisation_id != membership.organisation_id:
        raise ValidationError(_("The program belongs to another organisation."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than {size} MB: split it and import the parts.").format(
                size=MAX_UPLOAD_BYTES // (1024 * 1024)
            )
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=membership.organisation,
            program=program,
            uploaded_by=membership.user,
            filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:255],
            content=content,
            dry_run=dry_run,
            language=language,
        )
        record_event(
            "import.upload",
            actor=membership.user,
            organisation=membership.organisation,
            target_type=TARGET,
            target_ref=str(job.public_id),
            origin=origin,
            detail={"program": program.slug, "bytes": len(content), "dry_run": dry_run},
        )
        # The worker must find the job: enqueue only once it is committed.
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job
