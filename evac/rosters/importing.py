"""Loading an employer's roster: the one path the upload page, its background task and the `import_roster`
command all take.

The file is read with the application import's reader (any encoding and separator Excel writes, XLSX,
English or French headers), in batches, each one transaction that upserts by (employer, badge number): a
roster sent again updates its entries and adds none twice, and an import killed half way and run again
ends with the data of one clean run. An entry missing from a later file stays: an employer may send its
lists in parts. A column the file leaves out changes nothing on the entries already there.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.imports.families import RowError
from evac.imports.reading import ReadError, open_sheet
from evac.imports.services import MAX_UPLOAD_BYTES
from evac.rosters.models import MAX_STORED_ERRORS, Employer, RosterEntry, RosterImport
from evac.rosters.records import write_keys
from evac.rosters.rows import ENTRY_FIELDS, ROSTER, ParsedEntry, parse_entry

TARGET = "roster_import"
# The column each stored field comes from.
SOURCE_COLUMN = {
    "birth_year": "birth_date",
    "birth_month": "birth_date",
    "birth_day": "birth_date",
    "role_as_written": "role",
    "start": "employment_start",
    "end": "employment_end",
}


@dataclass
class Summary:
    rows_total: int = 0
    rows_done: int = 0
    entries: Counter = field(default_factory=Counter)
    rejected_lines: set[int] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "entries": {k: self.entries[k] for k in ("created", "updated", "unchanged")},
            "rows_rejected": self.rows_rejected,
        }


class RosterImporter:
    def __init__(self, job: RosterImport, *, origin: Origin, batch_size: int) -> None:
        self.job = job
        self.employer = job.employer
        self.origin = origin
        self.batch_size = batch_size
        self.summary = Summary()
        self.columns: dict[str, str] = {}
        self.fields: tuple[str, ...] = ()
        self.today = timezone.localdate()
        self.first_line: dict[str, int] = {}  # badge key -> the line it was first seen on

    def reject(self, errors: list[RowError]) -> None:
        for error in errors:
            error.column = self.columns.get(error.column, error.column)
            self.summary.rejected_lines.add(error.line)
        self.summary.errors.extend(errors)

    def run(self, content: bytes, progress: Callable[[Summary], None] | None) -> Summary:
        sheet = open_sheet(content, ROSTER)
        self.columns = sheet.columns
        self.fields = tuple(f for f in ENTRY_FIELDS if SOURCE_COLUMN.get(f, f) in sheet.columns)
        summary = self.summary
        summary.rows_total = sum(1 for _row in sheet.rows())
        if progress:
            progress(summary)
        self._event("roster.import_start", {"rows": summary.rows_total, "employer": self.employer.name})
        batch: list[ParsedEntry] = []
        for line, raw in sheet.rows():
            parsed, errors = parse_entry(line, raw, today=self.today)
            if parsed is not None:
                first = self.first_line.setdefault(parsed.badge_key, line)
                if first != line:
                    reason = _("the badge number is already on line {line} of this file").format(line=first)
                    parsed, errors = None, [("badge_number", reason)]
            if parsed is None:
                self.reject([RowError(line, column, reason) for column, reason in errors])
                summary.rows_done += 1
                continue
            batch.append(parsed)
            if len(batch) >= self.batch_size:
                self._save_batch(batch)
                summary.rows_done += len(batch)
                batch = []
                if progress:
                    progress(summary)
        if batch:
            self._save_batch(batch)
            summary.rows_done += len(batch)
        if progress:
            progress(summary)
        summary.errors.sort(key=lambda error: error.line)
        self._event("roster.import_finish", summary.as_json())
        return summary

    def _save_batch(self, batch: list[ParsedEntry]) -> None:
        try:
            self._save(batch)
        except DatabaseError:
            # One row the database refuses must not sink the rest: save them one by one.
            for parsed in batch:
                try:
                    self._save([parsed])
                except DatabaseError as error:
                    reason = _("the row could not be saved ({error})").format(error=type(error).__name__)
                    self.reject([RowError(parsed.line, "badge_number", reason)])

    def _save(self, batch: list[ParsedEntry]) -> None:
        job, employer = self.job, self.employer
        source = job if job.pk else None
        counts: Counter = Counter()
        with transaction.atomic():
            stored = {
                entry.badge_key: entry
                for entry in RosterEntry.objects.select_for_update().filter(
                    employer=employer, badge_key__in=[p.badge_key for p in batch]
                )
            }
            created, updated = [], []
            for parsed in batch:
                entry = stored.get(parsed.badge_key)
                if entry is None:
                    values = {name: parsed.values[name] for name in ENTRY_FIELDS}
                    created.append(
                        RosterEntry(
                            organisation_id=employer.organisation_id,
                            employer=employer,
                            badge_key=parsed.badge_key,
                            source=source,
                            **values,
                        )
                    )
                    continue
                differs = [name for name in self.fields if getattr(entry, name) != parsed.values[name]]
                if not differs:
                    counts["unchanged"] += 1
                    continue
                for name in differs:
                    setattr(entry, name, parsed.values[name])
                entry.source = source
                updated.append(entry)
            RosterEntry.objects.bulk_create(created)
            if updated:
                now = timezone.now()
                for entry in updated:
                    entry.updated_at = now
                RosterEntry.objects.bulk_update(
                    updated, [*self.fields, "source", "updated_at"], batch_size=500
                )
            write_keys([*created, *updated])
            counts["created"], counts["updated"] = len(created), len(updated)
            if created or updated:
                self._event(
                    "roster.import_batch",
                    {
                        "created": [str(e.public_id) for e in created],
                        "updated": [str(e.public_id) for e in updated],
                    },
                )
        self.summary.entries.update(counts)

    def _event(self, action: str, detail: dict[str, Any]) -> None:
        record_event(
            action,
            actor=self.job.uploaded_by,
            organisation=self.employer.organisation,
            target_type=TARGET,
            target_ref=str(self.job.public_id),
            origin=self.origin,
            detail=detail,
        )


def execute_roster_import(
    job: RosterImport,
    *,
    content: bytes | None = None,
    batch_size: int = 1000,
    origin: Origin = COMMAND,
    progress: Callable[[Summary], None] | None = None,
) -> Summary | None:
    """Run a roster import to its end and record the outcome on its row (when it has one): progress every
    batch, the counts and the first rejected rows at the end, the file's content cleared whatever happens.
    Returns None when the file could not be read (the reason is in job.failure)."""
    saved = job.pk is not None
    data = bytes(job.content) if content is None else content

    def on_batch(summary: Summary) -> None:
        _copy_counts(job, summary)
        if saved:
            RosterImport.objects.filter(pk=job.pk).update(**_counts(job))
        if progress:
            progress(summary)

    summary = None
    try:
        summary = RosterImporter(job, origin=origin, batch_size=batch_size).run(data, on_batch)
    except ReadError as error:
        job.status, job.failure = RosterImport.State.FAILED, str(error)
    except Exception:
        job.status, job.failure = RosterImport.State.FAILED, _("The import stopped on an internal error.")
        raise
    else:
        job.status = RosterImport.State.DONE
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


_COUNTS = (
    "rows_total",
    "rows_done",
    "rows_rejected",
    "entries_created",
    "entries_updated",
    "entries_unchanged",
)


def _copy_counts(job: RosterImport, summary: Summary) -> None:
    job.rows_total, job.rows_done, job.rows_rejected = (
        summary.rows_total,
        summary.rows_done,
        summary.rows_rejected,
    )
    for kind in ("created", "updated", "unchanged"):
        setattr(job, f"entries_{kind}", summary.entries[kind])


def _counts(job: RosterImport) -> dict[str, int]:
    return {name: getattr(job, name) for name in _COUNTS}


def start_roster_import(
    membership: Membership,
    employer: Employer,
    filename: str,
    content: bytes,
    *,
    language: str = "",
    origin: Origin = COMMAND,
) -> RosterImport:
    """Queue a roster file for one of the member's organisation's employers. The background task runs it
    once the job is committed."""
    from evac.rosters.tasks import run_roster_import

    if not membership.can(Can.MANAGE_ROSTERS):
        raise PermissionDenied
    if employer.organisation_id != membership.organisation_id:
        raise ValidationError(_("The employer belongs to another organisation."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than {size} MB: split it and import the parts.").format(
                size=MAX_UPLOAD_BYTES // (1024 * 1024)
            )
        )
    with transaction.atomic():
        job = RosterImport.objects.create(
            organisation=membership.organisation,
            employer=employer,
            uploaded_by=membership.user,
            filename=filename.replace("\\", "/").rsplit("/", 1)[-1][:255],
            content=content,
            language=language,
        )
        record_event(
            "roster.upload",
            actor=membership.user,
            organisation=membership.organisation,
            target_type=TARGET,
            target_ref=str(job.public_id),
            origin=origin,
            detail={"employer": employer.name, "bytes": len(content)},
        )
        transaction.on_commit(lambda: run_roster_import.enqueue(job.pk))
    return job
