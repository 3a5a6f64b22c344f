"""What is left for a participant to vote on: the count on the voting page, and their own
statements, which carry their agreement (as in Polis) and are never offered back to them."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from listening.conversations import selectors, services
from listening.conversations.models import Participant, Statement, Vote
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug="streets", moderation="post")
    StatementFactory.create_batch(3, conversation=conversation)
    return conversation


def _vote(client, conversation, statement_id, value=1):
    return client.post(
        f"/conversations/{conversation.slug}/vote/",
        {"statement": statement_id, "vote": value},
        HTTP_HX_REQUEST="true",
    )


def _shown(card):
    marker = 'name="statement" value="'
    start = card.index(marker) + len(marker)
    return int(card[start : card.index('"', start)])


# -- the count on the voting page ---------------------------------------------------------------


def test_voting_page_says_how_many_statements_are_left(client, conversation):
    page = client.get("/conversations/streets/").content.decode()
    assert "3 statements left to vote on, this one included." in page
    card = _vote(client, conversation, _shown(page)).content.decode()
    assert "2 statements left to vote on, this one included." in card
    card = _vote(client, conversation, _shown(card)).content.decode()
    assert "1 statement left to vote on: this one." in card
    card = _vote(client, conversation, _shown(card)).content.decode()
    assert "left to vote on" not in card
    assert "You have voted on every statement." in card


@pytest.mark.parametrize(
    ("prefix", "many", "one"),
    [
        (
            "/fr",
            "2 propositions restent à voter, celle-ci comprise.",
            "1 proposition reste à voter : celle-ci.",
        ),
        (
            "/es",
            "Le quedan 2 propuestas por votar, incluida esta.",
            "Le queda 1 propuesta por votar: esta.",
        ),
    ],
)
def test_voting_page_count_is_translated_with_plurals(client, prefix, many, one):
    conversation = ConversationFactory(slug="streets", moderation="post")
    StatementFactory.create_batch(2, conversation=conversation)
    page = client.get(f"{prefix}/conversations/streets/").content.decode()
    assert many in page
    card = client.post(
        f"{prefix}/conversations/streets/vote/",
        {"statement": _shown(page), "vote": 0},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert one in card


def test_statements_left_leaves_out_voted_and_unvotable_statements(conversation):
    participant = ParticipantFactory(conversation=conversation)
    StatementFactory(conversation=conversation, status="rejected")
    voted = conversation.statements.filter(status="approved").first()
    services.vote_cast(participant=participant, statement_id=voted.pk, value=-1)
    assert selectors.statements_left(conversation=conversation, participant=participant) == 2
    assert selectors.statements_left(conversation=conversation, participant=None) == 3
    statement, left = selectors.statement_next_and_left(participant=participant)
    assert left == 2
    assert statement is not None and statement.pk != voted.pk


# -- one's own statement ------------------------------------------------------------------------


def test_statement_submit_records_the_authors_agreement(conversation):
    author = ParticipantFactory(conversation=conversation)
    statement = services.statement_submit(participant=author, text="Wider pavements for all.")
    vote = Vote.objects.get(statement=statement)
    assert (vote.participant, vote.value) == (author, 1)


def test_own_statement_is_never_offered_back(conversation):
    author = ParticipantFactory(conversation=conversation)
    mine = services.statement_submit(participant=author, text="Wider pavements for all.")
    seen = []
    while (statement := selectors.statement_next(participant=author)) is not None:
        seen.append(statement.pk)
        services.vote_cast(participant=author, statement_id=statement.pk, value=0)
    assert mine.pk not in seen
    assert len(seen) == 3


def test_own_statement_without_a_vote_is_still_not_offered_back(conversation):
    # A statement stored before the author's agreement was recorded with it.
    author = ParticipantFactory(conversation=conversation)
    old = StatementFactory(conversation=conversation, author=author)
    assert selectors.statements_left(conversation=conversation, participant=author) == 3
    for _ in range(3):
        statement = selectors.statement_next(participant=author)
        assert statement is not None and statement.pk != old.pk
        services.vote_cast(participant=author, statement_id=statement.pk, value=1)
    assert selectors.statement_next(participant=author) is None


def test_own_statement_added_on_the_page_is_agreed_and_not_shown(client, conversation):
    response = client.post(
        "/conversations/streets/statements/", {"text": "Plant trees along every street."}
    )
    assert response.status_code == 302
    statement = Statement.objects.get(text="Plant trees along every street.")
    author = Participant.objects.get()
    assert list(Vote.objects.values_list("participant", "statement", "value")) == [
        (author.pk, statement.pk, 1)
    ]
    page = client.get("/conversations/streets/").content.decode()
    assert "3 statements left to vote on, this one included." in page
    assert "You have voted on 1 statement." in page
    for _ in range(3):
        shown = _shown(page)
        assert shown != statement.pk
        page = _vote(client, conversation, shown).content.decode()
    assert "You have voted on every statement." in page


def test_own_pending_statement_counts_once_approved(conversation):
    conversation.moderation = "pre"
    conversation.save(update_fields=["moderation"])
    author = ParticipantFactory(conversation=conversation)
    others = ParticipantFactory.create_batch(2, conversation=conversation)
    approved = list(conversation.statements.all())
    for person in [author, *others]:
        for statement in approved:
            services.vote_cast(participant=person, statement_id=statement.pk, value=1)
    mine = services.statement_submit(participant=author, text="Close the street to cars.")
    assert mine.status == "pending"
    assert Vote.objects.filter(statement=mine, participant=author, value=1).exists()
    # Pending under pre-moderation: not in the map, and nobody is offered it.
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    assert str(mine.pk) not in snapshot.result["statements"]
    assert selectors.statement_next(participant=others[0]) is None
    moderator = User.objects.create_superuser("mod", password="pw-for-mod-123")
    services.statements_moderate(
        conversation=conversation, statement_ids=[mine.pk], action="approve", actor=moderator
    )
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    assert str(mine.pk) in snapshot.result["statements"]
    assert snapshot.vote_count == 3 * 3 + 1
    # Approved: offered to the others, never to its author.
    assert selectors.statement_next(participant=others[0]).pk == mine.pk
    assert selectors.statement_next(participant=author) is None


def test_own_rejected_statement_leaves_the_map(conversation):
    author = ParticipantFactory(conversation=conversation)
    for statement in conversation.statements.all():
        services.vote_cast(participant=author, statement_id=statement.pk, value=-1)
    mine = services.statement_submit(participant=author, text="Close the street to cars.")
    moderator = User.objects.create_superuser("mod", password="pw-for-mod-123")
    services.statements_moderate(
        conversation=conversation, statement_ids=[mine.pk], action="reject", actor=moderator
    )
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    assert str(mine.pk) not in snapshot.result["statements"]
    assert snapshot.vote_count == 3
