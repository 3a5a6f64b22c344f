from collections import Counter

import pytest
from django.core.cache import cache

from listening.conversations import selectors, services
from listening.conversations.models import Conversation, OpinionSnapshot, Vote
from tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


def test_conversation_get_unknown_raises_does_not_exist():
    ConversationFactory(slug="known")
    assert selectors.conversation_get("known").slug == "known"
    with pytest.raises(Conversation.DoesNotExist):
        selectors.conversation_get("unknown")


def test_participant_for_token_malformed_or_other_conversation_is_none():
    participant = ParticipantFactory(token="a" * 43)
    other = ConversationFactory()
    conversation = participant.conversation
    assert selectors.participant_for_token(conversation=conversation, token="a" * 43) == participant
    assert selectors.participant_for_token(conversation=other, token="a" * 43) is None
    assert selectors.participant_for_token(conversation=conversation, token="a b") is None
    assert selectors.participant_for_token(conversation=conversation, token="") is None
    assert selectors.participant_by_token(slug=conversation.slug, token="a" * 43) == participant
    assert selectors.participant_by_token(slug=other.slug, token="a" * 43) is None


def test_participant_votes_maps_statement_to_value():
    vote = VoteFactory(value=-1)
    assert selectors.participant_votes(participant=vote.participant) == {vote.statement_id: -1}


def test_statement_next_never_returns_a_voted_or_unvotable_statement():
    conversation = ConversationFactory(moderation="pre")
    participant = ParticipantFactory(conversation=conversation)
    approved = StatementFactory.create_batch(3, conversation=conversation)
    StatementFactory(conversation=conversation, status="pending")
    StatementFactory(conversation=conversation, status="rejected")
    StatementFactory()  # another conversation
    seen = []
    while (statement := selectors.statement_next(participant=participant)) is not None:
        assert statement not in seen
        seen.append(statement)
        services.vote_cast(participant=participant, statement_id=statement.pk, value=0)
    assert sorted(s.pk for s in seen) == sorted(s.pk for s in approved)


def test_statement_next_without_a_map_prefers_fewest_votes():
    conversation = ConversationFactory()
    busy, quiet = StatementFactory.create_batch(2, conversation=conversation)
    for _ in range(3):
        VoteFactory(statement=busy)
    participant = ParticipantFactory(conversation=conversation)
    assert selectors.statement_next(participant=participant) == quiet


def _drawn(conversation, n=300):
    """How often each statement is drawn first, over ``n`` fresh participants."""
    drawn = Counter()
    for participant in ParticipantFactory.create_batch(n, conversation=conversation):
        drawn[selectors.statement_next(participant=participant)] += 1
    return drawn


def test_statement_next_draws_in_proportion_to_the_snapshot_priorities():
    conversation = ConversationFactory()
    low, high = StatementFactory.create_batch(2, conversation=conversation)
    OpinionSnapshot.objects.create(
        conversation=conversation, priorities={str(low.pk): 0.5, str(high.pk): 3.0}
    )
    drawn = _drawn(conversation)
    # Expected 3.0 / 3.5 = 86 % high; the low one is still shown to some.
    assert 220 <= drawn[high] <= 290
    assert drawn[low] == 300 - drawn[high]
    assert selectors.statement_first(conversation=conversation) == high


def test_statement_next_weighs_new_statements_as_polis_weighs_unseen_ones():
    conversation = ConversationFactory()
    low, high = StatementFactory.create_batch(2, conversation=conversation)
    OpinionSnapshot.objects.create(
        conversation=conversation, priorities={str(low.pk): 0.5, str(high.pk): 3.0}
    )
    newer = StatementFactory(conversation=conversation)
    drawn = _drawn(conversation)
    assert drawn.most_common(1)[0][0] == newer
    assert selectors.statement_first(conversation=conversation) == newer


def test_statement_next_divisive_statement_beats_a_new_one():
    conversation = ConversationFactory()
    divisive = StatementFactory(conversation=conversation)
    OpinionSnapshot.objects.create(conversation=conversation, priorities={str(divisive.pk): 50.0})
    StatementFactory(conversation=conversation)
    drawn = _drawn(conversation, 100)
    assert drawn[divisive] >= 80
    assert selectors.statement_first(conversation=conversation) == divisive


def test_statement_next_is_the_same_on_reload_until_the_participant_votes():
    conversation = ConversationFactory()
    statements = StatementFactory.create_batch(5, conversation=conversation)
    OpinionSnapshot.objects.create(
        conversation=conversation, priorities={str(s.pk): 1.0 for s in statements}
    )
    participant = ParticipantFactory(conversation=conversation)
    shown = selectors.statement_next(participant=participant)
    assert all(selectors.statement_next(participant=participant) == shown for _ in range(5))
    services.vote_cast(participant=participant, statement_id=shown.pk, value=1)
    assert selectors.statement_next(participant=participant) != shown


def test_statement_next_query_count_does_not_grow(django_assert_max_num_queries):
    conversation = ConversationFactory()
    participant = ParticipantFactory(conversation=conversation)
    StatementFactory.create_batch(50, conversation=conversation)
    with django_assert_max_num_queries(4):
        selectors.statement_next(participant=participant)


def test_opinion_latest_is_the_newest_snapshot():
    conversation = ConversationFactory()
    assert selectors.opinion_latest(conversation) is None
    OpinionSnapshot.objects.create(conversation=conversation, vote_count=1)
    newest = OpinionSnapshot.objects.create(conversation=conversation, vote_count=2)
    assert selectors.opinion_latest(conversation) == newest


def test_moderation_queue_filters_and_counts_votes(django_assert_num_queries):
    conversation = ConversationFactory()
    pending = StatementFactory(conversation=conversation, status="pending", text="Trees please")
    StatementFactory(conversation=conversation, status="approved", text="More trees")
    VoteFactory(statement=pending, value=1)
    VoteFactory(statement=pending, value=-1)
    with django_assert_num_queries(1):
        rows = list(selectors.moderation_queue(conversation=conversation, status="pending"))
    assert rows == [pending]
    assert (rows[0].vote_count, rows[0].agree_count, rows[0].disagree_count) == (2, 1, 1)
    found = selectors.moderation_queue(conversation=conversation, query="trees")
    assert found.count() == 2


def test_moderation_log_selects_actor_and_statement(django_assert_num_queries):
    conversation = ConversationFactory()
    for i in range(3):
        services.statement_seed(conversation=conversation, text=f"Seed statement {i}", actor=None)
    with django_assert_num_queries(1):
        entries = [
            (e.actor, e.statement.text) for e in selectors.moderation_log(conversation=conversation)
        ]
    assert [text for _, text in entries] == [
        "Seed statement 2",
        "Seed statement 1",
        "Seed statement 0",
    ]


def test_conversation_stats_counts_everything():
    conversation = ConversationFactory()
    statement = StatementFactory(conversation=conversation)
    StatementFactory(conversation=conversation, status="pending")
    VoteFactory(statement=statement)
    VoteFactory(statement=statement)
    ParticipantFactory(conversation=conversation)
    stats = selectors.conversation_stats(conversation)
    assert stats["participants"] == 3
    assert stats["voters"] == 2
    assert stats["votes"] == 2
    assert stats["statements"] == {"pending": 1, "approved": 1, "rejected": 0}
    assert stats["pending"] == 1


def test_statement_texts_keys_are_the_map_ids():
    statement = StatementFactory(text="Trees")
    assert selectors.statement_texts(conversation=statement.conversation) == {
        str(statement.pk): "Trees"
    }


def test_polis_ids_keeps_imported_ids_and_numbers_the_rest():
    ids = selectors.polis_ids([(5, "polis-7"), (3, ""), (9, "city-1"), (4, "polis-abc")])
    assert ids == {5: 7, 4: "abc", 3: 8, 9: 9}
    assert selectors.polis_ids([(1, 4), (2, None)]) == {1: 4, 2: 5}


def test_polis_export_data_writes_votes_and_groups():
    conversation = ConversationFactory()
    statement = StatementFactory(conversation=conversation, external_id=11)
    vote = VoteFactory(statement=statement, value=-1)
    data = selectors.polis_export_data(conversation)
    assert [c["id"] for c in data["comments"]] == [11]
    assert [(v[0], v[1], v[2]) for v in data["votes"]] == [(0, 11, -1)]
    assert data["groups"] == {0: None}
    assert data["summary"]["voters"] == 1
    assert Vote.objects.get() == vote


def test_opinion_public_filters_a_snapshot_stored_before(settings):
    """A snapshot stored before: statements rejected since are gone, and without class sizes
    no constituency is shown until the next refresh."""
    settings.MIN_GROUP_SIZE = 5
    kept = StatementFactory()
    rejected = StatementFactory(conversation=kept.conversation, status="rejected")

    def counts(seen):
        return {
            str(s.pk): {"agree": seen, "disagree": 0, "pass": 0, "seen": seen}
            for s in (kept, rejected)
        }

    snapshot = OpinionSnapshot.objects.create(
        conversation=kept.conversation,
        result={
            "participants": {str(i): {"x": 0, "y": 0, "group": 0} for i in range(6)},
            "statements": counts(6),
            "groups": {
                "0": {
                    "size": 6,
                    "votes": counts(6),
                    "representative": [{"statement": rejected.pk, "direction": "agree"}],
                }
            },
            "consensus": {"agree": [{"statement": rejected.pk}, {"statement": kept.pk}]},
            "attributes": {"constituency": {"resident": counts(5), "international": counts(1)}},
        },
    )
    public = selectors.opinion_public(conversation=kept.conversation, snapshot=snapshot)
    assert public["attributes"]["constituency"] == {}
    assert public["attributes_withheld"] == {"constituency": 2}
    assert set(public["statements"]) == {str(kept.pk)}
    assert public["groups"]["0"]["representative"] == []
    assert public["consensus"]["agree"] == [{"statement": kept.pk}]


@pytest.mark.parametrize(
    ("sizes", "total", "shown"),
    [
        ({"resident": 5, "other": 1}, 6, set()),  # totals minus residents = the other one
        ({"resident": 5}, 11, {"resident"}),  # six others, none declared
        ({"resident": 5}, 5, {"resident"}),  # everyone is a resident
        ({"resident": 9, "academia": 5}, 16, {"resident"}),  # 2 left over: academia withheld
        ({"resident": 9, "academia": 6}, 15, {"resident", "academia"}),
    ],
)
def test_attribute_classes_shown_never_leaves_a_small_remainder(sizes, total, shown):
    assert selectors.attribute_classes_shown(sizes, total, 5) == shown
