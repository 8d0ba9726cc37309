"""Every change to an export goes through these functions, each in one transaction with its audit event.

The events say what left, or was asked to leave: the columns, the number of rows and the cases'
references (never the values themselves, which must not outlive their records in an undeletable log).
"""

import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership, Organisation
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Person
from evac.exports import columns as export_columns
from evac.exports.models import ExportRequest
from evac.exports.rows import count_rows

EXPORT = "export"
# Excel opens no more rows than this (the header included): a larger export has to be CSV.
XLSX_MAX_ROWS = 1_048_576 - 1


class StaleExport(Exception):
    """The request was decided or downloaded since the page was loaded (another member, a doubled click)."""


class ExportExpired(Exception):
    """The request was ready for longer than the download window: it must be asked for again."""


class NeedsApproval(Exception):
    """The cases grew past the organisation's threshold since the request: it must be asked for again."""


def _what(export: ExportRequest, **changes) -> dict:
    return {
        "columns": export.columns,
        "format": export.format,
        "row_count": export.row_count,
        "case_count": export.case_count,
        "references": export.references,
        "state": export.state,
        **changes,
    }


def _require_exporter(membership: Membership) -> None:
    if not membership.can_export():
        raise PermissionDenied


def request_export(
    membership: Membership,
    cases: QuerySet[Application],
    *,
    filters: dict[str, str],
    columns: Sequence[str],
    file_format: str,
    origin: Origin = COMMAND,
    idempotency_key: uuid.UUID | None = None,
) -> tuple[ExportRequest, bool]:
    """Freeze the cases' references and ask for their export. Returns (request, created).

    At or under the organisation's threshold the requester may download at once; above it the request
    waits for another member who may export. The same idempotency key twice returns the first request.
    """
    _require_exporter(membership)
    organisation = membership.organisation
    if idempotency_key is not None:
        existing = _by_key(membership, idempotency_key)
        if existing is not None:
            return existing, False
    try:
        chosen = export_columns.chosen(columns)
    except KeyError as error:
        raise ValidationError(_("Choose the columns from the list.")) from error
    if file_format not in ExportRequest.Format.values:
        raise ValidationError(_("Choose CSV or XLSX."))
    cases = cases.filter(organisation=organisation)
    references = list(cases.values_list("reference", flat=True))
    if not references:
        raise ValidationError(_("No case matches these filters: there is nothing to export."))
    # One count over the same filters, rather than one per batch of references: a request may name a
    # million cases. (The download counts again, from the frozen references.)
    if export_columns.per_person(chosen):
        row_count = Person.objects.filter(application__in=cases.order_by().values("pk")).count()
    else:
        row_count = len(references)
    if file_format == ExportRequest.Format.XLSX and row_count > XLSX_MAX_ROWS:
        raise ValidationError(_("Excel opens at most 1,048,575 rows: choose CSV, or narrow the filters."))
    above = row_count > organisation.export_approval_threshold
    export = ExportRequest(
        organisation=organisation,
        requested_by=membership.user,
        filters=filters,
        columns=[column.key for column in chosen],
        format=file_format,
        references=references,
        case_count=len(references),
        row_count=row_count,
        state=ExportRequest.State.AWAITING_APPROVAL if above else ExportRequest.State.READY,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            export.save(force_insert=True)
            record_event(
                "export.request",
                actor=membership.user,
                organisation=organisation,
                target_type=EXPORT,
                target_ref=str(export.public_id),
                origin=origin,
                detail=_what(export, filters=filters, threshold=organisation.export_approval_threshold),
            )
    except IntegrityError:
        # The same form sent twice at once: the other one won, and that is the answer.
        existing = _by_key(membership, idempotency_key) if idempotency_key is not None else None
        if existing is None:
            raise
        return existing, False
    return export, True


def _by_key(membership: Membership, key: uuid.UUID) -> ExportRequest | None:
    existing = ExportRequest.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if (
        existing.organisation_id != membership.organisation_id
        or existing.requested_by_id != membership.user_id
    ):
        # Someone else's key: never hand over their request.
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return existing


def _decide(
    export: ExportRequest, membership: Membership, state: str, reason: str, action: str, origin: Origin
) -> ExportRequest:
    _require_exporter(membership)
    if export.organisation_id != membership.organisation_id or export.requested_by_id == membership.user_id:
        # The second person must be a second person.
        raise PermissionDenied
    with transaction.atomic():
        locked = ExportRequest.objects.select_for_update().get(pk=export.pk)
        if locked.state != ExportRequest.State.AWAITING_APPROVAL:
            raise StaleExport
        locked.state = state
        locked.decided_by = membership.user
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        record_event(
            action,
            actor=membership.user,
            organisation=locked.organisation,
            target_type=EXPORT,
            target_ref=str(locked.public_id),
            origin=origin,
            detail=_what(
                locked, requested_by=export.requested_by.get_username() if export.requested_by else None
            ),
        )
    return locked


def approve_export(
    export: ExportRequest, membership: Membership, *, reason: str = "", origin: Origin = COMMAND
) -> ExportRequest:
    """Another member who may export lets the requester download, once, within the download window."""
    return _decide(export, membership, ExportRequest.State.READY, reason.strip(), "export.approve", origin)


def refuse_export(
    export: ExportRequest, membership: Membership, *, reason: str, origin: Origin = COMMAND
) -> ExportRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for refusing."))
    return _decide(export, membership, ExportRequest.State.REFUSED, reason, "export.refuse", origin)


def claim_download(
    export: ExportRequest, membership: Membership, *, origin: Origin = COMMAND
) -> ExportRequest:
    """Use up the request's one download and audit it; the caller then builds and sends the file.

    Only the requester downloads, once, while the window is open. A request that needed no approval is
    checked against the threshold again: cases may have grown, or the admin lowered it, since.
    """
    _require_exporter(membership)
    if export.organisation_id != membership.organisation_id or export.requested_by_id != membership.user_id:
        raise PermissionDenied
    with transaction.atomic():
        locked = ExportRequest.objects.select_for_update().select_related("organisation").get(pk=export.pk)
        if locked.state != ExportRequest.State.READY:
            raise StaleExport
        now = timezone.now()
        if locked.is_expired(now):
            raise ExportExpired
        organisation = locked.organisation
        references, row_count = count_rows(
            organisation, locked.references, export_columns.chosen(locked.columns)
        )
        if locked.decided_by_id is None and row_count > organisation.export_approval_threshold:
            raise NeedsApproval
        locked.state = ExportRequest.State.DOWNLOADED
        locked.downloaded_at = now
        locked.save(update_fields=["state", "downloaded_at"])
        record_event(
            "export.download",
            actor=membership.user,
            organisation=organisation,
            target_type=EXPORT,
            target_ref=str(locked.public_id),
            origin=origin,
            detail=_what(locked, references=references, row_count=row_count, case_count=len(references)),
        )
    return locked


def set_export_threshold(membership: Membership, threshold: int, *, origin: Origin = COMMAND) -> Organisation:
    """The org admin sets how many rows an export may hold before a second member must approve it."""
    if not membership.can(Can.MANAGE_MEMBERS):
        raise PermissionDenied
    if threshold < 0:
        raise ValidationError(_("The threshold cannot be negative."))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        before = organisation.export_approval_threshold
        if before != threshold:
            organisation.export_approval_threshold = threshold
            organisation.save(update_fields=["export_approval_threshold"])
            record_event(
                "organisation.export_threshold",
                actor=membership.user,
                organisation=organisation,
                target_type="organisation",
                target_ref=organisation.slug,
                origin=origin,
                detail={"from": before, "to": threshold},
            )
    return organisation
