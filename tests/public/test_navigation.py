"""Public navigation: open conversations from home, a city's voices, pages of people and
organisations within their consent, no placeholder links, voice cards that link themselves."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from listening.programmes.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_links_the_open_conversations_only(client):
    factories.VoiceFactory()  # a programme, so the home page shows it
    open_one = factories.ConversationFactory(topic="Open question?")
    factories.ConversationFactory(topic="Closed question?", is_closed=True)
    factories.ConversationFactory(
        topic="Later question?", opens_at=timezone.now() + dt.timedelta(days=2)
    )
    page = client.get("/").content.decode()
    assert f'href="/conversations/{open_one.slug}/">Open question?</a>' in page
    assert "Closed question?" not in page and "Later question?" not in page


def test_voices_of_a_city(client):
    here = factories.VoiceFactory(text="Said in Durban.")
    factories.VoiceFactory(text="Said elsewhere.")
    page = client.get(f"/voices/?city={here.city_id}").content.decode()
    assert "Said in Durban." in page and "Said elsewhere." not in page
    assert f"Voices from {here.city.name}." in page
    assert f'type="hidden" name="city" value="{here.city_id}"' in page  # kept by the filters
    assert "Said elsewhere." in client.get("/voices/?city=nonsense").content.decode()


def test_person_page_shows_sessions_and_named_voices_only(client):
    person = factories.PersonFactory(name="Ana Listed")
    session = factories.ListeningSessionFactory(title="Water and shade")
    factories.ParticipationFactory(session=session, person=person)
    factories.VoiceFactory(session=session, speaker=person, text="Named voice.")
    factories.VoiceFactory(
        session=session, speaker=person, attribution_consent=False, text="Anonymous voice."
    )
    page = client.get(f"/people/{person.slug}/").content.decode()
    assert "<h1>Ana Listed</h1>" in page and "Water and shade" in page
    assert "Named voice." in page and "Anonymous voice." not in page
    people = client.get("/people/").content.decode()
    assert f'href="/people/{person.slug}/">Ana Listed</a>' in people


def test_person_page_of_someone_not_listed_is_not_found(client):
    hidden = factories.PersonFactory(consent_listed=False, consent_quoted=False)
    factories.ParticipationFactory(person=hidden)
    assert client.get(f"/people/{hidden.slug}/").status_code == 404
    assert client.get("/fr/people/nobody/").status_code == 404


def test_organisation_page_with_sessions_and_listed_members(client):
    organisation = factories.OrganisationFactory(name="UCLG", website="https://example.org/x")
    session = factories.ListeningSessionFactory(title="Partners meet")
    factories.ParticipationFactory(
        session=session, person=None, organisation=organisation, role=Role.PARTNER
    )
    member = factories.PersonFactory(organisation=organisation, name="Listed Member")
    factories.PersonFactory(
        organisation=organisation, name="Hidden Member", consent_listed=False, consent_quoted=False
    )
    page = client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert "Partners meet" in page and "Listed Member" in page
    assert "Hidden Member" not in page and "example.org" not in page
    session_page = client.get(f"/sessions/{session.slug}/").content.decode()
    assert f'href="/organisations/{organisation.slug}/">UCLG</a>' in session_page
    assert f"/people/{member.slug}/" not in session_page  # a member, not a participant


def test_no_public_page_links_a_placeholder_domain(client):
    organisation = factories.OrganisationFactory(website="https://www.example.org/")
    session = factories.ListeningSessionFactory(
        recording_url="https://video.example.com/x", online_url="https://meet.example.net/y"
    )
    factories.ParticipationFactory(
        session=session, person=None, organisation=organisation, role=Role.PARTNER
    )
    voice = factories.VoiceFactory(session=session)
    for path in (
        "/",
        "/sessions/",
        f"/sessions/{session.slug}/",
        "/voices/",
        f"/voices/{voice.pk}/",
        "/organisations/",
        f"/organisations/{organisation.slug}/",
        f"/people/{voice.speaker.slug}/",
        "/cities/",
    ):
        links = re.findall(r'href="([^"]+)"', client.get(path).content.decode())
        assert not [url for url in links if "example." in url], path


def test_voice_cards_link_through_the_quote_without_permalink_text(client):
    voices = [factories.VoiceFactory(text=f"Voice number {n}.") for n in range(3)]
    page = client.get("/voices/").content.decode()
    assert "Permalink" not in page
    for voice in voices:
        assert f'href="/voices/{voice.pk}/">{voice.text}</a>' in page
        assert f'href="/people/{voice.speaker.slug}/">{voice.speaker.name}</a>' in page


def _count_queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_person_and_organisation_pages_query_count_does_not_grow(client):
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory(organisation=organisation)

    def add_session():
        session = factories.ListeningSessionFactory()
        factories.ParticipationFactory(session=session, person=person)
        factories.ParticipationFactory(
            session=session, person=None, organisation=organisation, role=Role.PARTNER
        )
        factories.VoiceFactory(session=session, speaker=person)
        factories.PersonFactory(organisation=organisation)

    add_session()
    paths = [f"/people/{person.slug}/", f"/organisations/{organisation.slug}/"]
    few = [_count_queries(client, path) for path in paths]
    for _ in range(5):
        add_session()
    assert [_count_queries(client, path) for path in paths] == few
