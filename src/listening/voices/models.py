"""Voices: what was heard in a listening session, with the speaker's consent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from listening.people.models import PersonKind
from listening.programmes.content_languages import check_translations
from listening.programmes.models import Axis


class VoiceKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    TESTIMONY = "testimony", _("Testimony")
    RECOMMENDATION = "recommendation", _("Recommendation")


class VoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class VoiceLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class Voice(models.Model):
    session = models.ForeignKey(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="voices",
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("original language"), max_length=8, choices=VoiceLanguage.choices)
    # Per-language columns (translation_en, _fr, _es: django-modeltranslation, translation.py);
    # `text` stays the words as spoken, in `language`.
    translation = models.TextField(_("translation"), blank=True, default="")
    kind = models.CharField(
        _("kind"), max_length=20, choices=VoiceKind.choices, default=VoiceKind.QUOTE
    )
    speaker = models.ForeignKey(
        "people.Person",
        verbose_name=_("speaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voices",
        help_text=_("Leave empty for an anonymous voice, and give the kind of speaker and city."),
    )
    speaker_kind = models.CharField(_("kind of speaker"), max_length=30, choices=PersonKind.choices)
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voices",
    )
    themes = models.ManyToManyField(
        "programmes.Theme", verbose_name=_("themes"), related_name="voices", blank=True
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices, blank=True)
    recording_offset = models.DurationField(
        _("time in the recording"), null=True, blank=True, help_text=_("hh:mm:ss")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VoiceStatus.choices, default=VoiceStatus.DRAFT
    )
    attribution_consent = models.BooleanField(
        _("speaker agreed to be named with this voice"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("voice")
        verbose_name_plural = _("voices")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["session", "status"]),
            # Voices per city (the public "cities represented" page) without a table scan.
            models.Index(fields=["city", "status"], name="voices_voice_city_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text=""),
                name="voice_text_required",
                violation_error_message=_("A voice needs its text."),
            ),
            models.CheckConstraint(
                condition=~models.Q(attribution_consent=True, speaker__isnull=True),
                name="voice_attribution_needs_speaker",
                violation_error_message=_("An anonymous voice cannot be attributed."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not (self.text or "").strip():
            errors["text"] = _("A voice needs its text.")
        if self.speaker_id is None:
            if self.attribution_consent:
                errors["attribution_consent"] = _("An anonymous voice cannot be attributed.")
            if not self.city_id:
                errors["city"] = _("An anonymous voice needs the speaker's city.")
        elif self.attribution_consent and self.speaker and not self.speaker.consent_quoted:
            errors["attribution_consent"] = _(
                "The speaker has not agreed to be quoted by name: record their consent first."
            )
        if errors:
            raise ValidationError(errors)
        check_translations(self, self.session.programme if self.session_id else None)

    @property
    def is_attributed(self) -> bool:
        """Whether the speaker's name may be shown with this voice (both consents given)."""
        return bool(
            self.attribution_consent
            and self.speaker is not None
            and self.speaker.consent_quoted
            and self.speaker.consent_listed
        )
