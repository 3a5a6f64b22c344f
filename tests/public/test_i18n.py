import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from listening.people.models import PersonKind
from listening.public.templatetags.public import number
from tests.factories import CityFactory, ListeningSessionFactory, PersonFactory, VoiceFactory

PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalog_translates_every_message(language):
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(path))
    assert catalog.percent_translated() == 100
    assert not catalog.fuzzy_entries()
    for entry in catalog:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert (
                sorted(PLACEHOLDER.findall(text)) == sorted(set(PLACEHOLDER.findall(entry.msgid)))
                or entry.msgid_plural
            ), entry.msgid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "heading"),
    [
        ("", "en", "The voices we heard"),
        ("/fr", "fr", "Les paroles que nous avons entendues"),
        ("/es", "es", "Las voces que escuchamos"),
    ],
)
def test_voice_index_in_each_language(client, prefix, lang, heading):
    page = client.get(f"{prefix}/voices/").content.decode()
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert 'hreflang="fr" href="/fr/voices/"' in page
    assert 'hreflang="en" href="/voices/"' in page


@pytest.mark.django_db
def test_choice_labels_are_translated(client):
    page = client.get("/es/voices/").content.decode()
    assert "Oriente Medio y Asia Occidental" in page
    assert "Sociedad civil" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("fr", "/fr/voices/"), ("es", "/es/voices/")])
def test_language_switch_redirects_to_the_same_page(client, language, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/voices/"})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "language", "expected"),
    [
        ("/fr/cities/", "en", "/cities/"),
        ("/fr/cities/?x=1", "es", "/es/cities/?x=1"),
        ("/es/voices/", "fr", "/fr/voices/"),
    ],
)
def test_language_switch_from_a_translated_page(client, page, language, expected):
    html = client.get(page).content.decode()
    [next_url] = re.findall(r'<input name="next" type="hidden" value="([^"]*)">', html)
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "12,345"), ("fr", "12\xa0345"), ("es", "12\xa0345")]
)
def test_number_is_grouped_per_language(language, expected):
    with translation.override(language):
        assert number(12345) == expected


@pytest.mark.django_db
def test_session_dates_are_written_in_the_language_of_the_page(client):
    starts = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    session = ListeningSessionFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), timezone="UTC"
    )
    assert "10 mars 2026" in client.get(f"/fr/sessions/{session.slug}/").content.decode()
    assert "10 de marzo de 2026" in client.get(f"/es/sessions/{session.slug}/").content.decode()
    assert "March 10, 2026" in client.get(f"/sessions/{session.slug}/").content.decode()


@pytest.mark.django_db
def test_anonymous_speaker_is_described_in_the_language_of_the_page(client):
    voice = VoiceFactory(
        speaker=PersonFactory(city=CityFactory(name="Durban")),
        attribution_consent=False,
        speaker_kind=PersonKind.CIVIL_SOCIETY,
    )
    page = client.get(f"/fr/voices/{voice.pk}/").content.decode()
    assert "Un·e participant·e de la société civile de Durban" in page
    page = client.get(f"/es/voices/{voice.pk}/").content.decode()
    assert "Una persona de la sociedad civil de Durban" in page
