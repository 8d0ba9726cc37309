import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from evac.audit.models import AuditEvent, AuditHead
from evac.audit.services import ChainProblem, record_event, verify_chain


def _verify() -> ChainProblem | int:
    result: ChainProblem | int = 0
    for step in verify_chain(batch_size=3):
        result = step
    return result


def _events(n: int) -> list[AuditEvent]:
    return [record_event("test.event", actor=None, detail={"n": i}) for i in range(n)]


def _raw(sql: str, params=()) -> None:
    """Tamper behind the application's back, as someone with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.mark.django_db
def test_each_event_carries_the_hash_of_the_one_before():
    events = _events(5)
    assert events[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert AuditHead.objects.get().last_hash == events[-1].hash
    assert _verify() == 5


@pytest.mark.django_db
def test_an_altered_event_is_named():
    events = _events(7)
    _raw("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', events[4].pk])
    problem = _verify()
    assert isinstance(problem, ChainProblem)
    assert problem.event_id == events[4].pk
    assert "altered" in problem.reason


@pytest.mark.django_db
def test_a_removed_event_is_found():
    events = _events(7)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    problem = _verify()
    assert isinstance(problem, ChainProblem)
    assert problem.event_id == events[3].pk
    assert "removed" in problem.reason


@pytest.mark.django_db
def test_a_cut_off_tail_is_found():
    events = _events(5)
    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].pk])
    problem = _verify()
    assert isinstance(problem, ChainProblem)
    assert "ends early" in problem.reason


@pytest.mark.django_db
def test_python_refuses_to_change_or_remove_events():
    event = _events(1)[0]
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_postgresql_itself_refuses_updates_and_deletes():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; run with DATABASE_URL to check it")
    event = _events(1)[0]
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


@pytest.mark.django_db
def test_verify_audit_exits_zero_when_whole_and_names_the_bad_event(capsys):
    events = _events(4)
    call_command("verify_audit")
    assert "4 events verified" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET actor_name = 'someone else' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"event {events[1].pk}"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_an_empty_log_is_whole(capsys):
    call_command("verify_audit")
    assert "0 events verified" in capsys.readouterr().out
