import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation

GENESIS_HASH = "0" * 64


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Reads of personal data included.

    Each event carries the hash of the one before it, so removing or altering any event breaks the chain
    (evac verify_audit). The log names records by their public reference and lists the fields that
    changed, never their values: personal data must not outlive its record in an undeletable log.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("record type"), max_length=32, blank=True)
    target_ref = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_at")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())

    def canonical(self) -> str:
        """The event's content as one stable string: what the hash covers."""
        return json.dumps(
            {
                "at": self.at.isoformat(timespec="microseconds"),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "organisation": self.organisation_id,
                "action": self.action,
                "target_type": self.target_type,
                "target_ref": self.target_ref,
                "ip": self.ip,
                "detail": self.detail,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )


class AuditHead(models.Model):
    """The chain's last link, one row. Locking it serialises appends; it also shows a cut-off tail."""

    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.count} events, last {self.last_hash[:12]}"


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical).encode()).hexdigest()


class AuditVerification(models.Model):
    """One walk of the whole chain (`evac verify_audit`, or the daily task) and what it found. The audit
    page shows the last one, and warns when it failed or is too old: a check nobody runs proves nothing."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    events_checked = models.BigIntegerField(_("events checked"), default=0)
    ok = models.BooleanField(_("chain whole"))
    problem = models.TextField(_("problem"), blank=True)
    event_id = models.BigIntegerField(_("first bad event"), null=True, blank=True)
    channel = models.CharField(_("run by"), max_length=16)  # "command" or "task"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit verification")
        verbose_name_plural = _("audit verifications")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'} {self.events_checked} events"
