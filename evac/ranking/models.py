from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class PriorityWeights(models.Model):
    """An organisation's weights for the priority score (see evac/ranking/weights.py for the keys)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="priority_weights"
    )
    weights = models.JSONField(_("weights"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("priority weights")
        verbose_name_plural = _("priority weights")

    def __str__(self) -> str:
        return f"weights of {self.organisation_id}"
