from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from evac.accounts.models import Organisation, User
from evac.audit.services import COMMAND, Origin, record_event
from evac.situation.models import Province, SituationEvent
from evac.situation.provinces import PROVINCES

DUPLICATE_WINDOW = timedelta(minutes=10)


def ensure_provinces(province_model=Province) -> None:
    """The 34 provinces are reference data every deployment needs, not demo data: the migration loads
    them, and so can anything that starts from an empty table (a test that flushed the database)."""
    for info in PROVINCES:
        province_model.objects.update_or_create(
            code=info.code,
            defaults={
                "name": info.name,
                "name_fr": info.name_fr,
                "name_fa": info.name_fa,
                "capital": info.capital,
                "tile_row": info.row,
                "tile_col": info.col,
            },
        )


def record_change(
    province: Province,
    *,
    status: str,
    occurred_on: date,
    source: str,
    note: str = "",
    actor: User | None,
    organisation: Organisation | None,
    origin: Origin = COMMAND,
) -> SituationEvent:
    """Record a change of a province's situation. A report about an earlier day fills in the history
    without overriding a later status; a current one re-ranks every case in the province."""
    from evac.ranking.tasks import rerank_province_task

    with transaction.atomic():
        province = Province.objects.select_for_update().get(pk=province.pk)
        recorder = actor if actor is not None and actor.pk else None
        # A doubled click, or two colleagues relaying the same report: one event.
        same = SituationEvent.objects.filter(
            province=province,
            status=status,
            occurred_on=occurred_on,
            source=source,
            recorded_by=recorder,
            recorded_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).first()
        if same is not None:
            return same
        event = SituationEvent.objects.create(
            province=province,
            status=status,
            occurred_on=occurred_on,
            source=source,
            note=note,
            recorded_by=recorder,
        )
        current = province.status_since is None or occurred_on >= province.status_since
        changed = current and province.status != status
        if current:
            province.status, province.status_since = status, occurred_on
            province.save(update_fields=["status", "status_since"])
        record_event(
            "situation.change",
            actor=actor,
            organisation=organisation,
            target_type="province",
            target_ref=province.code,
            origin=origin,
            detail={
                "status": status,
                "occurred_on": occurred_on.isoformat(),
                "source": source,
                "current": current,
            },
        )
        if changed:
            transaction.on_commit(lambda: rerank_province_task.enqueue(province.code))
    return event
