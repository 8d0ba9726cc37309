import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.programs.models import Program

# A job keeps at most this many rejected rows; the total is kept beside them.
MAX_STORED_ERRORS = 1000


class ImportJob(models.Model):
    """One partner spreadsheet imported into a program, with its progress and its rejected rows.

    The file itself is kept only until the job finishes: uploaded personal data must not linger.
    Pages reach a job by public_id, never by its sequential id.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="import_jobs")
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    status = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # The uploader's language, so that the reasons for rejected rows read in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    applications_created = models.PositiveIntegerField(_("cases created"), default=0)
    applications_updated = models.PositiveIntegerField(_("cases updated"), default=0)
    applications_unchanged = models.PositiveIntegerField(_("cases unchanged"), default=0)
    persons_created = models.PositiveIntegerField(_("people created"), default=0)
    persons_updated = models.PositiveIntegerField(_("people updated"), default=0)
    persons_unchanged = models.PositiveIntegerField(_("people unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    # [{"line": 12, "column": "date de naissance", "reason": "..."}], the first MAX_STORED_ERRORS only.
    # Reasons never quote the cell: a rejected row's personal data must not outlive the file either.
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    errors_total = models.PositiveIntegerField(_("errors"), default=0)
    # Why the whole file failed (not a spreadsheet, missing columns...), for the job page.
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="import_org_recent")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_active(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
