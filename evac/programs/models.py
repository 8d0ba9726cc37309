import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class Program(models.Model):
    """An organisation's scheme, e.g. Canada's special immigration measures for Afghans who assisted it,
    with its eligibility rules as data an org admin edits (evaluated by evac/programs/rules.py)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programs")
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    people_cap = models.PositiveIntegerField(
        _("cap on people"), null=True, blank=True, help_text=_("People the program can take in all.")
    )
    # Eligibility rules. Empty means "no requirement".
    eligible_employers = models.ManyToManyField(
        "rosters.Employer", verbose_name=_("eligible employers"), blank=True, related_name="+"
    )
    eligible_roles = models.JSONField(_("eligible roles"), default=list, blank=True)
    min_months_service = models.PositiveSmallIntegerField(
        _("minimum months of service"), null=True, blank=True
    )
    service_from = models.DateField(_("service window from"), null=True, blank=True)
    service_until = models.DateField(_("service window until"), null=True, blank=True)
    nationalities = models.JSONField(
        _("citizenship or residence required"),
        default=list,
        blank=True,
        help_text=_("For a program for the organisation's own nationals: the nationalities it covers."),
    )
    family_relationships = models.JSONField(_("relatives who count as family"), default=list, blank=True)
    max_child_age = models.PositiveSmallIntegerField(_("children up to the age of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="program_slug_per_org")]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name


class EligibilityRun(models.Model):
    """Re-checking a program's open cases after its rules changed, in the background, with progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="eligibility_runs")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.program_id} {self.state} {self.done}/{self.total}"


class EligibilityOverride(models.Model):
    """An officer's decision on one rule of one case, against what the rule found, with the reason."""

    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="eligibility_overrides"
    )
    rule = models.CharField(max_length=20)
    met = models.BooleanField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="one_override_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule}: {'met' if self.met else 'not met'}"
