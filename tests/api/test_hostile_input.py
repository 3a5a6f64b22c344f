"""Hostile input gets its documented 4xx with a JSON detail, and changes nothing (issue 9)."""

import json

import pytest

from listening.conversations.models import InvitationCode, Participant, Statement, Vote
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db

TOKEN = "h" * 43
SLUG = "hostile"


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug=SLUG)
    StatementFactory.create_batch(2, conversation=conversation)
    return conversation


@pytest.fixture
def token(conversation):
    ParticipantFactory(conversation=conversation, token=TOKEN)
    return TOKEN


def _raw(body):
    """JSON text with a lone surrogate escaped as JSON writes it (json.dumps keeps it)."""
    return json.dumps(body)


def _detail(response):
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"statement": 2**63, "vote": 1}, "statement"),
        ({"statement": 2**64 + 5, "vote": 1}, "statement"),
        ({"statement": -(2**63) - 1, "vote": 1}, "statement"),
        ({"statement": 0, "vote": 1}, "statement"),
        ({"statement": "1", "vote": 1}, "statement"),
        ({"statement": 1.0, "vote": 1}, "statement"),
        ({"statement": True, "vote": 1}, "statement"),
        ({"statement": None, "vote": 1}, "statement"),
        ({"statement": [1], "vote": 1}, "statement"),
        ({"statement": 1, "vote": True}, "vote"),
        ({"statement": 1, "vote": False}, "vote"),
        ({"statement": 1, "vote": "1"}, "vote"),
        ({"statement": 1, "vote": 1.0}, "vote"),
        ({"statement": 1, "vote": 2**63}, "vote"),
    ],
)
def test_votes_wrong_type_or_out_of_range_is_422_naming_the_field(api, token, body, field):
    response = api.post(f"conversations/{SLUG}/votes", body, token=token)
    assert response.status_code == 422
    assert field in _detail(response)  # "statement: ..." or "A vote is 1 (agree), ..."
    assert not Vote.objects.exists()


def test_votes_boolean_is_not_a_vote_even_on_a_real_statement(api, conversation, token):
    statement = conversation.statements.first()
    response = api.post(
        f"conversations/{SLUG}/votes", {"statement": statement.pk, "vote": True}, token=token
    )
    assert response.status_code == 422
    assert not Vote.objects.exists()


def test_votes_largest_id_is_a_missing_statement_not_an_error(api, token):
    response = api.post(f"conversations/{SLUG}/votes", {"statement": 2**63 - 1, "vote": 1}, token)
    assert response.status_code == 404
    assert "no such statement" in _detail(response)


@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "nul\x00byte"])
def test_statements_text_with_surrogate_or_nul_is_422(api, token, bad):
    response = api.post(f"conversations/{SLUG}/statements", _raw({"text": bad}), token=token)
    assert response.status_code == 422
    detail = _detail(response)
    assert detail.startswith("text:")
    assert "surrogate" in detail or "NUL" in detail
    assert Statement.objects.count() == 2


@pytest.mark.parametrize("field", ["xid", "invitation_code", "constituency"])
@pytest.mark.parametrize("bad", ["\ud800", "x\x00y"])
def test_participants_join_with_surrogate_or_nul_is_422(api, conversation, field, bad):
    response = api.post(f"conversations/{SLUG}/participants", _raw({field: bad}))
    assert response.status_code == 422
    assert _detail(response).startswith(f"{field}:")
    assert not Participant.objects.exists()


def test_participants_join_invitation_code_with_surrogate_uses_no_code(api):
    conversation = ConversationFactory(slug="invited", invitation_required=True)
    InvitationCode.objects.create(conversation=conversation, code="abc", uses_left=1)
    response = api.post(
        "conversations/invited/participants", _raw({"invitation_code": "abc\ud800"})
    )
    assert response.status_code == 422
    assert InvitationCode.objects.get().uses_left == 1


def test_participants_join_over_long_xid_is_422_as_documented(api, conversation):
    response = api.post(f"conversations/{SLUG}/participants", {"xid": "x" * 201})
    assert response.status_code == 422
    assert _detail(response).startswith("xid:")
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"xid": 5},
        {"xid": None},
        {"constituency": True},
        {"invitation_code": 123},
        "[1]",
        "5",
        '"x"',
    ],
)
def test_participants_join_wrong_type_is_422(api, conversation, body):
    response = api.post(f"conversations/{SLUG}/participants", body)
    assert response.status_code == 422
    assert not Participant.objects.exists()


def test_participants_join_with_a_null_body_is_an_anonymous_join(api, conversation):
    # The schema makes the body optional (JoinIn or null).
    response = api.post(f"conversations/{SLUG}/participants", "null")
    assert response.status_code == 201
    assert Participant.objects.get().xid == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": 5}, "text:"),
        ({"text": None}, "text:"),
        ({"text": ["a"]}, "text:"),
        ('"some text"', "not a JSON object"),
        ("[]", "not a JSON object"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)
def test_statements_wrong_type_is_422(api, token, body, message):
    response = api.post(f"conversations/{SLUG}/statements", body, token=token)
    assert response.status_code == 422
    assert message in _detail(response)
    assert Statement.objects.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "conversations/a%00b",
        f"conversations/{SLUG}%00",
        f"conversations/{SLUG}%00/results",
        f"conversations/{SLUG}%00/next",
    ],
)
def test_nul_in_the_path_is_404_json(api, conversation, token, path):
    response = api.get(path, token=token)
    assert response.status_code == 404
    assert _detail(response)


def test_nul_in_the_path_of_a_post_is_404_json(api, conversation, token):
    response = api.post(f"conversations/{SLUG}%00/votes", {"statement": 1, "vote": 1}, token)
    assert response.status_code == 404
    assert _detail(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("path", ["votes", "statements", "participants"])
def test_oversized_body_is_413_json(api, settings, conversation, token, path):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"text": "x" * 2000, "statement": 1, "vote": 1})
    response = api.post(f"conversations/{SLUG}/{path}", body, token=token)
    assert response.status_code == 413
    assert "1000 bytes" in _detail(response)
    assert Statement.objects.count() == 2
    assert not Vote.objects.exists()


def test_body_over_djangos_own_limit_is_413_json_not_400_html(api, conversation, token):
    body = json.dumps({"text": "x" * 3_000_000})
    for debug in (False, True):
        from django.test import override_settings

        with override_settings(DEBUG=debug):
            response = api.post(f"conversations/{SLUG}/statements", body, token=token)
        assert response.status_code == 413
        assert _detail(response)


def test_body_just_under_the_limit_is_read(api, settings, conversation, token):
    body = json.dumps({"statement": conversation.statements.first().pk, "vote": 1})
    settings.API_MAX_BODY_BYTES = len(body.encode())
    response = api.post(f"conversations/{SLUG}/votes", body, token=token)
    assert response.status_code == 201


def test_openapi_schema_lists_every_status_of_every_endpoint(api):
    paths = api.get("openapi.json").json()["paths"]
    prefix = "/api/conversations/{slug}"
    statuses = {
        (path, method): set(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    assert statuses[(prefix, "get")] == {"200", "404"}
    assert statuses[(f"{prefix}/participants", "post")] == {
        "201", "403", "404", "409", "413", "422", "429"
    }  # fmt: skip
    assert statuses[(f"{prefix}/votes", "post")] == {
        "200", "201", "401", "404", "409", "413", "422", "429"
    }  # fmt: skip
    assert statuses[(f"{prefix}/statements", "post")] == {
        "201", "401", "403", "404", "409", "413", "422", "429"
    }  # fmt: skip
    schemas = api.get("openapi.json").json()["components"]["schemas"]
    assert schemas["VoteIn"]["properties"]["vote"]["enum"] == [-1, 0, 1]
    assert schemas["VoteIn"]["properties"]["statement"]["maximum"] == 2**63 - 1
    assert schemas["JoinIn"]["properties"]["xid"]["maxLength"] == 200


@pytest.mark.parametrize(
    "path",
    [
        "voices/?theme=a%00b",
        "voices/?q=%00",
        "cities/?country=F%00R",
        "people/?region=%00",
        "organisations/?region=%00",
        "sessions/?theme=%00",
        "key-messages/?programme=%00",
    ],
)
def test_nul_in_a_list_filter_is_422(api, path):
    """PostgreSQL cannot compare a NUL character: a filter holding one is refused, not a 500."""
    response = api.get(path)
    assert response.status_code == 422
    assert "NUL" in _detail(response)


def test_list_filters_still_convert_numbers(api):
    assert api.get("sessions/?year=2026").status_code == 200
    assert api.get("sessions/?year=soon").status_code == 422
