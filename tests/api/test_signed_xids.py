"""Signed xids: with a secret, an xid alone takes over nobody (issue 9, finding 10)."""

import hashlib
import hmac

import pytest
from django.core.exceptions import ValidationError

from listening.conversations.models import Participant
from listening.conversations.services.participants import xid_sign
from tests.factories import ConversationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-of-the-embedding-site-0123456789abcdef"
URL = "conversations/embedded/participants"


def _signature(xid, secret=SECRET):
    # The recipe docs/api.md gives embedders, written out independently of the service.
    return hmac.new(secret.encode(), xid.encode(), hashlib.sha256).hexdigest()


def _flip_last(signature):
    return signature[:-1] + ("0" if signature[-1] != "0" else "1")


@pytest.fixture
def conversation():
    return ConversationFactory(slug="embedded", xid_secret=SECRET)


def test_signed_xid_joins_and_rejoins_as_the_same_participant(api, conversation):
    body = {"xid": "user-42", "xid_signature": _signature("user-42")}
    first = api.post(URL, body)
    again = api.post(URL, {**body, "xid_signature": body["xid_signature"].upper()})
    assert first.status_code == again.status_code == 201
    assert first.json()["participant"] == again.json()["participant"]
    assert Participant.objects.get().xid == "user-42"


def test_xid_without_a_signature_is_403_and_takes_over_nobody(api, conversation):
    victim = ParticipantFactory(conversation=conversation, xid="user-42", token="v" * 43)
    before = victim.token_hash
    response = api.post(URL, {"xid": "user-42"})
    assert response.status_code == 403
    assert "xid_signature" in response.json()["detail"]
    assert "token" not in response.json()
    # No fresh token was made for them: their own token still works.
    victim.refresh_from_db()
    assert victim.token_hash == before
    assert api.get("conversations/embedded/next", token="v" * 43).status_code == 204
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        _signature("user-43"),  # another xid's signature
        _signature("user-42", secret="another site's secret, also long enough"),
        _flip_last(_signature("user-42")),
        "not hex at all",
        "é" * 64,
    ],
)
def test_xid_with_a_wrong_signature_is_403(api, conversation, signature):
    ParticipantFactory(conversation=conversation, xid="user-42")
    response = api.post(URL, {"xid": "user-42", "xid_signature": signature})
    assert response.status_code == 403
    assert "does not match" in response.json()["detail"]
    assert Participant.objects.count() == 1


def test_signed_conversation_still_takes_anonymous_participants(api, conversation):
    response = api.post(URL, {})
    assert response.status_code == 201
    assert Participant.objects.get().xid == ""


def test_imported_xid_stays_reserved_even_with_a_valid_signature(api, conversation):
    ParticipantFactory(conversation=conversation, xid="polis-7")
    response = api.post(URL, {"xid": "polis-7", "xid_signature": _signature("polis-7")})
    assert response.status_code == 422
    assert Participant.objects.count() == 1


def test_unsigned_conversation_takes_an_xid_as_before(api):
    ConversationFactory(slug="open")
    body = {"xid": "user-42", "xid_signature": "ignored when there is no secret"}
    first = api.post("conversations/open/participants", {"xid": "user-42"})
    again = api.post("conversations/open/participants", body)
    assert first.status_code == again.status_code == 201
    assert first.json()["participant"] == again.json()["participant"]


def test_xid_sign_is_the_documented_recipe():
    assert xid_sign(secret=SECRET, xid="ünïcode-xid") == _signature("ünïcode-xid")


def test_secret_is_shown_to_organisers_in_the_admin_and_must_be_long(admin_client):
    conversation = ConversationFactory(slug="short")
    page = admin_client.get(f"/admin/conversations/conversation/{conversation.pk}/change/")
    assert page.status_code == 200
    assert 'name="xid_secret"' in page.content.decode()
    conversation.xid_secret = "too short"
    with pytest.raises(ValidationError, match="at least 32"):
        conversation.full_clean()
