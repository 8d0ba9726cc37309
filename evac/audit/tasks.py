"""The audit chain, verified every day by the worker (`evac db_worker`), with no scheduler.

django-tasks has no periodic tasks, but its database backend keeps a task's run_after: each run records
its result and enqueues the next one 24 hours later. ensure_scheduled() starts the cycle (the worker calls
it as it starts, and so does `evac demo`) and restarts it if it was lost, for instance when the worker was
stopped during a run.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from evac.audit.models import AuditHead, AuditVerification
from evac.audit.services import run_verification

EVERY = timedelta(hours=24)
RETRY_AFTER = timedelta(hours=1)
# The audit page warns past this: a day and a half leaves room for a slow run or a restart, not a lost day.
STALE_AFTER = timedelta(hours=36)


@task()
def verify_audit_daily() -> dict:
    try:
        verification = run_verification(channel="task")
    finally:
        # Even a run that crashed schedules the next, an hour on (not at once, which would loop): one
        # failure must not end the daily check.
        ensure_scheduled(not_before=timezone.now() + RETRY_AFTER)
    return {
        "ok": verification.ok,
        "events_checked": verification.events_checked,
        "problem": verification.problem,
    }


def pending():
    """The daily verifications waiting to run, now or later (a running one is no longer waiting)."""
    return DBTaskResult.objects.filter(
        task_path=verify_audit_daily.module_path, status=TaskResultStatus.READY
    )


def next_run(now: datetime) -> datetime | None:
    """24 hours after the last verification, or at once (None) when that is past or there was none."""
    last = AuditVerification.objects.first()
    if last is None or last.at + EVERY <= now:
        return None
    return last.at + EVERY


def ensure_scheduled(*, not_before: datetime | None = None) -> str | None:
    """Enqueue the daily verification unless one is already waiting. Returns the new task's id, or None
    when nothing was enqueued (one is waiting, or the task backend keeps no schedule).

    Idempotent, also between two workers starting at once: the check and the enqueue happen under the
    lock of the audit chain's head row (one row, held for milliseconds).
    """
    if not isinstance(verify_audit_daily.get_backend(), DatabaseBackend):
        # The immediate backend would run it now and recurse, the dummy one forgets it: only a backend
        # that stores run_after keeps a daily schedule.
        return None
    with transaction.atomic():
        AuditHead.objects.select_for_update().get_or_create(pk=1)
        if pending().exists():
            return None
        now = timezone.now()
        when = next_run(now)
        if not_before is not None:
            when = max(when or now, not_before)
        scheduled = verify_audit_daily.using(run_after=when) if when else verify_audit_daily
        return str(scheduled.enqueue().id)


def last_verification_warning(last: AuditVerification | None, now: datetime) -> str:
    """Why the audit page should worry about the last verification: "never", "failed", "stale" or ""."""
    if last is None:
        return "never"
    if not last.ok:
        return "failed"
    if now - last.at > STALE_AFTER:
        return "stale"
    return ""
