import datetime as dt

import pytest
from django.utils import timezone

from listening.conversations import services
from listening.conversations.models import InvitationCode, Participant, Statement, Vote
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db

TOKEN = "t" * 43


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug="healthy-cities")
    StatementFactory.create_batch(3, conversation=conversation)
    return conversation


@pytest.fixture
def token(conversation):
    ParticipantFactory(conversation=conversation, token=TOKEN)
    return TOKEN


def test_health_is_ok(api):
    response = api.get("health")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_openapi_schema_and_docs_are_served_locally(api):
    schema = api.get("openapi.json").json()
    assert "/api/conversations/{slug}/votes" in schema["paths"]
    docs = api.get("docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content


def test_conversation_detail_and_unknown(api, conversation):
    body = api.get("conversations/healthy-cities").json()
    assert body["topic"] == conversation.topic
    assert body["is_open"] is True
    missing = api.get("conversations/nowhere")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no such conversation."}


def test_participants_join_returns_a_working_token(api, conversation):
    response = api.post("conversations/healthy-cities/participants")
    assert response.status_code == 201
    token = response.json()["token"]
    assert api.get("conversations/healthy-cities/next", token=token).status_code == 200


def test_participants_join_with_xid_and_constituency(api, conversation):
    data = {"xid": "city-7", "constituency": "resident"}
    first = api.post("conversations/healthy-cities/participants", data)
    again = api.post("conversations/healthy-cities/participants", data)
    assert first.status_code == again.status_code == 201
    assert first.json()["participant"] == again.json()["participant"]
    assert Participant.objects.get().constituency == "resident"


def test_participants_join_bad_input(api, conversation):
    bad = api.post("conversations/healthy-cities/participants", {"constituency": "wizards"})
    assert bad.status_code == 422
    assert "not a constituency" in bad.json()["detail"]
    assert api.post("conversations/nowhere/participants").status_code == 404


def test_participants_join_needs_an_invitation(api):
    conversation = ConversationFactory(slug="invited", invitation_required=True)
    InvitationCode.objects.create(conversation=conversation, code="PACT")
    refused = api.post("conversations/invited/participants")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This conversation needs an invitation code."
    ok = api.post("conversations/invited/participants", {"invitation_code": "PACT"})
    assert ok.status_code == 201


def test_next_without_or_with_bad_token_is_401(api, conversation):
    missing = api.get("conversations/healthy-cities/next")
    assert missing.status_code == 401
    assert "Authorization: Bearer" in missing.json()["detail"]
    for token in ("short", "x" * 43, "not a token at all!"):
        response = api.get("conversations/healthy-cities/next", token=token)
        assert response.status_code == 401
        assert "malformed or unknown" in response.json()["detail"]


def test_token_of_another_conversation_is_401(api, token):
    ConversationFactory(slug="elsewhere")
    assert api.get("conversations/elsewhere/next", token=token).status_code == 401
    assert api.get("conversations/nowhere/next", token=token).status_code == 404


def test_next_walks_every_statement_then_204(api, conversation, token):
    seen = set()
    while (
        response := api.get("conversations/healthy-cities/next", token=token)
    ).status_code == 200:
        statement = response.json()
        assert statement["id"] not in seen
        seen.add(statement["id"])
        vote = api.post(
            "conversations/healthy-cities/votes",
            {"statement": statement["id"], "vote": 0},
            token=token,
        )
        assert vote.status_code == 201
    assert response.status_code == 204
    assert response.content == b""
    assert seen == set(conversation.statements.values_list("id", flat=True))


def test_votes_new_is_201_changed_is_200(api, conversation, token):
    statement = conversation.statements.first()
    url = "conversations/healthy-cities/votes"
    first = api.post(url, {"statement": statement.pk, "vote": 1}, token=token)
    assert first.status_code == 201
    assert first.json() == {"statement": statement.pk, "vote": 1, "created": True}
    changed = api.post(url, {"statement": statement.pk, "vote": -1}, token=token)
    assert changed.status_code == 200
    assert changed.json()["created"] is False
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"statement": 1, "vote": 2}, 422, "1 (agree), -1 (disagree) or 0 (pass)"),
        ({"statement": 1}, 422, "vote: Field required"),
        ({"statement": "abc", "vote": 1}, 422, "statement: Input should be a valid integer"),
        ('{"statement": 1, "vote":', 422, "not valid JSON"),
        ({"statement": 999_999, "vote": 1}, 404, "no such statement"),
    ],
)
def test_votes_malformed_is_4xx_with_a_message(api, conversation, token, body, status, message):
    response = api.post("conversations/healthy-cities/votes", body, token=token)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not Vote.objects.exists()


def test_votes_on_rejected_statement_is_409(api, conversation, token):
    statement = conversation.statements.first()
    services.statements_moderate(
        conversation=conversation, statement_ids=[statement.pk], action="reject", actor=None
    )
    response = api.post(
        "conversations/healthy-cities/votes", {"statement": statement.pk, "vote": 1}, token=token
    )
    assert response.status_code == 409
    assert "rejected" in response.json()["detail"]


def test_votes_on_closed_conversation_is_409(api, conversation, token):
    services.conversation_close(conversation=conversation, actor=None)
    statement = conversation.statements.first()
    response = api.post(
        "conversations/healthy-cities/votes", {"statement": statement.pk, "vote": 1}, token=token
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_votes_over_the_limit_is_429_with_retry_after(api, settings, conversation, token):
    settings.RATELIMIT_VOTES_PER_MINUTE = 1
    first, second = conversation.statements.all()[:2]
    url = "conversations/healthy-cities/votes"
    assert api.post(url, {"statement": first.pk, "vote": 1}, token=token).status_code == 201
    limited = api.post(url, {"statement": second.pk, "vote": 1}, token=token)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "Too many votes" in limited.json()["detail"]


def test_votes_per_ip_limit(api, settings, conversation):
    settings.RATELIMIT_VOTES_PER_MINUTE_IP = 2
    statement = conversation.statements.first()
    codes = []
    for i in range(3):
        ParticipantFactory(conversation=conversation, token=f"{i}" * 43)
        codes.append(
            api.post(
                "conversations/healthy-cities/votes",
                {"statement": statement.pk, "vote": 1},
                token=f"{i}" * 43,
            ).status_code
        )
    assert codes == [201, 201, 429]


def test_statements_submit_and_duplicate(api, conversation, token):
    url = "conversations/healthy-cities/statements"
    created = api.post(url, {"text": "  Plant a tree on every street.  "}, token=token)
    assert created.status_code == 201
    assert created.json()["text"] == "Plant a tree on every street."
    assert created.json()["status"] == "approved"
    duplicate = api.post(url, {"text": "plant a TREE on every street!"}, token=token)
    assert duplicate.status_code == 409
    assert "already in the conversation" in duplicate.json()["detail"]
    too_long = api.post(url, {"text": "x" * 500}, token=token)
    assert too_long.status_code == 422
    assert "at most 400 characters" in too_long.json()["detail"]
    assert api.post(url, {"text": "No token."}).status_code == 401
    assert Statement.objects.filter(author__isnull=False).count() == 1


def test_statements_over_the_limit_is_429(api, settings, conversation, token):
    settings.RATELIMIT_STATEMENTS_PER_HOUR = 1
    url = "conversations/healthy-cities/statements"
    assert api.post(url, {"text": "The first statement."}, token=token).status_code == 201
    assert api.post(url, {"text": "The second statement."}, token=token).status_code == 429


def test_results_before_and_after_a_map(api, conversation, django_capture_on_commit_callbacks):
    missing = api.get("conversations/healthy-cities/results")
    assert missing.status_code == 404
    assert "No opinion map" in missing.json()["detail"]
    people = ParticipantFactory.create_batch(6, conversation=conversation)
    statements = list(conversation.statements.all())
    with django_capture_on_commit_callbacks(execute=True):
        for i, p in enumerate(people):
            for s in statements:
                services.vote_cast(participant=p, statement_id=s.pk, value=1 if i % 2 else -1)
    body = api.get("conversations/healthy-cities/results").json()
    assert body["vote_count"] == 18
    assert {"participants", "groups", "consensus", "statements", "attributes"} <= set(body)
    assert set(body["statements"]) == {str(s.pk) for s in statements}
    computed = dt.datetime.fromisoformat(body["computed_at"])
    assert abs(computed - timezone.now()) < dt.timedelta(minutes=1)


def test_vote_query_count_is_small(api, conversation, token, django_assert_max_num_queries):
    statement = conversation.statements.first()
    with django_assert_max_num_queries(2):
        response = api.post(
            "conversations/healthy-cities/votes",
            {"statement": statement.pk, "vote": 1},
            token=token,
        )
    assert response.status_code == 201


def test_results_rejected_statement_is_gone_at_once_and_after_a_refresh(api, conversation):
    participant, _ = services.participant_create(conversation=conversation)
    abuse = services.statement_submit(
        participant=participant, text="Call Sam on +27 82 555 0199, he is an idiot."
    )
    for i, voter in enumerate(ParticipantFactory.create_batch(4, conversation=conversation)):
        services.vote_cast(participant=voter, statement_id=abuse.pk, value=1 if i % 2 else -1)
    services.opinion_refresh(conversation_id=conversation.pk)
    assert str(abuse.pk) in api.get("conversations/healthy-cities/results").json()["statements"]
    services.statements_moderate(
        conversation=conversation, statement_ids=[abuse.pk], action="reject", actor=None
    )
    body = api.get("conversations/healthy-cities/results").json()
    assert str(abuse.pk) not in body["statements"]
    assert all(str(abuse.pk) not in g["votes"] for g in body["groups"].values())
    services.opinion_refresh(conversation_id=conversation.pk)
    assert api.get("conversations/healthy-cities/results").status_code == 404


def test_results_constituency_of_one_is_withheld(api, conversation, settings):
    settings.MIN_GROUP_SIZE = 5
    statements = list(conversation.statements.all())
    for i, constituency in enumerate(["resident"] * 5 + ["international"] + [""] * 5):
        voter = ParticipantFactory(conversation=conversation, constituency=constituency)
        for j, statement in enumerate(statements):
            value = (1 if i % 2 else -1) * (1 if j else -1)
            services.vote_cast(participant=voter, statement_id=statement.pk, value=value)
    services.opinion_refresh(conversation_id=conversation.pk)
    body = api.get("conversations/healthy-cities/results").json()
    assert set(body["attributes"]["constituency"]) == {"resident"}
    assert body["attribute_sizes"]["constituency"] == {"resident": 5}
    assert body["min_group_size"] == 5
    assert body["attributes_withheld"] == {}  # merged into "other" (1), too small: left out


def test_statements_submit_near_duplicate_is_a_warning_field(api, conversation, token):
    url = "conversations/healthy-cities/statements"
    first = api.post(url, {"text": "More shade trees in the streets."}, token=token).json()
    assert first["near_duplicate"] is None
    response = api.post(url, {"text": "More shade trees in our streets!"}, token=token)
    assert response.status_code == 201
    assert response.json()["near_duplicate"] == {
        "id": first["id"],
        "text": "More shade trees in the streets.",
    }
