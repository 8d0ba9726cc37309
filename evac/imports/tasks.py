"""The background side of an upload: `evac db_worker` runs run_import_job for each queued job."""

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from evac.audit.services import Origin
from evac.imports.models import ImportJob
from evac.imports.services import execute_job

TASK = Origin(channel="task")


@task()
def run_import_job(job_id: int) -> dict:
    """Claim the job and run it. The claim is a conditional update, so a job enqueued twice, or picked
    up by two workers, runs once."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.State.QUEUED).update(
        status=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return {"skipped": True}
    job = ImportJob.objects.select_related("organisation", "program", "uploaded_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        summary = execute_job(job, origin=TASK)
    return summary.as_json() if summary is not None else {"failed": job.failure}
