from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from listening.programmes.models import Theme
from listening.voices.models import Voice, VoiceStatus


@transaction.atomic
def voice_create(*, themes: Iterable[Theme] = (), **fields: Any) -> Voice:
    """Record a voice after validating every field (text, speaker or anonymous city, consent)."""
    voice = Voice(**fields)
    if voice.speaker is not None and not voice.speaker_kind:
        voice.speaker_kind = voice.speaker.kind
    if voice.speaker is not None and voice.city_id is None:
        voice.city = voice.speaker.city
    if voice.status == VoiceStatus.PUBLISHED and voice.published_at is None:
        voice.published_at = timezone.now()
    voice.full_clean()
    voice.save()
    voice.themes.set(list(themes))
    return voice


@transaction.atomic
def voice_set_status(*, voice: Voice, status: str) -> Voice:
    """Move a voice through draft → approved → published (or back)."""
    voice.status = status
    fields = ["status", "updated_at"]
    if status == VoiceStatus.PUBLISHED and voice.published_at is None:
        voice.published_at = timezone.now()
        fields.append("published_at")
    voice.full_clean()
    voice.save(update_fields=fields)
    return voice


def parse_offset(value: str | None) -> timedelta | None:
    """'01:02:03' or '02:03' into a timedelta; ValueError naming the value otherwise."""
    if not value:
        return None
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{value!r} is not a time offset: use hh:mm:ss.")
    numbers = [int(p) for p in parts]
    if len(numbers) == 2:
        numbers.insert(0, 0)
    hours, minutes, seconds = numbers
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"{value!r} is not a time offset: minutes and seconds go up to 59.")
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)
