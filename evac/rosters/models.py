import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation

# A job keeps at most this many rejected rows; the total is kept beside them.
MAX_STORED_ERRORS = 1000


class Employer(models.Model):
    """An employer whose local staff a program covers (the forces, an embassy, a contractor), and whose
    roster verifies the employment its former staff claim."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="employer_name_per_org")]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name


def role_choices():
    # cases.models imports this module (for Employer): read its roles only once both are loaded.
    from evac.cases.models import EmploymentRole

    return EmploymentRole.choices


class RosterImport(models.Model):
    """One roster file loaded for an employer, with its progress and its rejected rows (as ImportJob).

    The file is kept only until the job finishes; errors never quote a cell. Pages reach a job by
    public_id, never by its sequential id.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roster_imports")
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="imports"
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
    language = models.CharField(_("language"), max_length=8, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    entries_created = models.PositiveIntegerField(_("entries created"), default=0)
    entries_updated = models.PositiveIntegerField(_("entries updated"), default=0)
    entries_unchanged = models.PositiveIntegerField(_("entries unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    # [{"line": 12, "column": "matricule", "reason": "..."}], the first MAX_STORED_ERRORS only.
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    errors_total = models.PositiveIntegerField(_("errors"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="roster_import_org_recent")]

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


class RosterEntry(models.Model):
    """One person on an employer's roster, as the employer wrote them.

    Known by (employer, badge key): a roster sent again updates its entries instead of adding them. Names
    are kept as written, the birth date at the precision known (as Person keeps it), the role as written
    beside the role it resolves to. RosterKey holds the name keys that find an entry from a claim.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roster_entries")
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_number = models.CharField(_("badge number"), max_length=40)
    # The badge number with spaces, dashes and case taken out: "caf 0123" and "CAF-0123" are one badge.
    badge_key = models.CharField(max_length=40, editable=False)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    native_name = models.CharField(_("name in Perso-Arabic script"), max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("birth month"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=role_choices, blank=True)
    # The role as written when it matched none of the known roles (the role is then "other").
    role_as_written = models.CharField(_("role as written"), max_length=100, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    source = models.ForeignKey(
        RosterImport,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["badge_key", "id"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["employer", "badge_key"], name="roster_badge_per_employer"),
            models.CheckConstraint(
                condition=~(models.Q(given_name="") & models.Q(native_name="")),
                name="roster_entry_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_day__isnull=True) | models.Q(birth_month__isnull=False),
                name="roster_birth_day_needs_month",
            ),
        ]

    def __str__(self) -> str:
        return self.badge_number

    @property
    def full_name(self) -> str:
        latin = " ".join(part for part in (self.given_name, self.family_name) if part)
        return latin or self.native_name

    @property
    def birth_date_display(self) -> str:
        if not self.birth_year:
            return ""
        if not self.birth_month:
            return str(self.birth_year)
        if not self.birth_day:
            return f"{self.birth_year:04d}-{self.birth_month:02d}"
        return f"{self.birth_year:04d}-{self.birth_month:02d}-{self.birth_day:02d}"


class RosterKey(models.Model):
    """A name key of a roster entry (evac.rosters.matching.blocking_keys), so that a claim finds the
    entries worth comparing it with in one indexed query instead of reading the whole roster."""

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="keys")
    # The entry's employer again: the lookup is always within one employer's roster.
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)

    class Meta:
        # Named here because evac.rosters.records.write_keys inserts into it by name.
        db_table = "rosters_rosterkey"
        indexes = [models.Index(fields=["employer", "key"], name="roster_key_lookup")]

    def __str__(self) -> str:
        return self.key
