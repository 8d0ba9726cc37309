import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation

# A file ready to download stays so for this long after it became ready, then must be asked for again.
DOWNLOAD_WINDOW = timedelta(hours=24)


class ExportRequest(models.Model):
    """One export asked for: which cases (frozen when asked), which columns, in which format, and who
    allowed it. The file itself is never stored: it is built from these references when downloaded.
    Pages reach a request by public_id, never by its sequential id."""

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        READY = "ready", _("Ready to download")
        REFUSED = "refused", _("Refused")
        DOWNLOADED = "downloaded", _("Downloaded")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (opens in Excel, UTF-8)")
        XLSX = "xlsx", _("Excel workbook (XLSX)")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="export_requests")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The case list's filters as they were posted ({"status": "approved", "q": "..."}): what was asked for.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The cases' references in the list's order, frozen when asked: a case added or moved later is not in it.
    references = models.JSONField(_("cases"), default=list)
    case_count = models.PositiveIntegerField(_("cases"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # Who approved or refused, when, and why (a reason is required to refuse).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # Set by the request form, so that a doubled click creates one request.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        indexes = [
            models.Index(fields=["organisation", "requested_by", "-created_at"], name="export_org_requester"),
            models.Index(fields=["organisation", "state"], name="export_org_state"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def ready_since(self) -> datetime | None:
        if self.state != self.State.READY:
            return None
        return self.decided_at or self.created_at

    @property
    def expires_at(self) -> datetime | None:
        ready = self.ready_since
        return ready + DOWNLOAD_WINDOW if ready else None

    def is_expired(self, now: datetime | None = None) -> bool:
        expires = self.expires_at
        return expires is not None and (now or timezone.now()) >= expires

    @property
    def is_downloadable(self) -> bool:
        return self.state == self.State.READY and not self.is_expired()
