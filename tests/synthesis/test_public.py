from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listening.conversations.models import OpinionSnapshot, StatementStatus
from listening.people.models import PersonKind
from listening.synthesis.models import KeyMessageStatus
from listening.voices.models import VoiceStatus
from tests.factories import (
    CityFactory,
    ConversationFactory,
    ListeningSessionFactory,
    PersonFactory,
    ProgrammeFactory,
    StatementFactory,
    VoiceFactory,
)

from .factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db


def _chain():
    programme = ProgrammeFactory(name="Cities are Listening")
    session = ListeningSessionFactory(programme=programme)
    shown = VoiceFactory(session=session, text="Shade for every bus stop")
    hidden = VoiceFactory(session=session, text="Draft words", status=VoiceStatus.DRAFT)
    anonymous = VoiceFactory(
        session=session,
        text="Water fountains in parks",
        speaker=PersonFactory(name="Private Person", city=CityFactory(name="Durban")),
        attribution_consent=False,
        speaker_kind=PersonKind.CIVIL_SOCIETY,
    )
    conversation = ConversationFactory(programme=programme)
    statement = StatementFactory(conversation=conversation, text="Plant trees on every street")
    pending = StatementFactory(
        conversation=conversation, text="Unmoderated idea", status=StatementStatus.PENDING
    )
    OpinionSnapshot.objects.create(
        conversation=conversation,
        result={
            "statements": {
                str(statement.pk): {
                    "agree": 41,
                    "disagree": 3,
                    "pass": 6,
                    "seen": 50,
                    "bridging": 0.62,
                }
            }
        },
    )
    km = KeyMessageFactory(
        programme=programme, title="Cool streets", status=KeyMessageStatus.PUBLISHED
    )
    km.voices.set([shown, hidden, anonymous])
    km.statements.set([statement, pending])
    draft_km = KeyMessageFactory(programme=programme, title="Secret draft message")
    draft_km.voices.set([shown])
    commitment = CommitmentFactory(programme=programme, title="Shade every bus stop by 2030")
    commitment.key_messages.set([km, draft_km])
    unpublished = CommitmentFactory(
        programme=programme, title="Hidden commitment", is_published=False
    )
    unpublished.key_messages.set([km])
    return shown, hidden, anonymous


def test_pact_page_shows_the_chain_with_vote_figures(client):
    _chain()
    page = client.get("/pact/").content.decode()
    assert "Cities are Listening" in page
    assert "Shade every bus stop by 2030" in page
    assert "Cool streets" in page
    assert "Shade for every bus stop" in page
    assert "Plant trees on every street" in page
    assert "41 agree, 3 disagree, 6 pass of 50" in page
    assert "3 voices" in page
    assert "2 conversation statements" in page


def test_pact_page_leaks_nothing_unpublished_or_unconsented(client):
    _chain()
    page = client.get("/pact/").content.decode()
    assert "Draft words" not in page
    assert "Unmoderated idea" not in page
    assert "Secret draft message" not in page
    assert "Hidden commitment" not in page
    assert "Private Person" not in page
    assert "A civil society participant from Durban" in page


def test_pact_page_in_french(client):
    _chain()
    page = client.get("/fr/pact/").content.decode()
    assert "Le Pacte" in page


def test_voice_page_shows_where_the_voice_went(client):
    shown, _hidden, _anonymous = _chain()
    page = client.get(f"/voices/{shown.pk}/").content.decode()
    assert "Where did this voice go" in page
    assert "Cool streets" in page
    assert "Shade every bus stop by 2030" in page
    assert "Secret draft message" not in page
    assert "Hidden commitment" not in page


def test_voice_page_of_a_voice_in_no_key_message_says_so(client):
    voice = VoiceFactory()
    page = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "does not support a published key message yet" in page


def _commitments(programme, n):
    session = ListeningSessionFactory(programme=programme)
    conversation = ConversationFactory(programme=programme)
    for _ in range(n):
        km = KeyMessageFactory(programme=programme, status=KeyMessageStatus.PUBLISHED)
        km.voices.set([VoiceFactory(session=session) for _ in range(2)])
        km.statements.set([StatementFactory(conversation=conversation)])
        CommitmentFactory(programme=programme).key_messages.set([km])


def test_pact_page_queries_do_not_grow_with_commitments(client, django_assert_num_queries):
    programme = ProgrammeFactory()
    _commitments(programme, 1)
    with CaptureQueriesContext(connection) as one:
        client.get("/pact/")
    _commitments(programme, 5)
    with django_assert_num_queries(len(one)):
        page = client.get("/pact/").content.decode()
    assert page.count('class="commitment"') == 6


def _merged_chain():
    """A published and a draft key message merged into one published key message that a
    published commitment answers."""
    from django.contrib.auth.models import User

    from listening.synthesis.services import key_message_publish, key_messages_merge

    organiser = User.objects.create_user("organiser-lineage", password="x")
    programme = ProgrammeFactory(name="Lineage programme")
    session = ListeningSessionFactory(programme=programme)
    seen = KeyMessageFactory(programme=programme, title="Shade at bus stops")
    seen.voices.set([VoiceFactory(session=session)])
    key_message_publish(key_message=seen, author=organiser)
    draft = KeyMessageFactory(programme=programme, title="Secret draft message")
    draft.voices.set([VoiceFactory(session=session)])
    merged = key_messages_merge(
        key_messages=[seen, draft], title="Cool waiting", author=organiser, reason="same idea"
    )
    CommitmentFactory(programme=programme, title="Shade every stop").key_messages.set([merged])
    return merged


def test_pact_page_names_the_published_key_messages_a_merge_came_from(client):
    _merged_chain()
    page = client.get("/pact/").content.decode()
    assert "Made from the earlier key messages:" in page
    assert "“Shade at bus stops”" in page
    assert "Secret draft message" not in page  # merged away before anyone saw it


def test_pact_page_lineage_in_spanish(client):
    _merged_chain()
    page = client.get("/es/pact/").content.decode()
    assert "Elaborado a partir de los mensajes clave anteriores:" in page
