"""Flights and the families on them: every change goes through these functions, each in one transaction with
its audit event, whoever asks (the pages, the API, `evac allocate_seats`, the worker).

A case holds a seat when it has a Placement, and its status says so: placed cases are "scheduled", cases
waiting for a seat "approved". The allocation keeps that true as it places, moves and removes families.
A family moved to another flight or off the plan has its boarding passes voided: the gate must refuse them.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, StatusChange
from evac.cases.workflow import OPEN_STATUSES, Status, required_capability
from evac.flights.allocation import DEFAULT_TIME_LIMIT, Allocation, AllocationInputError, allocate
from evac.flights.models import (
    AllocationRun,
    BoardingPass,
    FamilyLink,
    Flight,
    FlightStatus,
    Hold,
    Placement,
)
from evac.flights.pool import LINKED_HELD, LINKED_WAITING, POOL_STATUSES, Pool, read_pool
from evac.flights.problem import Reason

logger = logging.getLogger(__name__)

FLIGHT = "flight"
CASE = "application"
ALLOCATION = "allocation"
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
# A run still "running" after this long lost its worker (the allocation itself stops within a minute).
RUN_LOST_AFTER = timedelta(minutes=15)


# Ids per query: well under SQLite's limit on query parameters.
BATCH = 500


def _batches(ids: Iterable[int]):
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


class PlanChanged(Exception):
    """Flights, placements, holds or links changed while the allocation was computing its answer."""


def _require(membership: Membership, capability: Can = Can.SCHEDULE) -> None:
    if not membership.can(capability):
        raise PermissionDenied


def _lock_plan(organisation: Organisation) -> None:
    """One planner's change at a time per organisation: the allocation's answer is written under the same
    lock, after checking that nothing it read has changed."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


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


# -- the status that goes with a seat ----------------------------------------------------------------------


def _move_cases(
    cases: Iterable[Application], target: str, *, reason: str, actor: User | None, origin: Origin
) -> int:
    """Approved <-> scheduled for many cases at once, as the workflow allows (evac/cases/workflow.py), each
    with its status change and audit event like cases.services.change_status. The program's cap counts
    approved and scheduled cases alike, so eligibility need not be checked again."""
    cases = list(cases)
    if not cases:
        return 0
    now = timezone.now()
    for case in cases:
        if required_capability(case.status, target) != Can.SCHEDULE:
            raise ValidationError(f"the allocation cannot move a case from {case.status} to {target}")
    StatusChange.objects.bulk_create(
        StatusChange(
            application_id=case.pk,
            from_status=case.status,
            to_status=target,
            reason=reason,
            actor=actor if actor is not None and actor.pk else None,
            at=now,
        )
        for case in cases
    )
    for batch in _batches(c.pk for c in cases):
        Application.objects.filter(pk__in=batch).update(status=target, status_changed_at=now, updated_at=now)
    for case in cases:
        record_event(
            "case.status",
            actor=actor,
            organisation=case.organisation,
            target_type=CASE,
            target_ref=case.reference,
            origin=origin,
            detail={"from": case.status, "to": target},
        )
        case.status = target
    return len(cases)


def _void_passes(application_ids: Iterable[int]) -> int:
    """The passes not used yet of these families: a family moved or taken off a flight must not board it
    with the pass it was given (the gate engineer issues new ones for the new flight)."""
    return sum(
        BoardingPass.objects.filter(person__application_id__in=batch, state=BoardingPass.State.ISSUED).update(
            state=BoardingPass.State.VOID
        )
        for batch in _batches(application_ids)
    )


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


# -- allocation ------------------------------------------------------------------------------------------


def start_allocation(membership: Membership, *, origin: Origin = COMMAND) -> tuple[AllocationRun, bool]:
    """Queue a run for the worker. Returns (run, created): while one is queued or running, that one (a
    doubled click starts one run)."""
    _require(membership)
    organisation = membership.organisation
    with transaction.atomic():
        _lock_plan(organisation)
        active = _active_run(organisation)
        if active is not None:
            return active, False
        run = AllocationRun.objects.create(organisation=organisation, requested_by=membership.user)
        record_event(
            "allocation.start",
            actor=membership.user,
            organisation=organisation,
            target_type=ALLOCATION,
            target_ref=str(run.public_id),
            origin=origin,
        )
        from evac.flights.tasks import run_allocation

        transaction.on_commit(lambda: run_allocation.enqueue(run.pk))
    return run, True


def _active_run(organisation: Organisation) -> AllocationRun | None:
    active = AllocationRun.objects.filter(
        organisation=organisation, state__in=(AllocationRun.State.QUEUED, AllocationRun.State.RUNNING)
    ).first()
    if (
        active is not None
        and active.state == AllocationRun.State.RUNNING
        and active.created_at < timezone.now() - RUN_LOST_AFTER
    ):
        AllocationRun.objects.filter(pk=active.pk).update(
            state=AllocationRun.State.FAILED,
            failure="the worker running it stopped",
            finished_at=timezone.now(),
        )
        return None
    return active


def allocate_seats(
    organisation: Organisation,
    *,
    actor: User | None = None,
    origin: Origin = COMMAND,
    method: str = "rolling",
    time_limit: float = DEFAULT_TIME_LIMIT,
    bound: bool = True,
) -> AllocationRun:
    """Run the allocation now, in this process (`evac allocate_seats`, the tests). Raises ValidationError
    while another run is under way."""
    with transaction.atomic():
        _lock_plan(organisation)
        if _active_run(organisation) is not None:
            raise ValidationError(_("Another allocation is under way for this organisation."))
        run = AllocationRun.objects.create(
            organisation=organisation,
            requested_by=actor if actor is not None and actor.pk else None,
            state=AllocationRun.State.RUNNING,
        )
    return execute_run(run, origin=origin, method=method, time_limit=time_limit, bound=bound)


def _stage(run: AllocationRun, stage: str) -> None:
    AllocationRun.objects.filter(pk=run.pk).update(stage=stage)


def execute_run(
    run: AllocationRun,
    *,
    origin: Origin = COMMAND,
    method: str = "rolling",
    time_limit: float = DEFAULT_TIME_LIMIT,
    bound: bool = True,
    attempts: int = 2,
) -> AllocationRun:
    """Read the pool, allocate, write the answer. When the plan changed while it was computing (a planner
    pinned a family, a flight's capacity was edited), the answer is thrown away and the run starts over;
    after `attempts` it fails and says so: it never overwrites a decision it did not see."""
    organisation = run.organisation
    actor = run.requested_by
    try:
        for _attempt in range(attempts):
            _stage(run, "reading")
            pool = read_pool(organisation)
            groups = pool.groups()
            previous, notified = pool.previous(groups)
            _stage(run, "solving")
            result = allocate(
                groups,
                pool.engine_flights(),
                previous=previous,
                notified=notified,
                method=method,
                time_limit=time_limit,
                bound=bound,
            )
            _stage(run, "writing")
            try:
                with transaction.atomic():
                    _lock_plan(organisation)
                    if not pool.matches(read_pool(organisation)):
                        raise PlanChanged
                    _write(run, pool, groups, result, actor=actor, origin=origin)
            except PlanChanged:
                continue
            run.refresh_from_db()
            return run
        raise PlanChanged
    except (PlanChanged, AllocationInputError) as error:
        failure = (
            "the plan changed while the allocation ran: run it again"
            if isinstance(error, PlanChanged)
            else str(error)
        )
        _fail(run, failure)
    except Exception as error:
        _fail(run, type(error).__name__)
        raise
    run.refresh_from_db()
    return run


def _fail(run: AllocationRun, failure: str) -> None:
    AllocationRun.objects.filter(pk=run.pk).update(
        state=AllocationRun.State.FAILED, failure=failure[:300], finished_at=timezone.now(), stage=""
    )


def _write(
    run: AllocationRun,
    pool: Pool,
    groups: list,
    result: Allocation,
    *,
    actor: User | None,
    origin: Origin,
) -> None:
    by_reference = {case.reference: case for case in pool.cases.values()}
    flights = {f.pk: f for f in pool.flights}
    target: dict[int, int] = {}
    for group in groups:
        flight_id = result.placements.get(group.key)
        if flight_id is not None:
            for reference in group.members or (group.key,):
                target[by_reference[reference].id] = flight_id

    created, moved, removed = [], defaultdict(list), []
    for case_id in pool.cases:
        seat, new = pool.seats.get(case_id), target.get(case_id)
        if seat is None and new is not None:
            created.append(case_id)
        elif seat is not None and new is None:
            removed.append(case_id)
        elif seat is not None and new != seat.flight_id:
            moved[new].append(case_id)
    moved_ids = [case_id for ids in moved.values() for case_id in ids]
    notified_moved = [case_id for case_id in moved_ids + removed if pool.seats[case_id].notified]

    Placement.objects.bulk_create(
        Placement(application_id=case_id, flight_id=target[case_id]) for case_id in created
    )
    for flight_id, ids in moved.items():
        # Told about one flight, now on another: they must be told again (and given new passes).
        for batch in _batches(ids):
            Placement.objects.filter(application_id__in=batch).update(flight_id=flight_id, notified_at=None)
    stray_cases = []
    for batch in _batches(pool.stray):
        stray_cases += Placement.objects.filter(pk__in=batch).values_list("application_id", flat=True)
        Placement.objects.filter(pk__in=batch).delete()
    for batch in _batches(removed):
        Placement.objects.filter(application_id__in=batch).delete()
    voided = _void_passes(moved_ids + removed + stray_cases)

    # Only the cases whose status changes are loaded (the pool says which, and matches() checked it).
    to_schedule = [i for i in target if pool.cases[i].status == Status.APPROVED]
    to_unschedule = [i for i, c in pool.cases.items() if i not in target and c.status == Status.SCHEDULED]
    cases = {}
    for batch in _batches(to_schedule + to_unschedule):
        cases.update(
            (c.pk, c) for c in Application.objects.filter(pk__in=batch).select_related("organisation")
        )
    scheduled = [cases[i] for i in to_schedule]
    unscheduled = [cases[i] for i in to_unschedule]
    reference = str(run.public_id)[:8]
    _move_cases(
        scheduled,
        Status.SCHEDULED,
        reason=_("Placed on a flight by allocation {run}.").format(run=reference),
        actor=actor,
        origin=origin,
    )
    _move_cases(
        unscheduled,
        Status.APPROVED,
        reason=_("Left out by allocation {run}: waiting for a seat.").format(run=reference),
        actor=actor,
        origin=origin,
    )

    left_out = _left_out(pool, groups, result)
    changes = {
        "placed": len(created),
        "moved": len(moved_ids),
        "removed": len(removed) + len(stray_cases),
        "notified_moved": len(notified_moved),
        "passes_void": voided,
    }
    AllocationRun.objects.filter(pk=run.pk).update(
        state=AllocationRun.State.DONE,
        stage="",
        finished_at=timezone.now(),
        families_placed=len(target),
        people_placed=result.people_placed,
        families_left_out=len(left_out),
        objective=result.objective,
        lp_bound=result.lp_bound,
        gap=result.gap,
        solver=result.solver[:40],
        seconds=result.seconds,
        left_out=left_out,
        changes=changes,
        notes=list(result.notes),
    )
    ref = {case_id: case.reference for case_id, case in pool.cases.items()}
    record_event(
        "allocation.run",
        actor=actor,
        organisation=pool.organisation,
        target_type=ALLOCATION,
        target_ref=str(run.public_id),
        origin=origin,
        detail={
            **changes,
            "families_placed": len(target),
            "people_placed": result.people_placed,
            "left_out": len(left_out),
            "objective": round(result.objective, 3),
            "lp_bound": round(result.lp_bound, 3) if result.lp_bound is not None else None,
            "solver": result.solver,
            # Which families went where, by reference and flight: never a name.
            "placed_on": {ref[i]: str(flights[target[i]].public_id) for i in created},
            "moved_to": {ref[i]: str(flights[f].public_id) for f, ids in moved.items() for i in ids},
            "removed_refs": [ref[i] for i in removed],
        },
    )


def _left_out(pool: Pool, groups: list, result: Allocation) -> dict[str, str]:
    """Why each family left out was left out, by case reference, in the engine's words, made precise for
    linked families (the engine saw their group held)."""
    by_reference = {case.reference: case for case in pool.cases.values()}
    out = {}
    for group in groups:
        reason = result.left_out.get(group.key)
        if reason is None:
            continue
        for reference in group.members or (group.key,):
            case = by_reference[reference]
            if reason == Reason.HELD and case.id not in pool.holds:
                out[reference] = LINKED_WAITING if case.id in pool.waiting_links else LINKED_HELD
            else:
                out[reference] = str(reason)
    return out
