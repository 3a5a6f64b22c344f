from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from listening.places.names import city_name
from listening.places.regions import WorldRegion


class City(models.Model):
    """A city as GeoNames knows it; created only through places.services.city_add."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    region = models.CharField(_("world region"), max_length=20, choices=WorldRegion.choices)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    population = models.PositiveBigIntegerField(_("population"), default=0)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "country"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def local_name(self) -> str:
        """The name in the active language where CLDR has one (places/names.py), else name."""
        return city_name(self.name, self.timezone, get_language() or "en")
