"""Every public page shows content in the reader's language, else in its original language."""

import pytest
from django.test import Client

from listening.programmes.services import translations_set
from tests.factories import (
    AgendaItemFactory,
    ConversationFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProgrammeFactory,
    StatementFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db

FRENCH = {
    "programme": "Un programme de dialogues entre villes.",
    "axis": "Pour les personnes, en français.",
    "theme": "Démocratie locale",
    "session": "Démocratie locale : budgets et confiance",
    "agenda": "Accueil et cadrage",
    "organisation": "Un réseau de villes (exemple).",
    "topic": "À quoi le Pacte doit-il s’engager ?",
    "statement": "Chaque quartier a besoin d’ombre.",
    "voice": "Il nous faut des bancs à l’ombre.",
}
ENGLISH = {
    "programme": "A programme of dialogues between cities.",
    "axis": "For people, in English.",
    "theme": "Local democracy",
    "session": "Local democracy: budgets and trust",
    "agenda": "Welcome and framing",
    "organisation": "A network of cities (sample).",
    "topic": "What should the Pact commit to?",
    "statement": "Every neighbourhood needs shade.",
    "voice": "Necesitamos bancos a la sombra.",  # a voice heard in Spanish
}


@pytest.fixture
def content():
    programme = ProgrammeFactory(description=ENGLISH["programme"], axis_people=ENGLISH["axis"])
    translations_set(
        obj=programme,
        translations={"fr": {"description": FRENCH["programme"], "axis_people": FRENCH["axis"]}},
    )
    theme = ThemeFactory(programme=programme, name=ENGLISH["theme"], slug="local-democracy")
    translations_set(obj=theme, translations={"fr": {"name": FRENCH["theme"]}})
    session = ListeningSessionFactory(
        programme=programme, slug="democracy", title=ENGLISH["session"], themes=[theme]
    )
    translations_set(obj=session, translations={"fr": {"title": FRENCH["session"]}})
    item = AgendaItemFactory(session=session, title=ENGLISH["agenda"])
    translations_set(obj=item, translations={"fr": {"title": FRENCH["agenda"]}})
    organisation = OrganisationFactory(description=ENGLISH["organisation"])
    translations_set(obj=organisation, translations={"fr": {"description": FRENCH["organisation"]}})
    ParticipationFactory(session=session, person=None, organisation=organisation, role="partner")
    voice = VoiceFactory(session=session, text=ENGLISH["voice"], language="es")
    translations_set(obj=voice, translations={"fr": {"translation": FRENCH["voice"]}})
    conversation = ConversationFactory(
        slug="pact", topic=ENGLISH["topic"], programme=programme, moderation="post"
    )
    translations_set(obj=conversation, translations={"fr": {"topic": FRENCH["topic"]}})
    statement = StatementFactory(
        conversation=conversation, text=ENGLISH["statement"], language="en", status="approved"
    )
    translations_set(obj=statement, translations={"fr": {"translation": FRENCH["statement"]}})
    return {"session": session, "voice": voice}


def _pages(content) -> dict[str, list[str]]:
    voice = content["voice"]
    return {
        "/": ["programme", "axis"],
        "/sessions/": ["session", "theme"],
        "/sessions/democracy/": ["session", "theme", "agenda"],
        "/voices/": ["voice"],
        f"/voices/{voice.pk}/": ["voice", "session"],
        "/organisations/": ["organisation"],
        "/conversations/": ["topic"],
        "/conversations/pact/": ["topic", "statement"],
        "/conversations/pact/results/": ["topic"],
    }


def test_every_public_page_in_french_shows_the_french_text(client, content):
    for path, keys in _pages(content).items():
        page = client.get(f"/fr{path}").content.decode()
        for key in keys:
            assert FRENCH[key] in page, (path, key)


def test_every_public_page_in_spanish_falls_back_to_the_original(client, content):
    for path, keys in _pages(content).items():
        page = client.get(f"/es{path}").content.decode()
        for key in keys:
            assert ENGLISH[key] in page, (path, key)
            assert FRENCH[key] not in page, (path, key)


def test_voice_shows_its_original_and_the_reader_translation(client, content):
    page = client.get(f"/fr/voices/{content['voice'].pk}/").content.decode()
    assert 'lang="es"><p>' + ENGLISH["voice"] in page
    assert FRENCH["voice"] in page
    assert "Traduction (original en espagnol)" in page
    # A reader of the original language sees the original alone.
    page = client.get(f"/es/voices/{content['voice'].pk}/").content.decode()
    assert ENGLISH["voice"] in page and 'class="translation"' not in page


def test_statement_read_in_french_is_voted_on_as_the_same_statement(content):
    reader = Client()
    page = reader.get("/fr/conversations/pact/").content.decode()
    assert ENGLISH["statement"] in page and FRENCH["statement"] in page
    statement = content["voice"].session.programme.conversations.get().statements.get()
    reader.post("/fr/conversations/pact/vote/", {"statement": statement.pk, "vote": 1})
    Client().post("/conversations/pact/vote/", {"statement": statement.pk, "vote": -1})
    assert sorted(statement.votes.values_list("value", flat=True)) == [-1, 1]


def test_api_conversation_in_the_reader_language(client, content):
    french = client.get("/api/conversations/pact", HTTP_ACCEPT_LANGUAGE="fr").json()
    spanish = client.get("/api/conversations/pact", HTTP_ACCEPT_LANGUAGE="es").json()
    assert french["topic"] == FRENCH["topic"]
    assert spanish["topic"] == ENGLISH["topic"]


def test_api_language_from_the_query_string_first(client, content):
    answer = client.get("/api/conversations/pact?lang=fr", HTTP_ACCEPT_LANGUAGE="es")
    assert answer.json()["topic"] == FRENCH["topic"]
    assert answer["Content-Language"] == "fr"
    unknown = client.get("/api/conversations/pact?lang=xx").json()
    assert unknown["topic"] == ENGLISH["topic"]


def test_calendar_and_json_ld_in_the_reader_language(client, content):
    calendar = client.get("/fr/sessions/democracy.ics").content.decode()
    assert "Démocratie locale" in calendar.replace("\r\n ", "")
    page = client.get("/es/sessions/democracy/").content.decode()
    assert f'"name": "{ENGLISH["session"]}"' in page  # JSON-LD falls back to the original
