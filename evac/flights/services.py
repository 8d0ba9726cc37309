"""Seat allocation in the database: the run, its answer written as placements and statuses, and the helpers
every change to the plan shares (evac/flights/planning.py for flights and the planner's decisions). Each
change runs in one transaction with its audit event, whoever asks (the pages, the API, `evac
allocate_seats`, the worker).

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
from evac.cases.workflow import Status, required_capability
from evac.flights.allocation import DEFAULT_TIME_LIMIT, Allocation, AllocationInputError, allocate
from evac.flights.models import (
    AllocationRun,
    BoardingPass,
    Placement,
)
from evac.flights.pool import LINKED_HELD, LINKED_WAITING, Pool, read_pool
from evac.flights.problem import Reason

logger = logging.getLogger(__name__)

CASE = "application"
ALLOCATION = "allocation"
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
