"""Programmes of listening sessions, their themes, agendas and who took part."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.programmes.content_languages import check_translations


class Axis(models.TextChoices):
    """The three axes of the Pact for the Future."""

    PEOPLE = "people", _("People")
    PLANET = "planet", _("Planet")
    GOVERNMENT = "government", _("Government")


class SessionFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    PUBLISHED = "published", _("Published")


class Role(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    PARTICIPANT = "participant", _("Participant")
    PARTNER = "partner", _("Partner organisation")


LANGUAGE_CODES = {"en", "fr", "es", "ar", "pt", "ru", "zh", "ko", "de", "it", "tr"}


def validate_languages(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Languages must be a list of language codes."))
    unknown = sorted(set(value) - LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s."), params={"codes": ", ".join(unknown)}
        )


def default_programme_languages() -> list[str]:
    return ["en", "fr", "es"]


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    axis_people = models.TextField(_("people axis"), blank=True)
    axis_planet = models.TextField(_("planet axis"), blank=True)
    axis_government = models.TextField(_("government axis"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    languages = models.JSONField(
        _("languages"),
        default=default_programme_languages,
        validators=[validate_languages],
        help_text=_("The languages its content is published in."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def axes(self) -> list[tuple[str, str, str]]:
        """(value, label, description) for each axis of the Pact."""
        texts = {
            Axis.PEOPLE: self.axis_people,
            Axis.PLANET: self.axis_planet,
            Axis.GOVERNMENT: self.axis_government,
        }
        return [(axis.value, str(axis.label), texts[axis]) for axis in Axis]

    def clean(self) -> None:
        check_translations(self, self)


class Theme(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="theme_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_translations(self, self.programme if self.programme_id else None)


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a time zone: use an IANA name such as Africa/Johannesburg."),
            params={"value": value},
        ) from None


class ListeningSession(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="sessions")
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    format = models.CharField(_("format"), max_length=20, choices=SessionFormat.choices)
    languages = models.JSONField(_("languages"), default=list, validators=[validate_languages])
    summary = models.TextField(_("summary"), blank=True)
    recording_url = models.URLField(_("recording URL"), blank=True)
    venue_city = models.ForeignKey(
        "places.City",
        verbose_name=_("city of the venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("For a session held in person; add a missing city with the + button."),
    )
    venue_address = models.CharField(_("venue and address"), max_length=300, blank=True)
    online_url = models.URLField(
        _("link to join online"),
        blank=True,
        help_text=_(
            "The video call or stream that participants join. Shown on the session's page, "
            "unless registration is open for the session: then only registrants receive it."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )

    class Meta:
        verbose_name = _("listening session")
        verbose_name_plural = _("listening sessions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})
        check_translations(self, self.programme if self.programme_id else None)

    @property
    def local_timezone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class AgendaItem(models.Model):
    session = models.ForeignKey(
        ListeningSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    starts_at = models.TimeField(_("local time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_translations(self, self.session.programme if self.session_id else None)


class OutcomeDocument(models.Model):
    session = models.ForeignKey(
        ListeningSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="outcome_documents",
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="outcomes/", blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        ordering = ["session", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.url and not self.file:
            raise ValidationError(_("Give a link or upload a file."))


class Participation(models.Model):
    """A person or an organisation taking part in a session, in one role."""

    session = models.ForeignKey(
        ListeningSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["session", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, organisation__isnull=True)
                    | models.Q(person__isnull=True, organisation__isnull=False)
                ),
                name="participation_person_xor_organisation",
                violation_error_message=_("Choose either a person or an organisation."),
            ),
            models.UniqueConstraint(
                fields=["session", "person", "role"],
                condition=models.Q(person__isnull=False),
                name="participation_unique_person_role",
                violation_error_message=_("This person already has this role in the session."),
            ),
            models.UniqueConstraint(
                fields=["session", "organisation", "role"],
                condition=models.Q(organisation__isnull=False),
                name="participation_unique_organisation_role",
                violation_error_message=_(
                    "This organisation already has this role in the session."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.organisation} — {self.get_role_display()}"
