"""The web forms answer hostile input with a form error, never a 500 (issue 9)."""

import pytest

from listening.conversations.models import Statement, Vote
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug="healthy-cities")
    StatementFactory(conversation=conversation)
    return conversation


@pytest.mark.parametrize("statement", [2**63, 2**64, -(2**63) - 1, 0, "1e3", "²", "1\x00"])
def test_vote_form_with_an_impossible_statement_id_is_a_form_error(client, conversation, statement):
    response = client.post(
        "/conversations/healthy-cities/vote/",
        {"statement": statement, "vote": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_form_with_the_largest_id_is_no_such_statement(client, conversation):
    response = client.post(
        "/conversations/healthy-cities/vote/",
        {"statement": 2**63 - 1, "vote": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "no such statement" in response.content.decode()
    assert not Vote.objects.exists()


def test_statement_form_with_nul_is_refused(client, conversation):
    response = client.post("/conversations/healthy-cities/statements/", {"text": "nul\x00byte"})
    assert response.status_code == 302
    assert Statement.objects.count() == 1


def test_statement_form_with_a_surrogate_escape_stores_nothing_unencodable(client, conversation):
    # A lone surrogate cannot be sent as UTF-8; its CESU-8 bytes are decoded as U+FFFD.
    response = client.post(
        "/conversations/healthy-cities/statements/",
        "text=A+wall+of+%ED%A0%80+statements",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    for text in Statement.objects.values_list("text", flat=True):
        text.encode("utf-8")
