"""Flights, the families placed on them, and each person's boarding pass.

The allocation engine (allocation.py and its siblings) is plain Python over dataclasses; these models are
what it reads from and writes to (evac/flights/services.py), and what the gate checks against.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.core import references
from evac.protection.fields import ProtectedField, ProtectedModel


class FlightStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BOARDING = "boarding", _("Boarding")
    DEPARTED = "departed", _("Departed")
    LANDED = "landed", _("Landed")
    CANCELLED = "cancelled", _("Cancelled")


class Flight(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="flights")
    call_sign = models.CharField(_("call sign"), max_length=20)
    aircraft = models.CharField(_("aircraft"), max_length=60)
    seats = models.PositiveIntegerField(_("seats"))
    medical_places = models.PositiveSmallIntegerField(_("medical places"), default=0)
    payload_kg = models.PositiveIntegerField(_("payload (kg)"), null=True, blank=True)
    departs_at = models.DateTimeField(_("departs at"))
    origin = models.CharField(_("origin"), max_length=60, default="Kabul (KBL)")
    destination = models.CharField(_("destination"), max_length=60)
    # Whom to call about the people on board, printed on the manifest: the operations centre that runs the
    # flight, never a relative left behind (a manifest that leaks would name them to those hunting them).
    emergency_contact = models.CharField(
        _("emergency contact"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who answers for the people on board while they fly, e.g. an operations centre and its number."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FlightStatus.choices, default=FlightStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # After departure: who boarded against the manifest (evac/flights/departure.py), by case reference.
    departure_report = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["departs_at", "call_sign"]
        indexes = [models.Index(fields=["organisation", "status", "departs_at"], name="flight_org_status")]
        verbose_name = _("flight")
        verbose_name_plural = _("flights")

    def __str__(self) -> str:
        return f"{self.call_sign} {self.departs_at:%Y-%m-%d %H:%M}"


class Placement(models.Model):
    """A case's family on a flight, as the last allocation (or a planner) put it.

    One row per case at most. `pinned` keeps it on this flight through re-runs; `notified_at` marks a
    family that was told (a re-run moves such families only when it must).
    """

    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, related_name="placement"
    )
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="placements")
    pinned = models.BooleanField(_("pinned"), default=False)
    placed_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.application_id} on {self.flight_id}"


class Hold(models.Model):
    """A planner holds a family back from allocation (a document to check, a medical escort to find)."""

    application = models.OneToOneField("cases.Application", on_delete=models.CASCADE, related_name="hold")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hold on {self.application_id}"


class FamilyLink(models.Model):
    """Families that must travel together (an elderly parent's case and a son's): allocation treats the
    linked cases as one group, at the priority of the most urgent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    a = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="family_link_once")]

    def __str__(self) -> str:
        return f"{self.a_id} with {self.b_id}"


class AllocationRun(models.Model):
    """One run of the allocation, with what it found, for the flight board and the audit."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="allocation_runs")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    families_placed = models.PositiveIntegerField(default=0)
    people_placed = models.PositiveIntegerField(default=0)
    families_left_out = models.PositiveIntegerField(default=0)
    objective = models.FloatField(null=True, blank=True)
    lp_bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    solver = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    # Why each family left out was left out: {application reference: reason}.
    left_out = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    # What the page shows while it runs: reading, solving, writing.
    stage = models.CharField(max_length=12, blank=True)
    # What the run changed: {"placed": n, "moved": n, "removed": n, "notified_moved": n, "passes_void": n}.
    changes = models.JSONField(default=dict, blank=True)
    # The engine's notes (a solver timeout, a bound that stopped early), for the planner.
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"allocation {self.public_id} ({self.state})"

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else self.gap * 100


class BoardingPass(models.Model):
    """One person's pass for one flight. The QR code carries a signed token naming this pass; the gate
    accepts each token once."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        BOARDED = "boarded", _("Boarded")
        REFUSED = "refused", _("Refused")
        VOID = "void", _("Void")  # the family was moved to another flight, or off the plan

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the agent types when the QR code will not scan (a cracked screen, a faded print): short, with a
    # check symbol that catches a mistyped character (evac/core/references.py).
    reference = models.CharField(
        _("pass reference"), max_length=references.LENGTH, unique=True, default=references.new_reference
    )
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="passes")
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="boarding_passes")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(auto_now_add=True)
    # The token's random part: a pass re-issued gets a new one, and the old token stops working.
    nonce = models.CharField(max_length=32)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gate = models.CharField(max_length=40, blank=True)
    refusal_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["flight", "person"],
                condition=~models.Q(state="void"),
                name="one_live_pass_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"pass {self.public_id} ({self.state})"


class FlightKey(ProtectedModel):
    """The flight's Ed25519 key, which signs its boarding passes' tokens.

    One per flight, so that a gate device holds only the public key of the flight it boards, a pass copied
    for one flight is worthless on another, and nothing signed for a flight outlives it. The private half
    is sealed with the organisation's data key like any protected field: `evac rotate_keys` re-seals it and
    `evac shred_org_keys` destroys it (see docs/decisions/013-boarding-pass-keys.md).
    """

    flight = models.OneToOneField(Flight, on_delete=models.CASCADE, related_name="signing_key")
    seed = ProtectedField(_("private key"), max_length=64)  # base64 of the 32-byte Ed25519 seed
    public_key = models.CharField(_("public key"), max_length=64)  # base64 of the 32-byte public key
    created_at = models.DateTimeField(auto_now_add=True)

    protected_by = "flight__organisation"

    def __str__(self) -> str:
        return f"key of flight {self.flight_id}"


class GateScan(models.Model):
    """One scan at the gate, as the agent's device recorded it: sent at once when online, at the next sync
    when not. Every scan is kept with what came of it, so that a conflict (the same pass boarded at two
    gates, a pass voided meanwhile) is reported and never lost."""

    class Action(models.TextChoices):
        BOARD = "board", _("Board")
        REFUSE = "refuse", _("Refuse")

    class Outcome(models.TextChoices):
        BOARDED = "boarded", _("Boarded")
        REFUSED = "refused", _("Refused")
        ALREADY_BOARDED = "already_boarded", _("Already boarded")
        VOID = "void", _("Pass void")
        REPLACED = "replaced", _("Pass replaced")
        FORGED = "forged", _("Not a valid pass")
        OTHER_FLIGHT = "other_flight", _("Pass for another flight")
        UNKNOWN = "unknown", _("Unknown pass")
        CLOSED = "closed", _("Flight closed")

    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="gate_scans")
    # The device's own id for the scan: a sync sent twice (a timeout, a retry) applies it once.
    client_id = models.UUIDField()
    boarding_pass = models.ForeignKey(
        BoardingPass, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.TextField(blank=True)
    gate = models.CharField(max_length=40, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offline = models.BooleanField(default=False)
    scanned_at = models.DateTimeField()  # on the device's clock when offline
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # What the scan ran into: {"kind": ..., "gate": ..., "at": ..., "by": ...}; empty when nothing.
    conflict = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["flight", "client_id"], name="gate_scan_once")]

    def __str__(self) -> str:
        return f"{self.action} {self.boarding_pass_id}: {self.outcome}"
