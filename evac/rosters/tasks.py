"""The background side of a roster upload: `evac db_worker` runs run_roster_import for each queued job."""

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from evac.audit.services import Origin
from evac.rosters.importing import execute_roster_import
from evac.rosters.models import RosterImport

TASK = Origin(channel="task")


@task()
def run_roster_import(job_id: int) -> dict:
    """Claim the job and run it. The claim is a conditional update, so a job enqueued twice, or picked up by
    two workers, runs once."""
    claimed = RosterImport.objects.filter(pk=job_id, status=RosterImport.State.QUEUED).update(
        status=RosterImport.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"skipped": True}
    job = RosterImport.objects.select_related("organisation", "employer", "uploaded_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        summary = execute_roster_import(job, origin=TASK)
    return summary.as_json() if summary is not None else {"failed": job.failure}
