"""The read endpoints: sessions, voices, people, organisations, cities."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listening.programmes.models import Role
from listening.voices.models import VoiceStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(api, path, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **extra)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def _make(n):
    theme = factories.ThemeFactory()
    for _ in range(n):
        session = factories.ListeningSessionFactory(themes=[theme])
        person = factories.PersonFactory()
        factories.ParticipationFactory(session=session, person=person)
        factories.ParticipationFactory(
            session=session,
            person=None,
            organisation=factories.OrganisationFactory(),
            role=Role.PARTNER,
        )
        factories.VoiceFactory(session=session, speaker=person, themes=[theme])


@pytest.mark.parametrize("path", ["sessions/", "voices/", "people/", "organisations/", "cities/"])
def test_read_list_query_count_does_not_grow_with_items(api, path):
    _make(1)
    few, first = _queries(api, path)
    _make(6)
    many, second = _queries(api, path)
    assert second["count"] > first["count"]
    assert many == few


def test_read_list_pages(api):
    for _ in range(25):
        factories.VoiceFactory()
    body = api.get("voices/?page=2").json()
    assert body["count"] == 25 and len(body["items"]) == 5
    assert len(api.get("voices/?page_size=3").json()["items"]) == 3
    assert api.get("voices/?page=0").status_code == 422


def test_voices_only_published_and_unattributed_speakers_stay_anonymous(api):
    published = factories.VoiceFactory(attribution_consent=False)
    factories.VoiceFactory(status=VoiceStatus.DRAFT, published_at=None)
    items = api.get("voices/").json()["items"]
    assert [item["id"] for item in items] == [published.pk]
    assert published.speaker.name not in str(items)
    assert items[0]["speaker"].startswith("An academic expert from")
    assert items[0]["speaker_slug"] is None
    draft = factories.VoiceFactory(status=VoiceStatus.DRAFT, published_at=None)
    assert api.get(f"voices/{draft.pk}").status_code == 404
    assert api.get(f"voices/{published.pk}").json()["text"] == published.text


def test_voices_filter_like_the_page(api):
    theme = factories.ThemeFactory()
    wanted = factories.VoiceFactory(themes=[theme], text="Shade trees for every school.")
    factories.VoiceFactory(text="Buses at night.")
    assert [v["id"] for v in api.get(f"voices/?theme={theme.slug}").json()["items"]] == [wanted.pk]
    assert [v["id"] for v in api.get("voices/?q=shade").json()["items"]] == [wanted.pk]
    assert [v["id"] for v in api.get(f"voices/?city={wanted.city_id}").json()["items"]] == [
        wanted.pk
    ]


def test_people_unconsented_name_never_appears(api):
    hidden = factories.PersonFactory(
        name="Hidden Person", consent_listed=False, consent_quoted=False
    )
    session = factories.ListeningSessionFactory()
    factories.ParticipationFactory(session=session, person=hidden)
    factories.ParticipationFactory(session=session)
    factories.VoiceFactory(session=session, speaker=hidden, attribution_consent=False)
    for path in (
        "people/",
        "voices/",
        "sessions/",
        f"sessions/{session.slug}",
        "organisations/",
        f"organisations/{hidden.organisation.slug}",
        "cities/",
    ):
        response = api.get(path)
        assert "Hidden Person" not in response.content.decode(), path
    assert api.get(f"people/{hidden.slug}").status_code == 404


def test_person_page_lists_sessions_and_only_attributed_voices(api):
    person = factories.PersonFactory(name="Ana Listed")
    session = factories.ListeningSessionFactory()
    factories.ParticipationFactory(session=session, person=person)
    named = factories.VoiceFactory(session=session, speaker=person)
    factories.VoiceFactory(session=session, speaker=person, attribution_consent=False)
    body = api.get(f"people/{person.slug}").json()
    assert body["name"] == "Ana Listed"
    assert [s["slug"] for s in body["sessions"]] == [session.slug]
    assert [v["id"] for v in body["voices"]] == [named.pk]


def test_organisation_detail_and_placeholder_website_dropped(api):
    organisation = factories.OrganisationFactory(website="https://example.org/x")
    session = factories.ListeningSessionFactory()
    factories.ParticipationFactory(
        session=session, person=None, organisation=organisation, role=Role.PARTNER
    )
    body = api.get(f"organisations/{organisation.slug}").json()
    assert body["website"] == ""
    assert body["sessions"][0]["role"] == "partner"
    assert api.get("organisations/no-such").status_code == 404


def test_session_detail_and_filters(api):
    theme = factories.ThemeFactory()
    session = factories.ListeningSessionFactory(themes=[theme])
    factories.ListeningSessionFactory()
    body = api.get(f"sessions/?theme={theme.slug}").json()
    assert [s["slug"] for s in body["items"]] == [session.slug]
    assert api.get(f"sessions/{session.slug}").json()["themes"][0]["slug"] == theme.slug
    assert api.get("sessions/nope").json() == {"detail": "There is no such session."}


def test_cities_detail_counts_and_unknown(api):
    voice = factories.VoiceFactory()
    body = api.get(f"cities/{voice.city_id}").json()
    assert body["voices"] == 1 and body["voices_api"].endswith(f"city={voice.city_id}")
    assert api.get("cities/999999").status_code == 404


def test_reader_language_from_query_or_header(api):
    factories.VoiceFactory(attribution_consent=False)
    english = api.get("voices/").json()["items"][0]
    french = api.get("voices/?lang=fr").json()["items"][0]
    spanish = api.get("voices/", HTTP_ACCEPT_LANGUAGE="es").json()["items"][0]
    assert english["kind_label"] == "Quote"
    assert french["kind_label"] != "Quote" and spanish["kind_label"] != "Quote"
    assert french["kind_label"] != spanish["kind_label"]
    assert french["city"]["country_name"] == "Afrique du Sud"


def test_read_endpoints_are_in_the_openapi_schema(api):
    paths = api.get("openapi.json").json()["paths"]
    for path in (
        "/api/sessions/",
        "/api/sessions/{slug}",
        "/api/voices/",
        "/api/voices/{pk}",
        "/api/people/",
        "/api/people/{slug}",
        "/api/organisations/",
        "/api/organisations/{slug}",
        "/api/cities/",
        "/api/cities/{pk}",
    ):
        assert path in paths, path
