"""Re-checking a program's cases in the background: `evac db_worker` runs this."""

from django_tasks import task

from evac.programs.models import EligibilityRun
from evac.programs.services import execute_run


@task()
def run_eligibility(run_id: int) -> dict:
    """Claim the run and do it. The claim is a conditional update, so a run enqueued twice runs once."""
    claimed = EligibilityRun.objects.filter(pk=run_id, state=EligibilityRun.State.QUEUED).update(
        state=EligibilityRun.State.RUNNING
    )
    if not claimed:
        return {"skipped": True}
    run = execute_run(EligibilityRun.objects.select_related("program").get(pk=run_id))
    return {"checked": run.done, "changed": run.changed}
