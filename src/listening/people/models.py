"""People and organisations (after Popolo), with the consent each person gave."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    REGIONAL_GOVERNMENT = "regional_government", _("Regional government")
    CITY_ASSOCIATION = "city_association", _("Association of cities")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL = "international", _("UN or international organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")


class PersonKind(models.TextChoices):
    POLITICAL_LEADER = "political_leader", _("Political leader")
    ACADEMIC_EXPERT = "academic_expert", _("Academic expert")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL = "international", _("International organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    RESIDENT = "resident", _("Resident")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo programme.")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title or role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PersonKind.choices)
    consent_listed = models.BooleanField(
        _("may be listed publicly"),
        default=False,
        help_text=_("Without this consent the person appears on no public page, export or API."),
    )
    consent_quoted = models.BooleanField(
        _("may be quoted by name"),
        default=False,
        help_text=_("Without this consent their voices are shown anonymously."),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Made up for the demo programme.")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        indexes = [models.Index(fields=["consent_listed", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(consent_quoted=True, consent_listed=False),
                name="person_quoted_implies_listed",
                violation_error_message=_(
                    "A person who may be quoted by name must also agree to be listed."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name
