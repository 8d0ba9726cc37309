import signal
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from evac.audit import tasks
from evac.audit.models import AuditVerification
from evac.audit.tests.test_audit_chain import _events, _raw

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def waiting() -> list[DBTaskResult]:
    return list(tasks.pending())


@pytest.fixture
def signals_restored():
    """The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.mark.django_db
def test_the_command_records_what_it_found():
    events = _events(3)
    call_command("verify_audit")
    whole = AuditVerification.objects.get()
    assert whole.ok and whole.events_checked == 3 and whole.channel == "command" and whole.problem == ""
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', events[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    broken = AuditVerification.objects.first()
    assert not broken.ok and broken.event_id == events[1].pk and broken.events_checked == 1
    assert (
        broken.problem == f"event {events[1].pk}: its content does not match its hash (the event was altered)"
    )


@pytest.mark.django_db
def test_ensure_scheduled_is_idempotent():
    first = tasks.ensure_scheduled()
    assert first is not None
    assert tasks.ensure_scheduled() is None
    assert tasks.ensure_scheduled() is None
    assert [str(t.id) for t in waiting()] == [first]


@pytest.mark.django_db
def test_the_next_run_is_a_day_after_the_last_verification():
    last = AuditVerification.objects.create(
        at=timezone.now() - timedelta(hours=2), events_checked=0, ok=True, channel="command"
    )
    tasks.ensure_scheduled()
    (scheduled,) = waiting()
    assert scheduled.run_after == last.at + timedelta(hours=24)


@pytest.mark.django_db
def test_an_overdue_verification_runs_at_once():
    AuditVerification.objects.create(
        at=timezone.now() - timedelta(hours=30), events_checked=0, ok=True, channel="command"
    )
    tasks.ensure_scheduled()
    (scheduled,) = waiting()
    assert scheduled in DBTaskResult.objects.ready()


@pytest.mark.django_db
def test_a_backend_that_keeps_no_schedule_is_left_alone(settings):
    settings.TASKS = IMMEDIATE
    assert tasks.ensure_scheduled() is None
    assert not AuditVerification.objects.exists()  # the immediate backend would have run it, and again


def test_evac_db_worker_is_the_one_that_schedules():
    assert get_commands()["db_worker"] == "evac.core"


@pytest.mark.django_db(transaction=True)
def test_the_worker_schedules_runs_and_reschedules_the_daily_task_which_records_a_broken_chain(
    signals_restored,
):
    events = _events(5)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    verification = AuditVerification.objects.get()
    assert verification.channel == "task" and not verification.ok
    assert verification.event_id == events[3].pk and "removed" in verification.problem
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value["ok"] is False
    # The run enqueued the next one, a day later: the batch worker left it waiting.
    (following,) = waiting()
    assert following.run_after == verification.at + timedelta(hours=24)


@pytest.mark.django_db
def test_a_run_that_crashes_still_schedules_the_next_an_hour_later(monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "run_verification", crash)
    before = timezone.now()
    with pytest.raises(RuntimeError):
        tasks.verify_audit_daily.call()
    (following,) = waiting()
    assert before + timedelta(minutes=59) < following.run_after < before + timedelta(minutes=61)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hours_ago", "ok", "warning", "shown"),
    [
        (None, None, "never been verified", None),
        (2, True, None, "the chain is whole (events checked: 3)"),
        (2, False, "found the chain broken at event 7", None),
        (37, True, "more than 36 hours ago", "(events checked: 3)"),
    ],
    ids=["never", "recent-and-whole", "broken", "too-old"],
)
def test_the_audit_page_shows_the_last_verification_and_warns(client, auditor, hours_ago, ok, warning, shown):
    if hours_ago is not None:
        AuditVerification.objects.create(
            at=timezone.now() - timedelta(hours=hours_ago),
            events_checked=3,
            ok=ok,
            problem="" if ok else "event 7: its content does not match its hash (the event was altered)",
            event_id=None if ok else 7,
            channel="task",
        )
    client.force_login(auditor)
    page = client.get(reverse("audit:log", kwargs={"org": "canada"})).content.decode()
    assert ('role="alert"' in page) == (warning is not None)
    if warning:
        assert warning in page
    if shown:
        assert shown in page


def test_the_warning_rule():
    now = timezone.now()
    fresh = AuditVerification(at=now - timedelta(hours=35), ok=True)
    assert tasks.last_verification_warning(fresh, now) == ""
    assert (
        tasks.last_verification_warning(AuditVerification(at=now - timedelta(hours=37), ok=True), now)
        == "stale"
    )
    assert tasks.last_verification_warning(AuditVerification(at=now, ok=False), now) == "failed"
    assert tasks.last_verification_warning(None, now) == "never"
