"""Flights and the planner's decisions about families (pin, hold, link): every change goes through these
functions, each in one transaction with its audit event, whoever asks (the pages, the API).

A family pinned or held changes the plan at once (a held family loses its seat and its passes); the
allocation, run again, fills the rest around those decisions (evac/flights/services.py).
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evac.accounts.models import Membership
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application
from evac.cases.workflow import OPEN_STATUSES, Status
from evac.flights.models import FamilyLink, Flight, FlightStatus, Hold, Placement
from evac.flights.pool import POOL_STATUSES
from evac.flights.services import CASE, _lock_plan, _move_cases, _require, _void_passes

FLIGHT = "flight"
# Editable by planners; the rest (status, reports) changes through its own function.
FLIGHT_FIELDS = (
    "call_sign",
    "aircraft",
    "seats",
    "medical_places",
    "payload_kg",
    "departs_at",
    "origin",
    "destination",
    "emergency_contact",
)


# -- flights ---------------------------------------------------------------------------------------------


def _check_flight(values: dict) -> None:
    if values.get("seats") is not None and values["seats"] < 0:
        raise ValidationError(_("Seats cannot be negative."))
    if values.get("departs_at") is None:
        raise ValidationError(_("Give the departure time."))


def create_flight(membership: Membership, values: dict, *, origin: Origin = COMMAND) -> Flight:
    _require(membership)
    values = {k: v for k, v in values.items() if k in FLIGHT_FIELDS}
    _check_flight(values)
    with transaction.atomic():
        flight = Flight.objects.create(organisation=membership.organisation, **values)
        record_event(
            "flight.create",
            actor=membership.user,
            organisation=membership.organisation,
            target_type=FLIGHT,
            target_ref=str(flight.public_id),
            origin=origin,
            detail={
                "call_sign": flight.call_sign,
                "seats": flight.seats,
                "medical_places": flight.medical_places,
            },
        )
    return flight


def update_flight(
    flight: Flight, membership: Membership, values: dict, *, origin: Origin = COMMAND
) -> list[str]:
    """Change a flight's details (a swapped aircraft, the loadmaster's last-minute capacity). Returns the
    fields changed. The allocation, run again, moves as few notified families as it must."""
    _require(membership)
    if flight.organisation_id != membership.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        _lock_plan(flight.organisation)
        locked = Flight.objects.select_for_update().get(pk=flight.pk)
        if locked.status not in (FlightStatus.PLANNED, FlightStatus.BOARDING):
            raise ValidationError(_("A flight that has left or was cancelled cannot be changed."))
        changed = {}
        for name, value in values.items():
            if name in FLIGHT_FIELDS and getattr(locked, name) != value:
                changed[name] = [_plain(getattr(locked, name)), _plain(value)]
                setattr(locked, name, value)
        if not changed:
            return []
        _check_flight({name: getattr(locked, name) for name in FLIGHT_FIELDS})
        locked.save(update_fields=[*changed, "updated_at"])
        record_event(
            "flight.update",
            actor=membership.user,
            organisation=locked.organisation,
            target_type=FLIGHT,
            target_ref=str(locked.public_id),
            origin=origin,
            # A flight's details are nobody's personal data: before and after are kept.
            detail={"changed": changed},
        )
    for name in changed:
        setattr(flight, name, getattr(locked, name))
    return list(changed)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def set_flight_status(
    flight: Flight, target: str, membership: Membership, *, origin: Origin = COMMAND
) -> Flight:
    """Planned <-> boarding, cancelled; departed and landed go through evac/flights/departure.py."""
    from evac.flights import departure

    _require(membership)
    if target == FlightStatus.DEPARTED:
        departure.mark_departed(flight, membership, origin=origin)
        return flight
    if target == FlightStatus.LANDED:
        departure.mark_landed(flight, membership, origin=origin)
        return flight
    allowed = {
        FlightStatus.PLANNED: {FlightStatus.BOARDING, FlightStatus.CANCELLED},
        FlightStatus.BOARDING: {FlightStatus.PLANNED, FlightStatus.CANCELLED},
    }
    with transaction.atomic():
        _lock_plan(flight.organisation)
        locked = Flight.objects.select_for_update().get(pk=flight.pk)
        if target not in allowed.get(locked.status, set()):
            raise ValidationError(
                _("A flight cannot go from {current} to {target}.").format(
                    current=FlightStatus(locked.status).label, target=FlightStatus(target).label
                )
            )
        before = locked.status
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        removed = []
        if target == FlightStatus.CANCELLED:
            # Everyone on a cancelled flight goes back to the queue, and their passes stop working.
            placements = list(locked.placements.select_related("application"))
            removed = [p.application.reference for p in placements]
            _void_passes([p.application_id for p in placements])
            Placement.objects.filter(pk__in=[p.pk for p in placements]).delete()
            _move_cases(
                [p.application for p in placements if p.application.status == Status.SCHEDULED],
                Status.APPROVED,
                reason=_("Flight {call_sign} was cancelled: waiting for another flight.").format(
                    call_sign=locked.call_sign
                ),
                actor=membership.user,
                origin=origin,
            )
        record_event(
            "flight.status",
            actor=membership.user,
            organisation=locked.organisation,
            target_type=FLIGHT,
            target_ref=str(locked.public_id),
            origin=origin,
            detail={"from": before, "to": target, "removed": removed},
        )
    flight.status = locked.status
    return flight


# -- the planner's decisions -----------------------------------------------------------------------------


def _waiting_case(application: Application, membership: Membership) -> Application:
    _require(membership)
    if application.organisation_id != membership.organisation_id:
        raise PermissionDenied
    locked = Application.objects.select_related("organisation").get(pk=application.pk)
    placement = Placement.objects.filter(application=locked).select_related("flight").first()
    if locked.status not in POOL_STATUSES or (
        placement is not None and placement.flight.status != FlightStatus.PLANNED
    ):
        raise ValidationError(_("Only a family approved for evacuation and not yet boarding can be planned."))
    return locked


def _partners(application: Application) -> set[int]:
    """The families linked to this one, directly or through others."""
    edges = defaultdict(set)
    for a, b in FamilyLink.objects.filter(organisation_id=application.organisation_id).values_list(
        "a_id", "b_id"
    ):
        edges[a].add(b)
        edges[b].add(a)
    seen, todo = {application.pk}, [application.pk]
    while todo:
        for other in edges[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen - {application.pk}


def pin_family(
    application: Application, flight: Flight, membership: Membership, *, origin: Origin = COMMAND
) -> Placement:
    """Put a family on a flight and keep it there through re-runs. Its linked families must go with it."""
    with transaction.atomic():
        _lock_plan(membership.organisation)
        case = _waiting_case(application, membership)
        if flight.organisation_id != membership.organisation_id:
            raise PermissionDenied
        flight = Flight.objects.get(pk=flight.pk)
        if flight.status != FlightStatus.PLANNED:
            raise ValidationError(_("Families can be pinned only to a planned flight."))
        if Hold.objects.filter(application=case).exists():
            raise ValidationError(_("This family is held back: release it first."))
        other_pins = set(
            Placement.objects.filter(application_id__in=_partners(case), pinned=True)
            .exclude(flight=flight)
            .values_list("flight__call_sign", flat=True)
        )
        if other_pins:
            raise ValidationError(
                _("A linked family is pinned to {flights}: linked families travel together.").format(
                    flights=", ".join(sorted(other_pins))
                )
            )
        people = case.people.count()
        if people > flight.seats + flight.medical_places:
            raise ValidationError(_("This aircraft is too small for the whole family."))
        placement = Placement.objects.filter(application=case).first()
        before = placement.flight.public_id if placement else None
        if placement is None:
            placement = Placement.objects.create(application=case, flight=flight, pinned=True)
            _move_cases(
                [case] if case.status == Status.APPROVED else [],
                Status.SCHEDULED,
                reason=_("Pinned to flight {call_sign} by a planner.").format(call_sign=flight.call_sign),
                actor=membership.user,
                origin=origin,
            )
        else:
            if placement.flight_id != flight.pk:
                _void_passes([case.pk])
                placement.notified_at = None  # told about another flight: must be told again
            placement.flight = flight
            placement.pinned = True
            placement.save(update_fields=["flight", "pinned", "notified_at"])
        record_event(
            "placement.pin",
            actor=membership.user,
            organisation=case.organisation,
            target_type=CASE,
            target_ref=case.reference,
            origin=origin,
            detail={"flight": str(flight.public_id), "from": str(before) if before else None},
        )
    return placement


def unpin_family(application: Application, membership: Membership, *, origin: Origin = COMMAND) -> None:
    """The family keeps its seat until the next run, which may then move it."""
    with transaction.atomic():
        _lock_plan(membership.organisation)
        case = _waiting_case(application, membership)
        updated = Placement.objects.filter(application=case, pinned=True).update(pinned=False)
        if updated:
            record_event(
                "placement.unpin",
                actor=membership.user,
                organisation=case.organisation,
                target_type=CASE,
                target_ref=case.reference,
                origin=origin,
            )


def hold_family(
    application: Application, membership: Membership, *, reason: str, origin: Origin = COMMAND
) -> Hold:
    """Hold a family back from allocation (a document to check, a medical escort to find). A family that
    had a seat loses it now, and its passes with it: held back means not at the gate."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for holding the family back."))
    with transaction.atomic():
        _lock_plan(membership.organisation)
        case = _waiting_case(application, membership)
        hold, _created = Hold.objects.update_or_create(
            application=case, defaults={"reason": reason, "by": membership.user}
        )
        placement = Placement.objects.filter(application=case).select_related("flight").first()
        if placement is not None:
            _void_passes([case.pk])
            placement.delete()
            _move_cases(
                [case],
                Status.APPROVED,
                reason=_("Held back by a planner: {reason}").format(reason=reason),
                actor=membership.user,
                origin=origin,
            )
        record_event(
            "placement.hold",
            actor=membership.user,
            organisation=case.organisation,
            target_type=CASE,
            target_ref=case.reference,
            origin=origin,
            # The reason may name a person's health or papers: it stays on the hold, not in the log.
            detail={"removed_from": str(placement.flight.public_id) if placement else None},
        )
    return hold


def release_family(application: Application, membership: Membership, *, origin: Origin = COMMAND) -> None:
    _require(membership)
    if application.organisation_id != membership.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        _lock_plan(membership.organisation)
        deleted, _rows = Hold.objects.filter(application=application).delete()
        if deleted:
            record_event(
                "placement.release",
                actor=membership.user,
                organisation=application.organisation,
                target_type=CASE,
                target_ref=application.reference,
                origin=origin,
            )


def _ordered(a: Application, b: Application) -> tuple[Application, Application]:
    return (a, b) if a.pk < b.pk else (b, a)


def link_families(
    a: Application, b: Application, membership: Membership, *, reason: str = "", origin: Origin = COMMAND
) -> FamilyLink:
    """Two families that must travel together (an elderly parent's case and a son's). Allocation treats
    linked families as one group, at the priority of the most urgent."""
    _require(membership)
    if a.organisation_id != membership.organisation_id or b.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if a.pk == b.pk:
        raise ValidationError(_("A family cannot be linked to itself."))
    if a.status not in OPEN_STATUSES or b.status not in OPEN_STATUSES:
        raise ValidationError(_("Only open cases can be linked."))
    a, b = _ordered(a, b)
    with transaction.atomic():
        _lock_plan(membership.organisation)
        pins = set(
            Placement.objects.filter(
                application_id__in={a.pk, b.pk} | _partners(a) | _partners(b), pinned=True
            ).values_list("flight_id", flat=True)
        )
        if len(pins) > 1:
            raise ValidationError(
                _("These families are pinned to different flights: unpin one before linking them.")
            )
        link, created = FamilyLink.objects.get_or_create(
            a=a,
            b=b,
            defaults={
                "organisation": membership.organisation,
                "reason": reason.strip()[:300],
                "by": membership.user,
            },
        )
        if created:
            record_event(
                "family.link",
                actor=membership.user,
                organisation=membership.organisation,
                target_type=CASE,
                target_ref=a.reference,
                origin=origin,
                detail={"with": b.reference},
            )
    return link


def unlink_families(
    a: Application, b: Application, membership: Membership, *, origin: Origin = COMMAND
) -> None:
    _require(membership)
    if a.organisation_id != membership.organisation_id or b.organisation_id != membership.organisation_id:
        raise PermissionDenied
    a, b = _ordered(a, b)
    with transaction.atomic():
        _lock_plan(membership.organisation)
        deleted, _rows = FamilyLink.objects.filter(organisation=membership.organisation, a=a, b=b).delete()
        if deleted:
            record_event(
                "family.unlink",
                actor=membership.user,
                organisation=membership.organisation,
                target_type=CASE,
                target_ref=a.reference,
                origin=origin,
                detail={"with": b.reference},
            )
