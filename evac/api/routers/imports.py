"""Imports: upload a partner's spreadsheet and follow its progress. The same service as the Imports page
(evac.imports.services.start_import); the background worker runs the job."""

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.api.auth import ORG_SLUG
from evac.api.errors import ApiError, Error, ValidationErrors
from evac.audit.services import Origin
from evac.imports.access import get_job_for_user
from evac.imports.models import ImportJob
from evac.imports.reading import ReadError, open_sheet
from evac.imports.services import MAX_UPLOAD_BYTES, start_import
from evac.programs.models import Program

router = Router(tags=["imports"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: ValidationErrors}
ERRORS_SHOWN = 100


class RowErrorOut(Schema):
    line: int
    column: str
    reason: str


class ImportJobOut(Schema):
    id: uuid.UUID
    status: str
    program: str
    filename: str
    dry_run: bool
    rows_total: int
    rows_done: int
    applications: dict[str, int]
    persons: dict[str, int]
    rows_rejected: int
    errors: list[RowErrorOut]
    failure: str
    created_at: datetime
    finished_at: datetime | None


def _present(job: ImportJob) -> dict:
    return {
        "id": job.public_id,
        "status": job.status,
        "program": job.program.slug,
        "filename": job.filename,
        "dry_run": job.dry_run,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "applications": {
            "created": job.applications_created,
            "updated": job.applications_updated,
            "unchanged": job.applications_unchanged,
        },
        "persons": {
            "created": job.persons_created,
            "updated": job.persons_updated,
            "unchanged": job.persons_unchanged,
        },
        "rows_rejected": job.rows_rejected,
        # The first rejected rows; the page offers them all as CSV.
        "errors": job.errors[:ERRORS_SHOWN],
        "failure": job.failure,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.post(
    "",
    response={202: ImportJobOut, **ERRORS},
    operation_id="startImport",
    summary="Upload a spreadsheet to import",
    description="CSV or XLSX in the interchange columns (English or French headers), at most 50 MB. "
    "202 with the queued job; follow it with readImport. A file that cannot be read at all is a 422.",
)
def start(
    request: HttpRequest,
    org: Path[str],
    file: File[UploadedFile],
    program: Form[str],
    dry_run: Form[bool] = False,
):
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    membership = get_membership(request.auth, org, Can.CREATE_CASES)
    chosen = Program.objects.filter(organisation=membership.organisation, slug=program).first()
    if chosen is None:
        raise ApiError(422, "No program of this organisation has this slug.", "program")
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ApiError(422, "The file is larger than 50 MB: split it and import the parts.", "file")
    content = file.read()
    try:
        open_sheet(content)
    except ReadError as error:
        raise ApiError(422, str(error), "file") from error
    try:
        job = start_import(
            membership,
            chosen,
            file.name or "upload",
            content,
            dry_run,
            origin=Origin(ip=Origin.from_request(request).ip, channel="api"),
        )
    except DjangoValidationError as error:
        raise ApiError(422, " ".join(error.messages), "file") from error
    except PermissionDenied:
        raise
    return Status(202, _present(ImportJob.objects.select_related("program").get(pk=job.pk)))


@router.get(
    "/{job_id}",
    response={200: ImportJobOut, **ERRORS},
    operation_id="readImport",
    summary="An import's progress and result",
)
def read(request: HttpRequest, org: Path[str], job_id: uuid.UUID):
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    _membership, job = get_job_for_user(request.auth, org, job_id)
    return _present(job)
