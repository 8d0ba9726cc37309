"""Writing and checking the audit chain. Every service that changes data calls record_event itself,
inside its own transaction, so an event exists if and only if the change does."""

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evac.accounts.models import Organisation, User
from evac.audit.models import GENESIS_HASH, AuditEvent, AuditHead, AuditVerification


@dataclass(frozen=True)
class Origin:
    """Where an action came from: an address for web and API requests, a label for commands and tasks."""

    ip: str | None = None
    channel: str = "web"

    @classmethod
    def from_request(cls, request: HttpRequest | None) -> "Origin":
        if request is None:
            return cls(channel="command")
        # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
        raw = request.META.get("REMOTE_ADDR") or ""
        try:
            ip = ipaddress.ip_address(raw).compressed
        except ValueError:
            ip = None
        return cls(ip=ip, channel="web")


COMMAND = Origin(channel="command")


def record_event(
    action: str,
    *,
    actor: User | None,
    organisation: Organisation | None = None,
    target_type: str = "",
    target_ref: str = "",
    origin: Origin = COMMAND,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction when there is one."""
    with transaction.atomic():
        # The lock on the single head row serialises appends, so two events never share a predecessor.
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_name=(actor.get_username() if actor is not None and actor.pk else origin.channel),
            organisation=organisation,
            action=action,
            target_type=target_type,
            target_ref=target_ref,
            ip=origin.ip,
            detail={"channel": origin.channel, **(detail or {})},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_event_id = event.pk
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_event_id", "last_hash", "count"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    reason: str
    checked: int = 0  # events found sound before it


def verify_chain(batch_size: int = 5000) -> Iterator[int | ChainProblem]:
    """Walk the whole chain in order. Yields the number checked so far after each batch, and stops at the
    first problem, which it yields as a ChainProblem."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                yield ChainProblem(
                    event.pk, "does not follow the event before it (an event was removed)", checked
                )
                return
            if event.compute_hash() != event.hash:
                yield ChainProblem(
                    event.pk, "its content does not match its hash (the event was altered)", checked
                )
                return
            expected_prev = event.hash
            last_id = event.pk
            checked += 1
        yield checked
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if checked:
            yield ChainProblem(None, "the chain head is missing", checked)
        return
    if head.last_hash != expected_prev or head.count != checked:
        yield ChainProblem(
            head.last_event_id, "the chain ends early: events after the last one shown were removed", checked
        )


def run_verification(*, channel: str, progress: Callable[[int], None] | None = None) -> AuditVerification:
    """Walk the chain and record what was found, whoever asked (the command, the daily task)."""
    checked = 0
    problem: ChainProblem | None = None
    for step in verify_chain():
        if isinstance(step, ChainProblem):
            problem, checked = step, step.checked
            break
        checked = step
        if progress is not None:
            progress(checked)
    where = f"event {problem.event_id}" if problem and problem.event_id else "the chain"
    return AuditVerification.objects.create(
        at=timezone.now(),
        events_checked=checked,
        ok=problem is None,
        problem=f"{where}: {problem.reason}" if problem else "",
        event_id=problem.event_id if problem else None,
        channel=channel,
    )
