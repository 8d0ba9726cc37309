"""Rotating, rewrapping and shredding keys. Each is a command an operator runs (see management/), audited."""

import time
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from evac.accounts.models import Organisation, User
from evac.audit.services import COMMAND, Origin, record_event
from evac.protection import keys
from evac.protection.fields import ProtectedValue, index_fields, protected_fields, seal
from evac.protection.models import DataKey

BATCH = 1000


def protected_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if protected_fields(model)]


def _rows_of(model: type[models.Model], organisation: Organisation):
    rows = model.objects.filter(**{model.protected_by: organisation})
    parent = model.protected_by.rsplit("__", 1)[0] if "__" in model.protected_by else None
    # organisation_id_of walks to the parent: fetch it in the same query rather than once per row.
    return rows.select_related(parent) if parent else rows


def _reseal_stale(model: type[models.Model], organisation: Organisation, active_id: int) -> int:
    """Re-encrypt, under the active key, every readable value of the model that is under another key (or
    still plaintext), with its blind indexes. Returns how many rows changed."""
    fields = protected_fields(model)
    write = [f.name for f in fields] + [f.name for f in index_fields(model)]
    changed_rows = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(_rows_of(model, organisation).filter(pk__gt=last).order_by("pk")[:BATCH])
            if not batch:
                return changed_rows
            last = batch[-1].pk
            stale = []
            for row in batch:
                touched = False
                for f in fields:
                    value = getattr(row, f.attname)
                    if _needs_resealing(value, active_id):
                        setattr(row, f.attname, str(value))  # plaintext again: seal() encrypts it anew
                        touched = True
                if touched:
                    stale.append(row)
            if stale:
                seal(stale)
                model.objects.bulk_update(stale, write)
                changed_rows += len(stale)


def _needs_resealing(value: str | None, active_id: int) -> bool:
    if isinstance(value, ProtectedValue):
        # Unreadable values stay as they are; readable ones move to the active key.
        return value.readable and keys.key_id_of(value.ciphertext) != active_id
    return bool(value)  # plaintext from before the column was protected


@dataclass
class Rotation:
    new_version: int
    retired_versions: list[int]
    rows: dict[str, int] = field(default_factory=dict)


def rotate_keys(
    organisation: Organisation,
    *,
    actor: User | None = None,
    origin: Origin = COMMAND,
    settle_seconds: float = keys.CACHE_SECONDS,
) -> Rotation:
    """Give the organisation a new data key, re-encrypt everything under it, and destroy the old keys.

    Safe to interrupt and run again: each value names its key, the old keys are destroyed only once
    nothing readable is left under them, and lookups use every live key in between. Values whose key was
    already destroyed stay as they are.
    """
    retired = list(
        DataKey.objects.filter(organisation=organisation)
        .exclude(state=DataKey.State.DESTROYED)
        .values_list("version", flat=True)
    )
    started = time.monotonic()
    record = keys.new_data_key(organisation.pk)
    rotation = Rotation(new_version=record.version, retired_versions=sorted(retired))

    def reseal() -> bool:
        changed = {m._meta.label: _reseal_stale(m, organisation, record.pk) for m in protected_models()}
        for label, count in changed.items():
            rotation.rows[label] = rotation.rows.get(label, 0) + count
        return any(changed.values())

    reseal()
    # Other processes hold the old key for up to CACHE_SECONDS and may seal with it until then: wait that
    # out, then sweep what they wrote, before any old key is destroyed.
    time.sleep(max(0.0, settle_seconds - (time.monotonic() - started)))
    for _sweep in range(3):
        if not reseal():
            break
    destroyed = _destroy(organisation, states=[DataKey.State.RETIRED])
    record_event(
        "protection.keys_rotated",
        actor=actor,
        organisation=organisation,
        origin=origin,
        detail={
            "new key version": rotation.new_version,
            "old versions destroyed": destroyed,
            "rows re-encrypted": rotation.rows,
        },
    )
    return rotation


def _destroy(organisation: Organisation, *, states: list[str]) -> list[int]:
    with transaction.atomic():
        doomed = DataKey.objects.select_for_update().filter(organisation=organisation, state__in=states)
        versions = sorted(doomed.values_list("version", flat=True))
        doomed.update(state=DataKey.State.DESTROYED, wrapped=b"", destroyed_at=timezone.now())
    keys.forget_keys()
    _purge_old_row_versions()
    return versions


def _purge_old_row_versions() -> None:
    """Make the database let go of the overwritten key bytes where it can. PostgreSQL keeps old row
    versions until a vacuum; SQLite keeps freed pages. (Backups and PostgreSQL's WAL still hold them:
    SECURITY.md says what that means for the deployment.)"""
    if connection.in_atomic_block:
        return  # a vacuum cannot run inside a transaction (the tests run in one)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM FULL protection_datakey")
        elif connection.vendor == "sqlite":
            cursor.execute("VACUUM")


def shred_organisation_keys(
    organisation: Organisation, *, actor: User | None = None, origin: Origin = COMMAND
) -> list[int]:
    """Destroy every data key of the organisation: its protected fields become unreadable for good.

    For an office about to be overrun. Names, statuses and the rest of the cases stay; documents, phones,
    emails and addresses do not. Other organisations are untouched. New data gets a new key on first use.
    """
    versions = _destroy(organisation, states=[DataKey.State.ACTIVE, DataKey.State.RETIRED])
    record_event(
        "protection.keys_shredded",
        actor=actor,
        organisation=organisation,
        origin=origin,
        detail={"key versions destroyed": versions},
    )
    return versions


def rewrap_data_keys(*, actor: User | None = None, origin: Origin = COMMAND) -> int:
    """Wrap every live data key with the current master key (after EVAC_MASTER_KEY changed and the old
    one went to EVAC_MASTER_KEY_PREVIOUS). The data is not re-encrypted: only the keys' wrapping changes."""
    master = keys.current_master()
    count = 0
    with transaction.atomic():
        stale = (
            DataKey.objects.select_for_update()
            .exclude(state=DataKey.State.DESTROYED)
            .exclude(master_fingerprint=master.fingerprint)
        )
        for record in stale:
            plain = keys.unwrap(record)
            record.wrapped = keys.wrap(plain, record.organisation_id, record.version, master)
            record.master_fingerprint = master.fingerprint
            record.save(update_fields=["wrapped", "master_fingerprint"])
            count += 1
        record_event(
            "protection.keys_rewrapped",
            actor=actor,
            origin=origin,
            detail={"data keys rewrapped": count, "master key": master.fingerprint},
        )
    keys.forget_keys()
    _purge_old_row_versions()
    return count
