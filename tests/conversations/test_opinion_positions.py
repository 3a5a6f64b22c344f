"""A snapshot's positions stored in blocks (one participant's position is one indexed read) and
the conversation's counts taken from the latest map plus what is newer."""

import re

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from listening.conversations import opinion_map, selectors, services
from listening.conversations.models import (
    OpinionPositionBlock,
    OpinionSnapshot,
    Participant,
    Vote,
)
from listening.conversations.opinion_map import (
    build_map,
    positions_block_unpack,
    positions_blocks,
    positions_pack,
)
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db

BLOCK = 4


@pytest.fixture(autouse=True)
def _small_blocks(settings, monkeypatch):
    settings.OPINION_JOBS = "off"
    monkeypatch.setattr(opinion_map, "POSITIONS_PER_BLOCK", BLOCK)
    cache.clear()


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug="blocks", moderation="post")
    StatementFactory.create_batch(4, conversation=conversation, status="approved")
    return conversation


def _vote(client, conversation, statement, value):
    return client.post(
        f"/conversations/{conversation.slug}/vote/", {"statement": statement.pk, "vote": value}
    )


def _camps(conversation, people=14):
    """People voting in two camps through the page; their browsers, by participant id."""
    statements = list(conversation.statements.order_by("id"))
    clients = {}
    for i in range(people):
        client = Client()
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            _vote(client, conversation, statement, camp if j < 2 else -camp)
        clients[Participant.objects.latest("id").pk] = client
    return clients


def _you(page):
    found = re.findall(r'data-you="true"><circle cx="([^"]+)" cy="([^"]+)"', page)
    return [(float(x), float(y)) for x, y in found]


def test_opinion_refresh_stores_positions_in_blocks_not_in_one_blob(conversation):
    clients = _camps(conversation)

    snapshot = services.opinion_refresh(conversation_id=conversation.pk)

    stored = OpinionSnapshot.objects.get(pk=snapshot.pk)
    assert stored.positions is None and stored.positions_in_blocks
    blocks = list(stored.position_blocks.order_by("first_participant"))
    assert len(blocks) == -(-len(clients) // BLOCK)
    read = [positions_block_unpack(b.data) for b in blocks]
    assert [b.first_participant for b in blocks] == [int(p.ids[0]) for p in read]
    positions = selectors.snapshot_positions(stored)
    assert positions.ids.tolist() == sorted(clients)
    assert np.array_equal(positions.ids, np.concatenate([p.ids for p in read]))
    api = Client().get("/api/conversations/blocks/results").json()
    assert api["participants"] == positions.to_dict()


def test_positions_block_reads_back_exactly_and_refuses_a_torn_block(conversation):
    _camps(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    positions = selectors.snapshot_positions(snapshot)

    for first, data in positions_blocks(positions, size=3):
        block = positions_block_unpack(data)
        at = int(np.searchsorted(positions.ids, first))
        assert np.array_equal(block.ids, positions.ids[at : at + len(block)])
        assert np.array_equal(block.xy, positions.xy[at : at + len(block)])
        assert np.array_equal(block.group, positions.group[at : at + len(block)])
        assert np.array_equal(
            block.in_conversation, positions.in_conversation[at : at + len(block)]
        )
    with pytest.raises(ValueError, match="not whole rows"):
        positions_block_unpack(data[:-1])


def test_snapshot_positions_of_reads_one_block_for_one_participant(conversation):
    clients = _camps(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    everyone = selectors.snapshot_positions(snapshot).to_dict()
    someone = sorted(clients)[9]
    latest = selectors.opinion_latest_deferred(conversation)

    with CaptureQueriesContext(connection) as queries:
        mine = selectors.snapshot_positions_of(latest, [someone, "not-an-id", 10**9])

    assert mine == {str(someone): everyone[str(someone)]}
    block_reads = [q for q in queries if "opinionpositionblock" in q["sql"].lower()]
    assert len(block_reads) == 2  # one block each for the two ids that are numbers
    assert all("LIMIT 1" in q["sql"].upper() for q in block_reads)


def test_results_page_shows_each_participant_only_their_own_point(conversation):
    clients = _camps(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    snapshot = selectors.opinion_latest(conversation)
    everyone = selectors.opinion_public(conversation=conversation, snapshot=snapshot)
    seen = set()

    for pid in sorted(clients)[::5]:
        page = clients[pid].get("/conversations/blocks/results/").content.decode()
        expected = build_map(everyone, you=str(pid)).you
        assert _you(page) == [(expected.x, expected.y)]
        seen.add((expected.x, expected.y))

    assert len(seen) > 1  # the two camps sit apart: each page showed its own participant
    assert _you(Client().get("/conversations/blocks/results/").content.decode()) == []


def test_results_page_still_shows_your_point_on_a_snapshot_stored_in_one_blob(conversation):
    clients = _camps(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    positions = selectors.snapshot_positions(snapshot)
    everyone = selectors.opinion_public(conversation=conversation, snapshot=snapshot)
    OpinionSnapshot.objects.filter(pk=snapshot.pk).update(
        positions=positions_pack(positions), positions_in_blocks=False, counts={}
    )
    OpinionPositionBlock.objects.all().delete()
    pid = sorted(clients)[3]

    page = clients[pid].get("/conversations/blocks/results/").content.decode()

    expected = build_map(everyone, you=str(pid)).you
    assert _you(page) == [(expected.x, expected.y)]
    api = Client().get("/api/conversations/blocks/results").json()
    assert api["participants"] == everyone["participants"]


def test_opinion_refresh_keeps_blocks_only_of_the_snapshots_kept(conversation, settings):
    settings.OPINION_SNAPSHOTS_KEPT = 2
    _camps(conversation)
    for _ in range(3):
        services.opinion_refresh(conversation_id=conversation.pk)

    kept = set(OpinionSnapshot.objects.values_list("pk", flat=True))
    assert len(kept) == 2
    assert set(OpinionPositionBlock.objects.values_list("snapshot_id", flat=True)) == kept
    # The warm start of each refresh read the previous map's members from its blocks.
    assert OpinionSnapshot.objects.latest("computed_at").state["runs"] == 3


def test_snapshot_positions_of_a_torn_block_is_none_and_the_page_still_renders(conversation):
    clients = _camps(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    OpinionPositionBlock.objects.filter(snapshot=snapshot).update(data=b"torn")

    assert selectors.snapshot_positions(snapshot) is None
    response = clients[min(clients)].get("/conversations/blocks/results/")
    assert response.status_code == 200
    assert _you(response.content.decode()) == []


# -- counts -----------------------------------------------------------------------------------


def _exact(conversation):
    return selectors.conversation_stats_counted(conversation)


def test_conversation_stats_after_a_refresh_match_the_votes(conversation):
    _camps(conversation, people=8)
    services.opinion_refresh(conversation_id=conversation.pk)

    assert selectors.conversation_stats(conversation) == _exact(conversation)
    snapshot = selectors.opinion_latest(conversation)
    assert snapshot.counts["votes"] == Vote.objects.filter(conversation=conversation).count()
    assert snapshot.counts["participants"] == 8


def test_conversation_stats_add_what_happened_since_the_map(conversation):
    clients = _camps(conversation, people=8)
    statements = list(conversation.statements.order_by("id"))
    silent = ParticipantFactory(conversation=conversation)  # joined, has not voted yet
    services.opinion_refresh(conversation_id=conversation.pk)
    first = sorted(clients)[0]
    # A changed vote, a first vote by someone already counted, a new participant voting, and
    # one who joins without voting.
    services.vote_cast(
        participant=Participant.objects.get(pk=first), statement_id=statements[0].pk, value=0
    )
    services.vote_cast(participant=silent, statement_id=statements[1].pk, value=1)
    services.vote_cast(participant=silent, statement_id=statements[2].pk, value=1)
    _vote(Client(), conversation, statements[3], -1)
    ParticipantFactory(conversation=conversation)

    stats = selectors.conversation_stats(conversation)

    assert stats == _exact(conversation)
    assert (stats["participants"], stats["voters"], stats["votes"]) == (11, 10, 35)


def test_conversation_stats_without_counts_in_the_map_count_everything(conversation):
    _camps(conversation, people=6)
    services.opinion_refresh(conversation_id=conversation.pk)
    OpinionSnapshot.objects.update(counts={})
    ParticipantFactory(conversation=conversation)

    assert selectors.conversation_stats(conversation) == _exact(conversation)
    assert selectors.conversation_stats(conversation)["participants"] == 7


def test_results_page_counts_match_the_votes_after_a_refresh(conversation):
    clients = _camps(conversation, people=6)
    services.opinion_refresh(conversation_id=conversation.pk)
    _vote(Client(), conversation, conversation.statements.first(), 1)

    page = clients[min(clients)].get("/conversations/blocks/results/").content.decode()

    assert "7 participants · 25 votes" in page
