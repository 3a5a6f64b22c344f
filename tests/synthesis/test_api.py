"""The synthesis read API: the Pact, key messages with their evidence, commitments with their
chain; nothing unpublished or unconsented leaks through any of them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listening.conversations.models import OpinionSnapshot, StatementStatus
from listening.people.models import PersonKind
from listening.programmes.models import Axis
from listening.synthesis.models import CommitmentStatus, KeyMessageStatus, ProgressUpdate
from listening.voices.models import VoiceStatus
from tests.factories import (
    CityFactory,
    ConversationFactory,
    ListeningSessionFactory,
    PersonFactory,
    ProgrammeFactory,
    StatementFactory,
    ThemeFactory,
    VoiceFactory,
)

from .factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db

SECRETS = (
    "Draft words",
    "Unmoderated idea",
    "Secret draft message",
    "Hidden commitment",
    "Private Person",
    "Retired message",
)


def _chain():
    programme = ProgrammeFactory(name="Cities are Listening", slug="cities")
    session = ListeningSessionFactory(programme=programme)
    shown = VoiceFactory(session=session, text="Shade for every bus stop")
    VoiceFactory(session=session, text="Draft words", status=VoiceStatus.DRAFT)
    anonymous = VoiceFactory(
        session=session,
        text="Water fountains in parks",
        speaker=PersonFactory(name="Private Person", city=CityFactory(name="Durban")),
        attribution_consent=False,
        speaker_kind=PersonKind.CIVIL_SOCIETY,
    )
    hidden = session.voices.get(text="Draft words")
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
    theme = ThemeFactory(programme=programme, slug="heat")
    km = KeyMessageFactory(
        programme=programme,
        title="Cool streets",
        status=KeyMessageStatus.PUBLISHED,
        theme=theme,
        axis=Axis.PLANET,
    )
    km.voices.set([shown, hidden, anonymous])
    km.statements.set([statement, pending])
    draft_km = KeyMessageFactory(programme=programme, title="Secret draft message")
    draft_km.voices.set([shown])
    retired = KeyMessageFactory(
        programme=programme, title="Retired message", status=KeyMessageStatus.RETIRED
    )
    commitment = CommitmentFactory(
        programme=programme, title="Shade every bus stop by 2030", status=CommitmentStatus.ADOPTED
    )
    commitment.key_messages.set([km, draft_km, retired])
    ProgressUpdate.objects.create(
        commitment=commitment,
        date=dt.date(2026, 3, 1),
        text="First hundred stops shaded",
        status=CommitmentStatus.IN_PROGRESS,
    )
    unpublished = CommitmentFactory(
        programme=programme, title="Hidden commitment", is_published=False
    )
    unpublished.key_messages.set([km])
    return {
        "km": km,
        "draft": draft_km,
        "retired": retired,
        "commitment": commitment,
        "unpublished": unpublished,
        "statement": statement,
    }


def _get(client, path, **extra):
    response = client.get(f"/api/{path}", **extra)
    assert response.status_code == 200, response.content
    return response.json()


def _assert_no_leak(body):
    text = json.dumps(body, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret


def test_api_pact_chapters_with_commitments_status_and_progress(client):
    _chain()
    body = _get(client, "pact/")
    assert [p["programme"]["slug"] for p in body] == ["cities"]
    chapters = {c["axis"]: c for c in body[0]["chapters"]}
    assert set(chapters) == {"people", "planet", "government"}
    [commitment] = chapters["planet"]["commitments"]
    assert commitment["title"] == "Shade every bus stop by 2030"
    assert commitment["status"] == "adopted"
    assert commitment["progress"][0]["text"] == "First hundred stops shaded"
    assert commitment["progress"][0]["date"] == "2026-03-01"
    [km] = commitment["key_messages"]
    assert km["title"] == "Cool streets"
    assert km["evidence"]["voice_count"] == 3
    _assert_no_leak(body)


def test_api_key_messages_lists_only_published_ones_with_counts(client):
    chain = _chain()
    body = _get(client, "key-messages/")
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == chain["km"].pk
    assert item["voice_count"] == 3 and item["statement_count"] == 2
    assert [c["title"] for c in item["commitments"]] == ["Shade every bus stop by 2030"]
    assert item["theme"] == {"slug": "heat", "name": chain["km"].theme.name}
    _assert_no_leak(body)


def test_api_key_messages_filters_by_programme_axis_and_theme(client):
    _chain()
    other = KeyMessageFactory(
        title="Other programme's message", status=KeyMessageStatus.PUBLISHED, axis=Axis.PEOPLE
    )
    assert _get(client, "key-messages/")["count"] == 2
    assert [i["title"] for i in _get(client, "key-messages/?programme=cities")["items"]] == [
        "Cool streets"
    ]
    assert [i["id"] for i in _get(client, "key-messages/?axis=people")["items"]] == [other.pk]
    assert _get(client, "key-messages/?theme=heat")["count"] == 1
    assert _get(client, "key-messages/?theme=nowhere")["count"] == 0


def test_api_key_messages_pages_like_the_other_lists(client):
    programme = ProgrammeFactory()
    for _ in range(25):
        KeyMessageFactory(programme=programme, status=KeyMessageStatus.PUBLISHED)
    body = _get(client, "key-messages/?page=2")
    assert body["count"] == 25 and len(body["items"]) == 5
    assert client.get("/api/key-messages/?page=0").status_code == 422


def test_api_key_message_evidence_shows_published_voices_and_figures_only(client):
    chain = _chain()
    body = _get(client, f"key-messages/{chain['km'].pk}")
    evidence = body["evidence"]
    assert evidence["voice_count"] == 3 and evidence["statement_count"] == 2
    assert {v["text"] for v in evidence["voices"]} == {
        "Shade for every bus stop",
        "Water fountains in parks",
    }
    anonymous = next(v for v in evidence["voices"] if v["text"] == "Water fountains in parks")
    assert anonymous["speaker"] == "A civil society participant from Durban"
    [statement] = evidence["statements"]
    assert statement["text"] == "Plant trees on every street"
    assert (statement["agree"], statement["disagree"], statement["passed"], statement["seen"]) == (
        41,
        3,
        6,
        50,
    )
    assert statement["bridging"] == pytest.approx(0.62)
    _assert_no_leak(body)


@pytest.mark.parametrize("which", ["draft", "retired"])
def test_api_key_message_not_published_is_404(client, which):
    chain = _chain()
    response = client.get(f"/api/key-messages/{chain[which].pk}")
    assert response.status_code == 404
    assert "no such published key message" in response.json()["detail"]


def test_api_key_message_id_out_of_range_is_422(client):
    assert client.get("/api/key-messages/99999999999999999999").status_code == 422


def test_api_commitment_chain_back_to_key_messages(client):
    chain = _chain()
    body = _get(client, f"commitments/{chain['commitment'].pk}")
    assert body["programme"]["slug"] == "cities"
    assert body["status_label"] == "adopted"
    assert [km["title"] for km in body["key_messages"]] == ["Cool streets"]
    evidence = body["key_messages"][0]["evidence"]
    assert [s["text"] for s in evidence["statements"]] == ["Plant trees on every street"]
    assert body["key_messages"][0]["url"] == f"/api/key-messages/{chain['km'].pk}"
    _assert_no_leak(body)


def test_api_unpublished_commitment_is_404(client):
    chain = _chain()
    assert client.get(f"/api/commitments/{chain['unpublished'].pk}").status_code == 404


def test_api_key_message_lists_only_published_commitments(client):
    chain = _chain()
    body = _get(client, f"key-messages/{chain['km'].pk}")
    assert [c["id"] for c in body["commitments"]] == [chain["commitment"].pk]


def test_api_synthesis_answers_in_the_readers_language(client):
    chain = _chain()
    english = _get(client, f"commitments/{chain['commitment'].pk}")
    french = _get(client, f"commitments/{chain['commitment'].pk}?lang=fr")
    spanish = client.get(f"/api/commitments/{chain['commitment'].pk}", HTTP_ACCEPT_LANGUAGE="es")
    assert english["axis_label"] == "Planet"
    assert french["axis_label"] != "Planet"
    assert spanish.json()["axis_label"] not in {"Planet", french["axis_label"]}
    assert spanish["Content-Language"] == "es"


def test_api_key_messages_query_count_does_not_grow(client):
    programme = ProgrammeFactory()
    conversation = ConversationFactory(programme=programme)

    def make(n):
        for _ in range(n):
            km = KeyMessageFactory(programme=programme, status=KeyMessageStatus.PUBLISHED)
            km.voices.set([VoiceFactory() for _ in range(2)])
            km.statements.set([StatementFactory(conversation=conversation)])
            CommitmentFactory(programme=programme).key_messages.set([km])

    make(1)
    with CaptureQueriesContext(connection) as one:
        _get(client, "key-messages/")
    with CaptureQueriesContext(connection) as one_pact:
        _get(client, "pact/")
    make(5)
    with CaptureQueriesContext(connection) as six:
        assert _get(client, "key-messages/")["count"] == 6
    with CaptureQueriesContext(connection) as six_pact:
        _get(client, "pact/")
    assert len(six) == len(one)
    assert len(six_pact) == len(one_pact)


def test_api_synthesis_endpoints_are_in_the_openapi_schema(client):
    paths = _get(client, "openapi.json")["paths"]
    for path in ("/api/pact/", "/api/key-messages/", "/api/key-messages/{pk}"):
        assert path in paths, path
    assert "/api/commitments/{pk}" in paths


@pytest.mark.parametrize("query", ["programme=%00", "theme=heat%00", "axis=%00"])
def test_api_key_messages_filter_with_a_nul_character_is_422(client, query):
    _chain()
    response = client.get(f"/api/key-messages/?{query}")
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


def test_api_key_message_names_its_public_sources_only(client):
    from django.contrib.auth.models import User

    from listening.synthesis.services import key_message_publish, key_messages_merge

    organiser = User.objects.create_user("organiser-api-lineage", password="x")
    programme = ProgrammeFactory(slug="lineage")
    session = ListeningSessionFactory(programme=programme)
    parts = []
    for title in ("Shade at bus stops", "Secret draft message"):
        km = KeyMessageFactory(programme=programme, title=title)
        km.voices.set([VoiceFactory(session=session)])
        parts.append(km)
    key_message_publish(key_message=parts[0], author=organiser)
    merged = key_messages_merge(
        key_messages=parts, title="Cool waiting", author=organiser, reason="same idea"
    )
    CommitmentFactory(programme=programme, title="Shade every stop").key_messages.set([merged])

    one = _get(client, f"key-messages/{merged.pk}")
    assert [s["title"] for s in one["made_from"]] == ["Shade at bus stops"]
    assert one["made_from"][0]["id"] == parts[0].pk
    listed = _get(client, "key-messages/?programme=lineage")["items"]
    assert [s["title"] for s in listed[0]["made_from"]] == ["Shade at bus stops"]
    pact = _get(client, "pact/")
    chain = [
        km
        for chapter in pact[0]["chapters"]
        for c in chapter["commitments"]
        for km in c["key_messages"]
    ]
    assert [s["title"] for s in chain[0]["made_from"]] == ["Shade at bus stops"]
    for body in (one, listed, pact):
        _assert_no_leak(body)
