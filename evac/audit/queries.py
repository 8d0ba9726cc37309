"""Which events an organisation's auditors see, and the log page's filters: one definition, so that the
page and the signed export can never disagree about what "these events" are."""

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from evac.accounts.models import Organisation
from evac.audit.models import AuditEvent
from evac.core import references


def events_for_organisation(organisation: Organisation) -> QuerySet[AuditEvent]:
    """The organisation's events, and the sign-ins of its members (those belong to no organisation)."""
    members = organisation.memberships.values("user_id")
    return AuditEvent.objects.filter(
        Q(organisation=organisation) | Q(organisation=None, actor_id__in=members)
    )


def filter_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Apply AuditFilterForm's cleaned data."""
    if filters.get("user"):
        events = events.filter(actor_name=filters["user"])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("record"):
        record = filters["record"]
        events = events.filter(
            target_ref=references.normalise(record) if references.is_valid(record) else record
        )
    zone = timezone.get_current_timezone()
    if filters.get("since"):
        events = events.filter(at__gte=datetime.combine(filters["since"], time.min, zone))
    if filters.get("until"):
        events = events.filter(at__lte=datetime.combine(filters["until"], time.max, zone))
    return events


def describe_filters(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as text, for a manifest and an audit event: every key present, empty when unused."""
    return {
        name: value.isoformat() if isinstance(value, date) else (value or "")
        for name, value in sorted(filters.items())
    }
