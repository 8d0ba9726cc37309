"""Applications (cases): create, read, list, change status, assign. Thin: the access helpers decide who
may, evac.cases.services does the work and writes the audit events, exactly as for the pages."""

import uuid

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from ninja import Header, Path, Query, Router, Status

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.accounts.roles import Can
from evac.api import presenters
from evac.api.auth import ORG_SLUG
from evac.api.errors import ApiError, Error, ValidationErrors
from evac.api.schemas import (
    ApplicationFilters,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationSearch,
    AssignIn,
    AssignResult,
    StatusChangeIn,
    StatusChangeResult,
)
from evac.audit.services import Origin
from evac.cases import services
from evac.cases.access import get_case_for_user
from evac.cases.models import Application, Employment, Person, Source
from evac.cases.queries import search_cases
from evac.cases.workflow import TRANSITIONS
from evac.core import references
from evac.core.dates import parse_partial_date
from evac.core.pagination import COUNT_CAP
from evac.programs.models import Program
from evac.situation.models import Province

router = Router(tags=["applications"])

# Whoever holds none of these can make no move at all: refused before the workflow is consulted.
_STATUS_CAPABILITIES = frozenset(cap for moves in TRANSITIONS.values() for cap in moves.values())
_NOT_AN_OFFICER = "Only a case officer of this organisation can be assigned."

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="A UUID of your choosing: send the same one again when retrying, and get the first case back.",
)
READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, **READ_ERRORS}


def _origin(request: HttpRequest) -> Origin:
    return Origin(ip=Origin.from_request(request).ip, channel="api")


def _membership(request: HttpRequest, org: str, capability: Can) -> Membership:
    # A malformed slug is an organisation nobody belongs to; it never reaches the database.
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    return get_membership(request.auth, org, capability)


def _case(
    request: HttpRequest, org: str, reference: str, capability: Can = Can.VIEW_CASES
) -> tuple[Membership, Application]:
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    return get_case_for_user(request.auth, org, reference, capability)


@router.post(
    "",
    response={200: ApplicationOut, 201: ApplicationOut, 409: Error, **WRITE_ERRORS},
    operation_id="createApplication",
    summary="Register an application with its family",
    description="201 with the new case. With an Idempotency-Key already used in this organisation, 200 "
    "with the case that key created: a retried request never creates a second case.",
)
def create_application(
    request: HttpRequest,
    org: Path[str],
    payload: ApplicationIn,
    idempotency_key: uuid.UUID | None = IDEMPOTENCY_KEY,
):
    membership = _membership(request, org, Can.CREATE_CASES)
    organisation = membership.organisation
    program = Program.objects.filter(organisation=organisation, slug=payload.program, is_open=True).first()
    if program is None:
        raise ApiError(422, "No program open for applications has this slug here.", "program")
    province = None
    if payload.province:
        province = Province.objects.filter(code=payload.province).first()
        if province is None:
            raise ApiError(422, "No province has this code.", "province")
    application = Application(
        organisation=organisation,
        program=program,
        province=province,
        district=payload.district,
        address=payload.address,
        source=Source.API,
    )
    people = []
    for p in payload.people:
        birth = parse_partial_date(p.birth_date)  # already validated by the schema
        people.append(
            Person(
                **p.model_dump(exclude={"sex", "birth_date"}),
                sex=p.sex or "",
                birth_year=birth.year if birth else None,
                birth_month=birth.month if birth else None,
                birth_day=birth.day if birth else None,
            )
        )
    jobs = [
        Employment(
            employer_name=e.employer,
            role=e.role,
            start=e.start,
            end=e.end,
            badge_number=e.badge_number,
            supervisor=e.supervisor,
        )
        for e in payload.employments
    ]
    try:
        application, created = services.create_application(
            application,
            people,
            jobs,
            actor=request.auth,
            origin=_origin(request),
            idempotency_key=idempotency_key,
        )
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The key exists, but not in this organisation: keys are global, and we say no more than that.
        raise ApiError(
            409, "This Idempotency-Key was already used: send a new one.", "Idempotency-Key"
        ) from None
    if not created:
        # The answer shows the case as it is now, not as this request sent it: that is a read.
        services.record_case_view(application, actor=request.auth, origin=_origin(request))
    return Status(201 if created else 200, presenters.application(application))


@router.get(
    "",
    response={200: ApplicationPage, **READ_ERRORS},
    operation_id="listApplications",
    summary="List and search applications",
    description="The case list's filters. Page with limit and offset, or limit and page.",
)
def list_applications(request: HttpRequest, org: Path[str], filters: Query[ApplicationFilters]):
    return _list(request, org, filters, q="")


@router.post(
    "/search",
    response={200: ApplicationPage, **WRITE_ERRORS},
    operation_id="searchApplications",
    summary="Search applications by name or reference",
    description="The same filters as listApplications, with q (words of a name in any script, or a "
    "reference) in the body: a name must not travel in a URL.",
)
def search_applications(request: HttpRequest, org: Path[str], payload: ApplicationSearch):
    return _list(request, org, payload, q=payload.q)


def _list(request: HttpRequest, org: str, filters: ApplicationFilters, *, q: str):
    membership = _membership(request, org, Can.VIEW_CASES)
    organisation = membership.organisation
    if filters.offset is not None and filters.page is not None:
        raise ApiError(422, "Give offset or page, not both.", "page")
    offset = (filters.page - 1) * filters.limit if filters.page is not None else filters.offset or 0
    program = province = None
    if filters.program:
        program = Program.objects.filter(organisation=organisation, slug=filters.program).first()
        if program is None:
            raise ApiError(422, "No program has this slug here.", "program")
    if filters.province:
        province = Province.objects.filter(code=filters.province).first()
        if province is None:
            raise ApiError(422, "No province has this code.", "province")
    cases = search_cases(
        organisation,
        q=q,
        status=filters.status or "",
        program=program,
        province=province,
        role=filters.role or "",
        sort=filters.sort,
    )
    # Counting all of a million matches costs more than the page: count up to the cap (see core.pagination).
    counted = cases.order_by()[: COUNT_CAP + 1].count()
    page = list(cases.select_related("assigned_officer")[offset : offset + filters.limit])
    query = {k: str(v) for k, v in filters.model_dump(exclude_defaults=True).items()}
    services.record_case_list(membership, [c.reference for c in page], query=query, origin=_origin(request))
    return {
        "items": [presenters.summary(c) for c in page],
        "total": min(counted, COUNT_CAP),
        "total_exact": counted <= COUNT_CAP,
        "limit": filters.limit,
        "offset": offset,
    }


@router.get(
    "/{reference}",
    response={200: ApplicationOut, **READ_ERRORS},
    operation_id="readApplication",
    summary="Read one application with its family",
    description="The reference as shown (K7M-4QX-9P2) or as stored (k7m4qx9p2); case does not matter.",
)
def read_application(request: HttpRequest, org: Path[str], reference: str):
    _member, application = _case(request, org, reference)
    services.record_case_view(application, actor=request.auth, origin=_origin(request))
    return presenters.application(application)


@router.post(
    "/{reference}/status",
    response={200: StatusChangeResult, 409: Error, **WRITE_ERRORS},
    operation_id="changeStatus",
    summary="Move an application to another status, with a reason",
    description="Send expected_status (the status you saw) to get 409, and no change, if someone moved the "
    "case in the meantime.",
)
def change_status(request: HttpRequest, org: Path[str], reference: str, payload: StatusChangeIn):
    membership, application = _case(request, org, reference)
    if not any(membership.can(capability) for capability in _STATUS_CAPABILITIES):
        raise PermissionDenied
    try:
        change = services.change_status(
            application,
            payload.status,
            reason=payload.reason,
            membership=membership,
            expected_status=payload.expected_status,
            origin=_origin(request),
        )
    except DjangoValidationError as error:
        raise ApiError(422, " ".join(error.messages), "status") from None
    return {
        "reference": references.display(application.reference),
        "from_status": change.from_status,
        "status": change.to_status,
        "reason": change.reason,
        "at": change.at,
    }


@router.post(
    "/{reference}/assign",
    response={200: AssignResult, **WRITE_ERRORS},
    operation_id="assignOfficer",
    summary="Assign a case officer, or unassign with null",
)
def assign_officer(request: HttpRequest, org: Path[str], reference: str, payload: AssignIn):
    membership, application = _case(request, org, reference, Can.ASSIGN)
    officer = None
    if payload.officer:
        officer = User.objects.filter(username=payload.officer).first()
        # The same answer for a username that does not exist and one from another organisation.
        if officer is None:
            raise ApiError(422, _NOT_AN_OFFICER, "officer")
    try:
        services.assign_officer(application, officer, membership=membership, origin=_origin(request))
    except DjangoValidationError:
        raise ApiError(422, _NOT_AN_OFFICER, "officer") from None
    return {
        "reference": references.display(application.reference),
        "assigned_officer": officer.get_username() if officer else None,
    }
