"""Duplicate detection: the trained model, its runs, the pairs they found, and officers' decisions.

A pair is two people (in two different cases) the model scores as probably the same person. Officers
decide about the two *cases*: "same" merges them into one family case (reversibly: Application.merged_into),
"different" keeps them apart and the pair is never proposed again, "unsure" leaves it for later.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class DedupeModel(models.Model):
    """A trained Splink model of one organisation, saved with its parameters so that runs are repeatable."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dedupe_models")
    created_at = models.DateTimeField(auto_now_add=True)
    records = models.PositiveIntegerField(default=0)  # people it was trained on
    settings_json = models.JSONField(default=dict)  # Splink's own serialisation of the trained model
    review_threshold = models.FloatField(default=0.8)  # match probability at which a pair is shown
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_current=True), name="one_current_dedupe_model"
            )
        ]

    def __str__(self) -> str:
        return f"dedupe model {self.pk} of {self.organisation_id}"


class DedupeRun(models.Model):
    """One batch run, from the interface or `evac dedupe`, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dedupe_runs")
    model = models.ForeignKey(
        DedupeModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    engine = models.CharField(max_length=8, default="duckdb")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=40, blank=True)  # "reading", "training", "scoring", "saving"
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dedupe run {self.public_id} ({self.state})"


class PairState(models.TextChoices):
    OPEN = "open", _("To review")
    SAME = "same", _("Same family")
    DIFFERENT = "different", _("Different families")
    UNSURE = "unsure", _("Unsure")


class DuplicatePair(models.Model):
    """Two people in two cases the model scored as probably one person. application_a.pk < application_b.pk."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    application_a = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    application_b = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    person_a = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    # Per field, what the comparison found: {"father_name": {"level": "folded", "weight": 4.1}, ...}; the
    # review page turns it into plain words.
    evidence = models.JSONField(default=dict)
    run = models.ForeignKey(DedupeRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="found")
    state = models.CharField(max_length=10, choices=PairState.choices, default=PairState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "-match_probability"], name="pair_review_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.match_probability:.2f})"


class CasePairDecision(models.Model):
    """An officer's decision about two cases: it covers every pair of people between them, and a
    "different" decision keeps the two cases from being proposed again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    application_a = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    application_b = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=PairState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application_a", "application_b"], name="case_pair_decided_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_a_id} / {self.application_b_id}: {self.decision}"
