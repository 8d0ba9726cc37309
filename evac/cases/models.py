import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.cases.workflow import Status
from evac.core import references
from evac.programs.models import Program
from evac.protection.fields import BlindIndexField, ProtectedField, ProtectedModel
from evac.rosters.models import Employer
from evac.situation.models import Province


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    STAFF = "staff", _("Staff")


class Relationship(models.TextChoices):
    SELF = "self", _("Principal applicant")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")


class EmploymentRole(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreter")
    COOK = "cook", _("Cook")
    DRIVER = "driver", _("Driver")
    CLEANER = "cleaner", _("Cleaner")
    CONSTRUCTION_WORKER = "construction_worker", _("Construction worker")
    SECURITY_GUARD = "security_guard", _("Security guard")
    EMBASSY_STAFF = "embassy_staff", _("Embassy staff")
    OTHER = "other", _("Other")


class VerificationState(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Application(ProtectedModel):
    """A case: one family's application to one program.

    principal_name, family_size and search_text are kept by cases.services.refresh_family_summary so that
    the case list, at a million cases, reads one table and never joins the people.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(
        _("reference"), max_length=references.LENGTH, unique=True, default=references.new_reference
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    priority = models.IntegerField(_("priority"), default=0)
    # The part of the priority that does not depend on the province (evac/ranking/score.py): a province
    # falling rewrites priority = priority_base + its points in one UPDATE.
    priority_base = models.IntegerField(default=0, editable=False)
    priority_explanation = models.JSONField(_("priority explanation"), default=list, blank=True)
    # The program's rules as last checked (evac/programs/rules.py): None while something is not known.
    eligible = models.BooleanField(_("eligible"), null=True, blank=True, editable=False)
    eligibility = models.JSONField(default=dict, blank=True, editable=False)  # rule -> met
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.STAFF)
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("current province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A province as a partner's sheet or the applicant wrote it, kept when it could not be told for sure.
    province_as_written = models.CharField(_("province as written"), max_length=100, blank=True)
    district = models.CharField(_("current district"), max_length=100, blank=True)
    # Where the family is staying now: the one field here that could lead someone to their door.
    address = ProtectedField(_("current address"), max_length=300, blank=True)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    # Why a person should look at this case before trusting it: "province_unresolved", "employer_unknown",
    # "role_unknown", "placeholder_birth_date"... Set by intake, cleared by whoever checks.
    review_flags = models.JSONField(_("to review"), default=list, blank=True)
    # The language the applicant chose, for messages to them (en, fr, fa, ps).
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The applicant's secret for the public status page, hashed like a password; empty for staff cases.
    applicant_secret_hash = models.CharField(max_length=200, blank=True, editable=False)
    principal_name = models.CharField(_("principal applicant"), max_length=300, blank=True)
    family_size = models.PositiveSmallIntegerField(_("family size"), default=0)
    search_text = models.TextField(blank=True, editable=False)
    # Found to be the same family as another case (evac/dedupe): this one is folded into that one, and
    # leaves the lists and queues while it is; undoing the decision clears it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases", editable=False
    )
    # Set by the form or API client that created the case, so that a doubled submission creates one case.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["organisation", "-priority", "created_at"], name="case_org_priority"),
            models.Index(fields=["organisation", "created_at"], name="case_org_age"),
            models.Index(
                fields=["organisation", "status", "-priority", "created_at"], name="case_org_status"
            ),
            models.Index(fields=["organisation", "province", "-priority"], name="case_org_province"),
            models.Index(fields=["organisation", "program", "-priority"], name="case_org_program"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="case_source_ref_per_org",
            )
        ]

    # Whose data key protects this row's protected fields (evac/protection).
    protected_by = "organisation"

    def __str__(self) -> str:
        return self.display_reference

    @property
    def display_reference(self) -> str:
        return references.display(self.reference)


class Person(ProtectedModel):
    """A member of an application's family, with names as people really have them.

    Many Afghans have one name and no family name; the father's (and grandfather's) name identifies a
    person, as on the tazkira. A birth date is often known only to the year, so it is kept in parts.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="people")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    relationship = models.CharField(_("relationship"), max_length=8, choices=Relationship.choices)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=100, blank=True)
    native_name = models.CharField(_("name in Perso-Arabic script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("birth month"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("birth day"), null=True, blank=True)
    # Encrypted at rest under the organisation's data key; found by their blind indexes (evac/protection).
    tazkira_number = ProtectedField(_("tazkira number"), kind="document", max_length=40, blank=True)
    passport_number = ProtectedField(_("passport number"), kind="document", max_length=40, blank=True)
    nationality = models.CharField(_("nationality"), max_length=40, blank=True)
    phone = ProtectedField(_("phone"), kind="phone", max_length=40, blank=True)
    email = ProtectedField(_("email"), kind="email", max_length=254, blank=True)
    tazkira_index = BlindIndexField(source="tazkira_number")
    passport_index = BlindIndexField(source="passport_number")
    phone_index = BlindIndexField(source="phone")
    email_index = BlindIndexField(source="email")
    medical_needs = models.TextField(_("medical needs"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(given_name="") & models.Q(native_name="")),
                name="person_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_day__isnull=True) | models.Q(birth_month__isnull=False),
                name="person_birth_day_needs_month",
            ),
            # An import's person_ref identifies its row again on re-import.
            models.UniqueConstraint(
                fields=["application", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="person_source_ref_per_case",
            ),
        ]

    protected_by = "application__organisation"

    def __str__(self) -> str:
        return self.full_name

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


class Employment(models.Model):
    """A period of work for an employer the program covers, as the applicant claims it.

    A verifier confirms it against the employer's roster (evac/rosters): `roster_entry` is then the entry
    it was matched to, and `match_probability` how sure the matching was when the verifier confirmed.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="employments")
    # The verifier's page names a claim by this, never by its sequential id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="employments"
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The employer as written by the applicant or the partner's sheet, kept even when it resolves.
    employer_name = models.CharField(_("employer as written"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=EmploymentRole.choices)
    # The role as written when it matched none of the known roles (the role is then "other").
    role_as_written = models.CharField(_("role as written"), max_length=100, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    # The number on the badge or in the employer's list, as the applicant gives it: a claim, checked
    # against the roster like the rest (a forged letter can carry a real colleague's number).
    badge_number = models.CharField(_("badge number"), max_length=40, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=VerificationState.choices,
        default=VerificationState.UNVERIFIED,
    )
    roster_entry = models.ForeignKey(
        "rosters.RosterEntry",
        verbose_name=_("roster entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why a claim was rejected, in the verifier's words.
    verification_reason = models.TextField(_("reason"), blank=True)
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        indexes = [models.Index(fields=["role", "application"], name="employment_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.employer_name})"

    def reopen(self) -> bool:
        """Back to unverified, unlinked: the claim changed after a verifier decided on it, and the decision
        vouched for what it was. Returns whether there was a decision to undo."""
        decided = self.verification != VerificationState.UNVERIFIED or self.roster_entry_id is not None
        self.verification = VerificationState.UNVERIFIED
        self.roster_entry = None
        self.verified_by = None
        self.verified_at = None
        self.verification_reason = ""
        self.match_probability = None
        return decided

    @property
    def months(self) -> int | None:
        if not self.start:
            return None
        end = self.end or timezone.localdate()
        return max(0, (end.year - self.start.year) * 12 + end.month - self.start.month)


# What a verifier's decision vouches for: a change to any of these reopens the claim (Employment.reopen).
CLAIM_FIELDS = ("person_id", "employer_id", "badge_number", "role", "start", "end")
DECISION_FIELDS = (
    "verification",
    "roster_entry",
    "verified_by",
    "verified_at",
    "verification_reason",
    "match_probability",
)


class StatusChange(models.Model):
    """One move of an application's status: who, when, from what, to what, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
