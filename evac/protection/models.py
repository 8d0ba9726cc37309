from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class DataKey(models.Model):
    """An organisation's data key, kept only wrapped (AES-GCM) by the master key from the environment.

    One key is active per organisation; rotation makes a new one and retires the old once nothing is
    encrypted under it any more. Destroying a key empties `wrapped`: what it protected is unreadable.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        DESTROYED = "destroyed", _("Destroyed")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="data_keys")
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    wrapped = models.BinaryField(blank=True, editable=False)
    # Which master key wrapped it (the first bytes of its SHA-256), so a wrong EVAC_MASTER_KEY is named as
    # such rather than failing as "corrupt data".
    master_fingerprint = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="data_key_version"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(state="active"), name="one_active_data_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} v{self.version} ({self.state})"
