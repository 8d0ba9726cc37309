from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation


class Program(models.Model):
    """An organisation's scheme, e.g. Canada's special immigration measures for Afghans who assisted it.

    The detailed eligibility rules (employers, roles, months of service, family) become editable data
    with the eligibility work; here a program holds what every case needs to name it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programs")
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    people_cap = models.PositiveIntegerField(_("cap on people"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="program_slug_per_org")]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name
