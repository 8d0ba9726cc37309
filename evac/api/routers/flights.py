"""Flights: list, plan, read (with the families placed, by reference), change. Thin: the access helpers
decide who may (planners change, planners and case officers read), evac.flights.services does the work and
writes the audit events, exactly as for the flight board."""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, field_validator

from evac.accounts.access import get_membership
from evac.accounts.models import Membership
from evac.accounts.roles import Can
from evac.api.auth import ORG_SLUG
from evac.api.errors import ApiError, Error, ValidationErrors
from evac.api.schemas import Text
from evac.audit.services import Origin, record_event
from evac.core import references
from evac.flights import board, planning
from evac.flights.access import get_flight_for_user
from evac.flights.models import Flight, FlightStatus

router = Router(tags=["flights"])
READ_ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrors}
WRITE_ERRORS = {400: Error, **READ_ERRORS}
# Far beyond any aircraft (a C-17 once carried 823), small enough for every database's integer.
MAX_SEATS = 10_000
MAX_PAYLOAD = 1_000_000

EXAMPLE = {
    "call_sign": "RCH871",
    "aircraft": "C-17A Globemaster III",
    "seats": 134,
    "medical_places": 6,
    "payload_kg": 45000,
    "departs_at": "2021-08-17T06:30:00+04:30",
    "origin": "Kabul (KBL)",
    "destination": "Doha (DOH)",
    "emergency_contact": "Operations centre +1 613 555 0100",
}


def _aware(value: datetime) -> datetime:
    # A time without its offset is Kabul time, as on the pages.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _origin(request: HttpRequest) -> Origin:
    return Origin(ip=Origin.from_request(request).ip, channel="api")


def _membership(request: HttpRequest, org: str, capability: Can) -> Membership:
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    return get_membership(request.auth, org, capability)


class FlightIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    call_sign: Text(20, min_length=1)
    aircraft: Text(60, min_length=1)
    seats: int = Field(ge=0, le=MAX_SEATS, description="Ordinary seats, as the loadmaster gives them.")
    medical_places: int = Field(0, ge=0, le=1000, description="Places for people who travel lying down.")
    payload_kg: int | None = Field(None, ge=0, le=MAX_PAYLOAD, description="Null when not known.")
    departs_at: datetime = Field(description="With its UTC offset (Kabul is +04:30).")
    origin: Text(60) = "Kabul (KBL)"
    destination: Text(60, min_length=1)
    emergency_contact: Text(200) = Field("", description="Who answers for the people on board.")

    @field_validator("departs_at")
    @classmethod
    def _kabul_unless_said(cls, value: datetime) -> datetime:
        return _aware(value)


class FlightUpdate(Schema):
    """Only the fields sent change. A capacity changed at the last minute: run the allocation again."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"seats": 300, "aircraft": "C-17A (floor loading)"}]}
    )

    call_sign: Text(20, min_length=1) | None = None
    aircraft: Text(60, min_length=1) | None = None
    seats: int | None = Field(None, ge=0, le=MAX_SEATS)
    medical_places: int | None = Field(None, ge=0, le=1000)
    payload_kg: int | None = Field(None, ge=0, le=MAX_PAYLOAD)
    departs_at: datetime | None = None
    origin: Text(60) | None = None
    destination: Text(60, min_length=1) | None = None
    emergency_contact: Text(200) | None = None

    @field_validator("departs_at")
    @classmethod
    def _kabul_unless_said(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _aware(value)


class FlightOut(Schema):
    id: uuid.UUID
    call_sign: str
    aircraft: str
    seats: int
    medical_places: int
    payload_kg: int | None
    departs_at: datetime
    origin: str
    destination: str
    emergency_contact: str
    status: str
    families: int
    people: int
    seats_used: int
    medical_places_used: int


class PlacedFamilyOut(Schema):
    reference: str = Field(description="The case: K7M-4QX-9P2.")
    people: int
    medical_places: int
    priority: int
    pinned: bool
    notified: bool
    boarded: int = Field(description="People of the family whose pass the gate marked boarded.")


class FlightDetailOut(FlightOut):
    placed: list[PlacedFamilyOut]


class FlightPage(Schema):
    items: list[FlightOut]


class FlightFilters(Schema):
    status: FlightStatus | None = None


def _present(row: board.FlightRow) -> dict:
    f = row.flight
    return {
        "id": f.public_id,
        "call_sign": f.call_sign,
        "aircraft": f.aircraft,
        "seats": f.seats,
        "medical_places": f.medical_places,
        "payload_kg": f.payload_kg,
        "departs_at": f.departs_at,
        "origin": f.origin,
        "destination": f.destination,
        "emergency_contact": f.emergency_contact,
        "status": f.status,
        "families": row.load.families,
        "people": row.load.people,
        "seats_used": row.load.seats_used,
        "medical_places_used": row.load.medical_used,
    }


def _validation(error: DjangoValidationError) -> ApiError:
    return ApiError(422, " ".join(error.messages))


@router.get(
    "",
    response={200: FlightPage, **READ_ERRORS},
    operation_id="listFlights",
    summary="The organisation's flights, earliest first, with their load",
)
def list_flights(request: HttpRequest, org: Path[str], filters: Query[FlightFilters]):
    membership = _membership(request, org, Can.VIEW_FLIGHTS)
    flights = Flight.objects.filter(organisation=membership.organisation).order_by("departs_at", "call_sign")
    if filters.status:
        flights = flights.filter(status=filters.status)
    return {"items": [_present(row) for row in board.flight_rows(flights[:500])]}


@router.post(
    "",
    response={201: FlightOut, **WRITE_ERRORS},
    operation_id="createFlight",
    summary="Plan a flight",
)
def create_flight(request: HttpRequest, org: Path[str], payload: FlightIn):
    membership = _membership(request, org, Can.SCHEDULE)
    try:
        flight = planning.create_flight(membership, payload.model_dump(), origin=_origin(request))
    except DjangoValidationError as error:
        raise _validation(error) from None
    return Status(201, _present(board.flight_rows([flight])[0]))


def _flight(
    request: HttpRequest, org: str, flight_id: uuid.UUID, capability: Can
) -> tuple[Membership, Flight]:
    if not ORG_SLUG.fullmatch(org):
        raise Http404
    return get_flight_for_user(request.auth, org, flight_id, capability)


@router.get(
    "/{flight_id}",
    response={200: FlightDetailOut, **READ_ERRORS},
    operation_id="readFlight",
    summary="A flight, with the families placed on it",
    description="Families by case reference, never by name. The read is recorded in the audit log.",
)
def read_flight(request: HttpRequest, org: Path[str], flight_id: Path[uuid.UUID]):
    membership, flight = _flight(request, org, flight_id, Can.VIEW_FLIGHTS)
    families = board.placed_families(flight)
    record_event(
        "flight.view",
        actor=request.auth,
        organisation=membership.organisation,
        target_type="flight",
        target_ref=str(flight.public_id),
        origin=_origin(request),
        detail={"shown": [f.placement.application.reference for f in families]},
    )
    placed = [
        {
            "reference": references.display(f.placement.application.reference),
            "people": f.people,
            "medical_places": f.medical,
            "priority": f.placement.application.priority,
            "pinned": f.placement.pinned,
            "notified": f.placement.notified_at is not None,
            "boarded": f.boarded,
        }
        for f in families
    ]
    return {**_present(board.flight_rows([flight])[0]), "placed": placed}


@router.patch(
    "/{flight_id}",
    response={200: FlightOut, **WRITE_ERRORS},
    operation_id="updateFlight",
    summary="Change a flight (aircraft swapped, capacity changed)",
    description="Only the fields sent change. A flight that departed, landed or was cancelled is a 422.",
)
def update_flight(request: HttpRequest, org: Path[str], flight_id: Path[uuid.UUID], payload: FlightUpdate):
    membership, flight = _flight(request, org, flight_id, Can.SCHEDULE)
    values = payload.model_dump(exclude_unset=True)
    for name in ("call_sign", "aircraft", "seats", "medical_places", "departs_at", "destination"):
        if name in values and values[name] is None:
            raise ApiError(422, f"{name} cannot be null.", name)
    values = {k: ("" if v is None and k in ("origin", "emergency_contact") else v) for k, v in values.items()}
    try:
        planning.update_flight(flight, membership, values, origin=_origin(request))
    except DjangoValidationError as error:
        raise _validation(error) from None
    flight.refresh_from_db()
    return _present(board.flight_rows([flight])[0])
