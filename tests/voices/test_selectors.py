import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listening.people.models import PersonKind
from listening.places.regions import WorldRegion
from listening.programmes.models import Axis
from listening.voices.models import VoiceStatus
from listening.voices.selectors import (
    VoiceFilters,
    search_index_repair,
    search_terms,
    speaker_display,
    voice_list,
    voice_published,
    voice_search,
)
from tests.factories import (
    CityFactory,
    ListeningSessionFactory,
    PersonFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '""',
    "'",
    'water" OR 1=1 --',
    "NEAR(water shade)",
    "water AND NOT shade",
    "text:water",
    "^water*",
    "(((",
    "'; DROP TABLE voices_voice; --",
    "<script>alert(1)</script>",
    "-",
    "*",
    "\\",
    "%",
    "_",
    "ü" * 500,
]


def test_voice_list_shows_only_published_voices():
    published = VoiceFactory()
    VoiceFactory(status=VoiceStatus.DRAFT)
    VoiceFactory(status=VoiceStatus.APPROVED)
    assert list(voice_list(VoiceFilters())) == [published]


def test_voice_search_finds_words_and_word_beginnings():
    shade = VoiceFactory(text="We need shaded public space in every neighbourhood.")
    VoiceFactory(text="Buses should run at night.")
    assert list(voice_search("shade")) == [shade]
    assert list(voice_search("PUBLIC space")) == [shade]
    assert list(voice_search("public night")) == []


def test_voice_search_ignores_accents_on_sqlite_and_matches_them_exactly_elsewhere():
    voice = VoiceFactory(text="La economía del barrio depende del mercado.")
    assert list(voice_search("economía")) == [voice]


def test_voice_search_follows_text_changes():
    voice = VoiceFactory(text="Original words")
    voice.text = "Rewritten sentence"
    voice.save(update_fields=["text"])
    assert list(voice_search("rewritten")) == [voice]
    assert list(voice_search("original")) == []
    voice.delete()
    assert list(voice_search("rewritten")) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_voice_search_with_operators_or_quotes_does_not_fail(query):
    VoiceFactory(text="water and shade")
    assert isinstance(list(voice_search(query)), list)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_voice_search_with_any_text_does_not_fail(query):
    list(voice_search(query))


def test_search_terms_keeps_words_only():
    assert search_terms('water" OR shade*') == ["water", "or", "shade"]
    assert search_terms("") == []
    assert len(search_terms("a " * 50)) == 8


def test_voice_list_filters_by_region_country_and_kind_of_speaker():
    durban = CityFactory(name="Durban", country="ZA", region=WorldRegion.AFRICA)
    lyon = CityFactory(name="Lyon", country="FR", region=WorldRegion.EUROPE)
    in_durban = VoiceFactory(city=durban, speaker_kind=PersonKind.RESIDENT)
    in_lyon = VoiceFactory(city=lyon, speaker_kind=PersonKind.ACADEMIC_EXPERT)
    assert list(voice_list(VoiceFilters(region=WorldRegion.AFRICA))) == [in_durban]
    assert list(voice_list(VoiceFilters(country="FR"))) == [in_lyon]
    assert list(voice_list(VoiceFilters(speaker_kind=PersonKind.RESIDENT))) == [in_durban]


def test_voice_list_filters_by_theme_session_and_axis_with_session_fallback():
    theme = ThemeFactory()
    planet_session = ListeningSessionFactory(axis=Axis.PLANET)
    themed = VoiceFactory(themes=[theme], axis=Axis.PEOPLE)
    inherits = VoiceFactory(session=planet_session, axis="")
    assert list(voice_list(VoiceFilters(theme=theme.slug))) == [themed]
    assert list(voice_list(VoiceFilters(session=planet_session.slug))) == [inherits]
    assert list(voice_list(VoiceFilters(axis=Axis.PLANET))) == [inherits]


def test_voice_list_combines_search_and_filters():
    lyon = CityFactory(name="Lyon", country="FR", region=WorldRegion.EUROPE)
    wanted = VoiceFactory(city=lyon, text="Trees for shade")
    VoiceFactory(text="Trees for shade")
    assert list(voice_list(VoiceFilters(q="trees", country="FR"))) == [wanted]


def test_voice_published_hides_drafts():
    draft = VoiceFactory(status=VoiceStatus.DRAFT)
    assert voice_published(draft.pk) is None


def test_speaker_display_names_an_attributed_speaker():
    voice = VoiceFactory(speaker=PersonFactory(name="Ana Souza"))
    assert speaker_display(voice) == "Ana Souza"


def test_speaker_display_without_attribution_consent_is_anonymous():
    city = CityFactory(name="Durban")
    voice = VoiceFactory(
        speaker=PersonFactory(name="Secret Name", city=city),
        attribution_consent=False,
        speaker_kind=PersonKind.CIVIL_SOCIETY,
    )
    assert speaker_display(voice) == "A civil society participant from Durban"


def test_speaker_display_when_speaker_withdrew_listing_is_anonymous():
    person = PersonFactory(name="Secret Name")
    voice = VoiceFactory(speaker=person)
    person.consent_listed = False
    person.consent_quoted = False
    person.save()
    voice.refresh_from_db()
    assert "Secret Name" not in speaker_display(voice)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_search_index_repair_restores_dropped_triggers():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER voices_voice_fts_insert")
    voice_while_broken = VoiceFactory(text="Lanterns everywhere")
    assert search_index_repair() is True
    assert list(voice_search("lanterns")) == [voice_while_broken]
    later = VoiceFactory(text="Lanterns again")
    assert set(voice_search("lanterns")) == {voice_while_broken, later}
    assert search_index_repair() is False
