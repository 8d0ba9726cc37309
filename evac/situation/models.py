from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceStatus(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CONTESTED = "contested", _("Contested")
    FALLEN = "fallen", _("Fallen")


class Province(models.Model):
    """One of the 34 provinces, keyed by its ISO 3166-2:AF code. The situation is shared by all tenants."""

    code = models.CharField(_("ISO code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_fr = models.CharField(_("French name"), max_length=60)
    name_fa = models.CharField(_("Dari name"), max_length=60)
    capital = models.CharField(_("capital"), max_length=60)
    tile_row = models.PositiveSmallIntegerField(_("tile row"))
    tile_col = models.PositiveSmallIntegerField(_("tile column"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProvinceStatus.choices, default=ProvinceStatus.GOVERNMENT
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class SituationEvent(models.Model):
    """A change of a province's situation, with when it happened and who says so."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=ProvinceStatus.choices)
    occurred_on = models.DateField(_("occurred on"))
    source = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        verbose_name = _("situation event")
        verbose_name_plural = _("situation events")

    def __str__(self) -> str:
        return f"{self.province_id} {self.status} {self.occurred_on}"
