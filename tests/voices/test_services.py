import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from listening.voices.models import Voice, VoiceStatus
from listening.voices.services import parse_offset, voice_create, voice_set_status
from tests.factories import (
    CityFactory,
    ListeningSessionFactory,
    PersonFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db


def test_voice_create_without_text_names_the_field():
    with pytest.raises(ValidationError) as excinfo:
        voice_create(
            session=ListeningSessionFactory(), text="  ", language="en", speaker=PersonFactory()
        )
    assert excinfo.value.message_dict["text"]
    assert not Voice.objects.exists()


def test_voice_empty_text_is_refused_by_database():
    voice = VoiceFactory()
    voice.text = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        voice.save()


def test_voice_create_takes_kind_and_city_from_speaker():
    speaker = PersonFactory(kind="political_leader")
    theme = ThemeFactory()
    voice = voice_create(
        session=ListeningSessionFactory(),
        text="Housing first.",
        language="en",
        speaker=speaker,
        themes=[theme],
        status=VoiceStatus.PUBLISHED,
    )
    assert voice.speaker_kind == "political_leader"
    assert voice.city == speaker.city
    assert voice.published_at is not None
    assert list(voice.themes.all()) == [theme]


def test_voice_create_anonymous_needs_city_and_kind():
    with pytest.raises(ValidationError) as excinfo:
        voice_create(session=ListeningSessionFactory(), text="Listen to us.", language="fr")
    assert set(excinfo.value.message_dict) >= {"city", "speaker_kind"}
    anonymous = voice_create(
        session=ListeningSessionFactory(),
        text="Écoutez-nous.",
        language="fr",
        speaker_kind="resident",
        city=CityFactory(),
    )
    assert anonymous.speaker is None
    assert not anonymous.is_attributed


def test_voice_create_attribution_without_speaker_consent_is_refused():
    speaker = PersonFactory(consent_quoted=False)
    with pytest.raises(ValidationError) as excinfo:
        voice_create(
            session=ListeningSessionFactory(),
            text="A quote.",
            language="en",
            speaker=speaker,
            attribution_consent=True,
        )
    assert "not agreed to be quoted" in excinfo.value.message_dict["attribution_consent"][0]


def test_voice_is_attributed_only_with_every_consent():
    voice = VoiceFactory(attribution_consent=True)
    assert voice.is_attributed
    voice.speaker.consent_quoted = False
    assert not voice.is_attributed
    assert not VoiceFactory(attribution_consent=False).is_attributed


def test_voice_set_status_publishing_stamps_once():
    voice = VoiceFactory(status=VoiceStatus.DRAFT, published_at=None)
    voice_set_status(voice=voice, status=VoiceStatus.PUBLISHED)
    stamped = voice.published_at
    assert stamped is not None
    voice_set_status(voice=voice, status=VoiceStatus.APPROVED)
    voice_set_status(voice=voice, status=VoiceStatus.PUBLISHED)
    voice.refresh_from_db()
    assert voice.published_at == stamped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:12:30", dt.timedelta(minutes=12, seconds=30)),
        ("5:07", dt.timedelta(minutes=5, seconds=7)),
        ("", None),
        (None, None),
    ],
)
def test_parse_offset_accepts_clock_times(text, expected):
    assert parse_offset(text) == expected


@pytest.mark.parametrize("text", ["12", "1:2:3:4", "00:61:00", "ab:cd"])
def test_parse_offset_rejects_malformed(text):
    with pytest.raises(ValueError, match="not a time offset"):
        parse_offset(text)
