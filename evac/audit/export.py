"""Signed exports of the audit log, for auditors and for whoever they hand one to.

An export is a .zip of three files:
- events.csv: the filtered events, oldest first, with each event's hash and the hash before it;
- manifest.json: what was asked (organisation, filters), what came out (count, first and last event with
  their hashes, the sha256 of events.csv), when and by whom;
- manifest.sig: the raw 64-byte Ed25519 signature of manifest.json's exact bytes.

The signature covers the manifest and the manifest covers events.csv, so one changed byte anywhere fails
`evac verify_audit_export`, or `openssl pkeyutl -verify` plus `sha256sum` for someone without evac.
"""

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Max, QuerySet
from django.utils import timezone

from evac.accounts.models import Membership
from evac.audit import signing
from evac.audit.models import AuditEvent
from evac.audit.queries import describe_filters
from evac.audit.services import Origin, record_event

# A hundred thousand events are about 40 MB of CSV: one file a person can still open and a request can
# still build. A bigger selection is exported in parts (by date).
EXPORT_CAP = 100_000
FORMAT = "evac-audit-export/1"
EVENTS, MANIFEST, SIGNATURE = "events.csv", "manifest.json", "manifest.sig"
COLUMNS = (
    "id",
    "at",
    "actor",
    "organisation",
    "action",
    "target_type",
    "target_ref",
    "channel",
    "ip",
    "detail",
    "hash",
    "prev_hash",
)
# A spreadsheet runs a cell that starts like a formula; a username or a record reference can, so such a
# cell gets a leading apostrophe (and the manifest says so).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "text cells starting with = + - @ tab or carriage return carry a leading '"
SPOOL_BYTES = 8 * 1024 * 1024


class ExportTooLarge(Exception):
    def __init__(self, cap: int):
        self.cap = cap
        super().__init__(f"more than {cap} events selected")


@dataclass
class Export:
    file: IO[bytes]  # the .zip, at its start
    manifest: dict[str, Any]
    exported_at: datetime


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(event: AuditEvent, slugs: dict[int, str]) -> list[str]:
    detail = json.dumps(event.detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return [
        str(event.pk),
        event.at.isoformat(timespec="microseconds"),
        _cell(event.actor_name),
        slugs.get(event.organisation_id, "") if event.organisation_id else "",
        _cell(event.action),
        _cell(event.target_type),
        _cell(event.target_ref),
        _cell(event.detail.get("channel", "")),
        event.ip or "",
        detail,
        event.hash,
        event.prev_hash,
    ]


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def export_events(
    events: QuerySet[AuditEvent],
    *,
    membership: Membership,
    filters: dict[str, Any],
    origin: Origin,
    cap: int | None = None,
) -> Export:
    """Write the events (already scoped to the organisation and filtered) as a signed .zip, and record
    the export as an event of its own. Raises ExportTooLarge past `cap` events."""
    cap = cap or EXPORT_CAP
    organisation = membership.organisation
    # A fixed upper bound: events recorded while the file is written (this export's own among them) stay
    # out, so that the count, the first and last event and the file agree.
    upper = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    events = events.filter(id__lte=upper)
    if events.order_by()[: cap + 1].count() > cap:
        raise ExportTooLarge(cap)

    csv_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed below
    text = io.TextIOWrapper(csv_file, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    slugs = {organisation.pk: organisation.slug}
    count, first, last = 0, None, None
    for event in events.order_by("id").iterator(chunk_size=2000):
        writer.writerow(_row(event, slugs))
        count += 1
        first = first or event
        last = event
    text.flush()
    text.detach()
    csv_file.seek(0)
    digest = _sha256(csv_file)
    csv_file.seek(0)

    exported_at = timezone.now()
    manifest = {
        "format": FORMAT,
        "organisation": organisation.slug,
        "filters": describe_filters(filters),
        "count": count,
        "first_event": {"id": first.pk, "hash": first.hash} if first else None,
        "last_event": {"id": last.pk, "hash": last.hash} if last else None,
        "exported_at": exported_at.isoformat(),
        "exported_by": membership.user.get_username(),
        "events_csv_sha256": digest,
        "csv_formula_guard": FORMULA_GUARD,
        "public_key": signing.public_key_base64(),
    }
    signed = manifest_bytes(manifest)
    signature = signing.sign(signed)

    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        with zipped.open(EVENTS, "w") as member:
            shutil.copyfileobj(csv_file, member)
        zipped.writestr(MANIFEST, signed)
        zipped.writestr(SIGNATURE, signature)
    csv_file.close()
    record_event(
        "audit.export",
        actor=membership.user,
        organisation=organisation,
        target_type="audit",
        origin=origin,
        detail={
            "filters": manifest["filters"],
            "count": count,
            "first": first.pk if first else None,
            "last": last.pk if last else None,
            # Ties a file handed around later to this event.
            "manifest_sha256": hashlib.sha256(signed).hexdigest(),
        },
    )
    archive.seek(0)
    return Export(file=archive, manifest=manifest, exported_at=exported_at)


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_export(source: str | Path | IO[bytes], public_key: Ed25519PublicKey) -> Verification:
    """Check an export's signature and checksum, and that events.csv holds what the manifest says.
    Says what is wrong rather than only that something is."""
    result = Verification()
    try:
        zipped = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        result.problems.append(f"not a readable .zip file ({error})")
        return result
    with zipped:
        names = zipped.namelist()
        for name in sorted({n for n in names if names.count(n) > 1}):
            result.problems.append(f"{name} is in the archive more than once")
        for name in sorted(set(names) - {EVENTS, MANIFEST, SIGNATURE}):
            result.problems.append(f"{name} is not part of an export, and no signature covers it")
        missing = [n for n in (EVENTS, MANIFEST, SIGNATURE) if n not in names]
        if missing:
            result.problems.append("missing from the archive: " + ", ".join(missing))
            return result
        signed = zipped.read(MANIFEST)
        signature = zipped.read(SIGNATURE)
        try:
            manifest = json.loads(signed)
        except ValueError:
            manifest = None
        result.manifest = manifest if isinstance(manifest, dict) else None
        if not signing.signature_is_valid(public_key, signed, signature):
            problem = (
                "manifest.sig does not match manifest.json: the manifest was changed after it was signed, "
                "or it was signed with another key"
            )
            named = result.manifest.get("public_key") if result.manifest else None
            checked = signing.public_key_base64(public_key)
            if named and named != checked:
                problem += f" (the manifest names the key {named}; it was checked against {checked})"
            result.problems.append(problem)
        if result.manifest is None:
            result.problems.append("manifest.json is not a JSON object")
            return result
        with zipped.open(EVENTS) as member:
            digest = _sha256(member)
        expected = result.manifest.get("events_csv_sha256")
        if digest != expected:
            result.problems.append(
                f"events.csv was changed: its sha256 is {digest}, the manifest says {expected}"
            )
        with zipped.open(EVENTS) as member:
            result.problems += _check_rows(
                csv.reader(io.TextIOWrapper(member, "utf-8", newline="")), manifest
            )
    return result


def _check_rows(rows: Iterable[list[str]], manifest: dict[str, Any]) -> list[str]:
    """events.csv against the manifest: the header, the number of events, the first and the last."""
    problems = []
    try:
        iterator = iter(rows)
        header = next(iterator, None)
        if header is None or tuple(header) != COLUMNS:
            return ["events.csv does not start with the expected header: " + ",".join(COLUMNS)]
        count, first, last = 0, None, None
        for row in iterator:
            count += 1
            if len(row) != len(COLUMNS):
                problems.append(f"events.csv row {count + 1} has {len(row)} columns, not {len(COLUMNS)}")
                continue
            entry = {"id": int(row[0]) if row[0].isdigit() else row[0], "hash": row[10]}
            first = first or entry
            last = entry
    except (UnicodeDecodeError, csv.Error) as error:
        return [f"events.csv cannot be read ({error})"]
    if count != manifest.get("count"):
        problems.append(f"events.csv holds {count} events, the manifest says {manifest.get('count')}")
    for name, found in (("first_event", first), ("last_event", last)):
        if found != manifest.get(name):
            problems.append(
                f"the {name.replace('_', ' ')} in events.csv is {found}, the manifest says {manifest.get(name)}"
            )
    return problems
