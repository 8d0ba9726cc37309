from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class Employer(models.Model):
    """An employer whose local staff a program covers (the forces, an embassy, a contractor).

    Its rosters, used to verify claimed employment, arrive with the verification work.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="employer_name_per_org")]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name
