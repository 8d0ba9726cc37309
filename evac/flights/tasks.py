"""Allocation in the background: `evac db_worker` runs it, the flight board shows its progress."""

from django_tasks import task

from evac.audit.services import Origin
from evac.flights.models import AllocationRun
from evac.flights.services import execute_run


@task()
def run_allocation(run_id: int) -> dict:
    """Claim the run and do it. The claim is a conditional update, so a run enqueued twice runs once."""
    claimed = AllocationRun.objects.filter(pk=run_id, state=AllocationRun.State.QUEUED).update(
        state=AllocationRun.State.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    run = execute_run(
        AllocationRun.objects.select_related("organisation", "requested_by").get(pk=run_id),
        origin=Origin(channel="task"),
    )
    return {"state": run.state, "families_placed": run.families_placed, "people_placed": run.people_placed}
