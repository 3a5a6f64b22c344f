"""Voices in spreadsheets (docs/data.md): a row with an empty ``id`` is a new voice, a row
with an id updates that voice. The same text twice in a session is refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields

from listening.dataio.resources import ListeningResource
from listening.dataio.widgets import CityWidget, OffsetWidget, SlugWidget, ThemesWidget, YesNoWidget
from listening.people.models import Person
from listening.programmes.models import ListeningSession
from listening.voices.models import Voice, VoiceStatus
from listening.voices.selectors import speaker_display


class VoiceResource(ListeningResource):
    required_columns = ("session", "text", "language")
    unique_columns = ("id",)
    session = fields.Field(
        attribute="session",
        column_name="session",
        widget=SlugWidget(ListeningSession, "session"),
    )
    speaker = fields.Field(
        attribute="speaker", column_name="speaker", widget=SlugWidget(Person, "person")
    )
    city = fields.Field(attribute="city", column_name="city", widget=CityWidget())
    themes = fields.Field(attribute="themes", column_name="themes", widget=ThemesWidget())
    recording_offset = fields.Field(
        attribute="recording_offset", column_name="recording_offset", widget=OffsetWidget()
    )
    attribution_consent = fields.Field(
        attribute="attribution_consent", column_name="attribution_consent", widget=YesNoWidget()
    )

    class Meta(ListeningResource.Meta):
        model = Voice
        fields: tuple[str, ...] = (
            "id",
            "session",
            "text",
            "language",
            "kind",
            "speaker",
            "speaker_kind",
            "city",
            "themes",
            "axis",
            "recording_offset",
            "status",
            "attribution_consent",
        )
        import_id_fields = ("id",)

    def import_instance(self, instance: Voice, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            ThemesWidget().clean(row.get("themes"), row=row)
        except ValueError as exc:
            errors["themes"] = [str(exc)]
        # What voices.services.voice_create fills in: the speaker's kind and city.
        if instance.speaker is not None:
            instance.speaker_kind = instance.speaker_kind or instance.speaker.kind
            if instance.city_id is None:
                instance.city = instance.speaker.city
        if instance.session_id and instance.text and "text" not in errors:
            same = Voice.objects.filter(session_id=instance.session_id, text=instance.text.strip())
            if instance.pk:
                same = same.exclude(pk=instance.pk)
            if same.exists():
                errors["text"] = [
                    f"This session already has this voice (id {same.first().pk}): "  # type: ignore[union-attr]
                    "give that id to update it."
                ]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance: Voice, row: Any, **kwargs: Any) -> None:
        if instance.status == VoiceStatus.PUBLISHED and instance.published_at is None:
            instance.published_at = timezone.now()
        super().before_save_instance(instance, row, **kwargs)


class PublicVoiceResource(VoiceResource):
    """Published voices only (the export filters them); the speaker is named only when the
    voice may be attributed, otherwise described ("A resident from Durban")."""

    class Meta(VoiceResource.Meta):
        fields: tuple[str, ...] = (
            "id",
            "session",
            "text",
            "language",
            "kind",
            "speaker",
            "speaker_kind",
            "city",
            "themes",
            "axis",
            "recording_offset",
        )

    def dehydrate_speaker(self, voice: Voice) -> str:
        if voice.is_attributed and voice.speaker is not None:
            return voice.speaker.slug
        return str(speaker_display(voice))
