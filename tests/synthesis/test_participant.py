"""'Where did my statements go': a participant sees where their own statements went, and
nothing of anyone else's participation."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from listening.conversations.models import OpinionSnapshot, StatementStatus
from listening.conversations.views import COOKIE_SALT
from listening.synthesis.models import KeyMessageStatus
from listening.synthesis.selectors import participant_destinations
from tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    StatementFactory,
    VoteFactory,
)

from .factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db


def _scene():
    programme = ProgrammeFactory()
    conversation = ConversationFactory(programme=programme, slug="streets")
    me = ParticipantFactory(conversation=conversation, token="me-token-0000000001-" + "m" * 24)
    other = ParticipantFactory(conversation=conversation, token="other-token-00000001-" + "o" * 24)
    mine = StatementFactory(conversation=conversation, author=me, text="Shade on my street")
    voted = StatementFactory(conversation=conversation, author=other, text="Trees for all")
    theirs = StatementFactory(conversation=conversation, author=other, text="Other's secret")
    VoteFactory(participant=me, statement=voted, value=-1)
    VoteFactory(participant=other, statement=theirs, value=1)
    OpinionSnapshot.objects.create(
        conversation=conversation,
        result={
            "statements": {
                str(mine.pk): {"agree": 12, "disagree": 2, "pass": 1, "seen": 15},
                str(voted.pk): {"agree": 30, "disagree": 9, "pass": 4, "seen": 43},
            }
        },
    )
    km = KeyMessageFactory(
        programme=programme, title="Cool streets", status=KeyMessageStatus.PUBLISHED
    )
    km.statements.set([mine, voted, theirs])
    other_km = KeyMessageFactory(
        programme=programme, title="Green city", status=KeyMessageStatus.PUBLISHED
    )
    other_km.statements.set([theirs])
    draft = KeyMessageFactory(programme=programme, title="Secret draft message")
    draft.statements.set([mine])
    commitment = CommitmentFactory(programme=programme, title="Shade every bus stop")
    commitment.key_messages.set([km])
    hidden = CommitmentFactory(programme=programme, title="Hidden commitment", is_published=False)
    hidden.key_messages.set([km])
    return conversation, me, other


def test_participant_destinations_lists_own_statements_and_votes_only():
    _conversation, me, _other = _scene()
    mine = participant_destinations(me)
    texts = [item.statement.text for item in mine.statements]
    assert texts == ["Shade on my street", "Trees for all"]
    assert mine.written == 1 and mine.voted == 1
    wrote, voted = mine.statements
    assert wrote.wrote and wrote.vote is None
    assert not voted.wrote and voted.vote == -1
    assert [d.key_message.title for d in wrote.destinations] == ["Cool streets"]
    assert [c.title for c in wrote.destinations[0].commitments] == ["Shade every bus stop"]


def test_conversation_page_shows_where_my_statements_went(client):
    conversation, me, _other = _scene()
    client.cookies.clear()
    response = client.get(f"/conversations/{conversation.slug}/")
    assert "Where did my statements go" in response.content.decode()
    _set_cookie(client, me, "me-token-0000000001-" + "m" * 24)
    page = client.get(f"/conversations/{conversation.slug}/").content.decode()
    assert "Shade on my street" in page
    assert "Trees for all" in page
    assert "you disagreed" in page
    assert "12 agree, 2 disagree, 1 pass of 15" in page
    assert "Cool streets" in page
    assert "Shade every bus stop" in page


def test_my_statements_page_reveals_nothing_of_others_or_unpublished(client):
    conversation, me, _other = _scene()
    _set_cookie(client, me, "me-token-0000000001-" + "m" * 24)
    page = client.get(f"/conversations/{conversation.slug}/my-statements/").content.decode()
    assert "Shade on my street" in page
    assert "Other&#x27;s secret" not in page and "Other's secret" not in page
    assert "Green city" not in page  # supported only by someone else's statement
    assert "Secret draft message" not in page
    assert "Hidden commitment" not in page


def test_my_statements_page_for_another_participant_shows_theirs_not_mine(client):
    conversation, _me, other = _scene()
    _set_cookie(client, other, "other-token-00000001-" + "o" * 24)
    page = client.get(f"/conversations/{conversation.slug}/my-statements/").content.decode()
    assert "Green city" in page
    assert "Shade on my street" not in page
    assert "you disagreed" not in page


def test_my_statements_page_for_a_visitor_explains_instead_of_failing(client):
    conversation, _me, _other = _scene()
    response = client.get(f"/conversations/{conversation.slug}/my-statements/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Once you vote or add a statement here" in page
    assert "Shade on my street" not in page
    assert "Cool streets" not in page


def test_my_statements_page_ignores_a_forged_cookie(client):
    conversation, _me, _other = _scene()
    client.cookies[f"conversation-{conversation.pk}"] = "me-token-0000000001-" + "m" * 24
    response = client.get(f"/conversations/{conversation.slug}/my-statements/")
    assert response.status_code == 200
    assert "Shade on my street" not in response.content.decode()


def test_my_statements_page_of_an_unknown_conversation_is_404(client):
    assert client.get("/conversations/nowhere/my-statements/").status_code == 404


def test_voted_statement_no_longer_approved_is_not_shown():
    conversation, me, _other = _scene()
    conversation.statements.filter(text="Trees for all").update(status=StatementStatus.REJECTED)
    texts = [item.statement.text for item in participant_destinations(me).statements]
    assert texts == ["Shade on my street"]


def test_participant_without_destinations_is_told_so(client):
    conversation = ConversationFactory(slug="quiet")
    me = ParticipantFactory(conversation=conversation, token="quiet-token-0000001-" + "q" * 24)
    StatementFactory(conversation=conversation, author=me, text="Nobody used this")
    _set_cookie(client, me, "quiet-token-0000001-" + "q" * 24)
    page = client.get("/conversations/quiet/my-statements/").content.decode()
    assert "None of your statements supports a published key message yet." in page
    assert "You wrote 1 statement" in page


def test_my_statements_page_in_french(client):
    conversation, _me, _other = _scene()
    page = client.get(f"/fr/conversations/{conversation.slug}/my-statements/").content.decode()
    assert "Où sont allées mes propositions" in page


def _set_cookie(client, participant, token):
    response = HttpResponse()
    response.set_signed_cookie(
        f"conversation-{participant.conversation.pk}", token, salt=COOKIE_SALT
    )
    client.cookies.update(response.cookies)
