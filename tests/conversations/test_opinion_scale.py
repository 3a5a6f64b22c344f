"""The opinion map at scale: bulk and incremental vote reading, compact snapshots, failures."""

import datetime as dt

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from listening.analysis import VoteMatrix, compute_opinions
from listening.conversations import services, vote_cache
from listening.conversations.models import OpinionSnapshot, StatementStatus, Vote
from listening.conversations.opinion_map import build_map
from listening.conversations.selectors import (
    opinion_latest,
    opinion_public,
    snapshot_positions,
)
from listening.conversations.services import opinion_maps
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


@pytest.fixture
def conversation():
    return ConversationFactory(slug="scale")


def _polarised(conversation, people=14, statements=6):
    items = StatementFactory.create_batch(statements, conversation=conversation)
    voters = ParticipantFactory.create_batch(people, conversation=conversation)
    for i, p in enumerate(voters):
        side = 1 if i % 2 else -1
        for j, s in enumerate(items):
            value = side if j < statements // 2 else -side
            Vote.objects.create(conversation=conversation, participant=p, statement=s, value=value)
    return items, voters


def _cell(table, participant_id, statement_id):
    i = int(np.searchsorted(table.participant_ids, participant_id))
    j = int(np.searchsorted(table.statement_ids, statement_id))
    return int(table.matrix[i, j]) - 2


def _same(a, b):
    return (
        np.array_equal(a.participant_ids, b.participant_ids)
        and np.array_equal(a.statement_ids, b.statement_ids)
        and (a.matrix != b.matrix).nnz == 0
        and a.matrix.nnz == b.matrix.nnz
    )


# -- incremental reading --------------------------------------------------------------------


def test_votes_read_incremental_sees_a_vote_changed_after_the_last_map(conversation):
    items, voters = _polarised(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    before = Vote.objects.get(participant=voters[0], statement=items[0]).value
    services.vote_cast(participant=voters[0], statement_id=items[0].pk, value=-before)

    table = vote_cache.votes_read(conversation)

    assert table.how == "incremental"
    assert _cell(table, voters[0].pk, items[0].pk) == -before
    assert _same(table, vote_cache.votes_read(conversation, use_cache=False))


def test_votes_read_incremental_adds_new_participants_statements_and_passes(conversation):
    items, _ = _polarised(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    newcomer = ParticipantFactory(conversation=conversation)
    extra = StatementFactory(conversation=conversation)
    services.vote_cast(participant=newcomer, statement_id=items[1].pk, value=0)
    services.vote_cast(participant=newcomer, statement_id=extra.pk, value=1)

    table = vote_cache.votes_read(conversation)

    assert table.how == "incremental"
    assert _cell(table, newcomer.pk, items[1].pk) == 0  # a pass is a seen cell
    assert _cell(table, newcomer.pk, extra.pk) == 1
    assert table.n_votes == Vote.objects.filter(conversation=conversation).count()
    assert _same(table, vote_cache.votes_read(conversation, use_cache=False))


def test_opinion_refresh_statement_rejected_since_the_last_map_is_moderated_out(conversation):
    items, _ = _polarised(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    items[0].status = StatementStatus.REJECTED
    items[0].save()

    snapshot = services.opinion_refresh(conversation_id=conversation.pk)

    assert str(items[0].pk) not in snapshot.result["statements"]
    assert str(items[0].pk) not in snapshot.priorities
    assert snapshot.vote_count == 14 * 5
    # Its votes still count for who is in the conversation, as a cold read gives.
    vote_cache.cache_clear(conversation.pk)
    cold = services.opinion_refresh(conversation_id=conversation.pk)
    assert cold.result["statements"] == snapshot.result["statements"]
    assert cold.result["n_in_conversation"] == snapshot.result["n_in_conversation"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_votes_read_damaged_cache_falls_back_to_a_full_read(conversation, damage):
    items, voters = _polarised(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    path = vote_cache.cache_path(conversation.pk)
    assert path.exists()
    if damage == "garbage":
        path.write_bytes(b"not a vote matrix")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-40])
    else:
        path.unlink()
    services.vote_cast(participant=voters[2], statement_id=items[3].pk, value=0)

    table = vote_cache.votes_read(conversation)

    assert table.how == "full"
    assert _cell(table, voters[2].pk, items[3].pk) == 0
    assert _same(table, vote_cache.votes_read(conversation, use_cache=False))
    assert vote_cache.votes_read(conversation).how == "incremental"  # rewritten


def test_votes_read_stale_cache_after_deleted_votes_falls_back_to_a_full_read(conversation):
    _items, voters = _polarised(conversation)
    services.opinion_refresh(conversation_id=conversation.pk)
    Vote.objects.filter(participant=voters[0]).delete()

    table = vote_cache.votes_read(conversation)

    assert table.how == "full"
    assert voters[0].pk not in table.participant_ids.tolist()


def test_votes_read_cache_of_another_conversation_with_the_same_id_is_not_used(conversation):
    _polarised(conversation)
    vote_cache.votes_read(conversation)
    conversation.created_at = conversation.created_at - dt.timedelta(days=1)

    assert vote_cache.votes_read(conversation).how == "full"


def test_opinion_refresh_result_is_the_same_from_the_cache_and_from_a_cold_read(conversation):
    items, voters = _polarised(conversation, people=20)
    services.opinion_refresh(conversation_id=conversation.pk)
    services.vote_cast(participant=voters[5], statement_id=items[4].pk, value=0)
    warm = services.opinion_refresh(conversation_id=conversation.pk)
    warm_positions = snapshot_positions(warm)
    # The same refresh again from the same previous map, with the cache gone.
    warm.delete()
    vote_cache.cache_clear(conversation.pk)

    cold = services.opinion_refresh(conversation_id=conversation.pk)

    assert cold.result == warm.result
    cold_positions = snapshot_positions(cold)
    assert np.array_equal(cold_positions.ids, warm_positions.ids)
    assert np.array_equal(cold_positions.xy, warm_positions.xy)
    assert np.array_equal(cold_positions.group, warm_positions.group)


# -- compact snapshots ----------------------------------------------------------------------


def test_opinion_snapshot_positions_read_back_exactly(conversation):
    _polarised(conversation, people=16)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    rows = list(
        Vote.objects.filter(conversation=conversation).values_list(
            "participant_id", "statement_id", "value"
        )
    )
    p, s, v = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    expected = compute_opinions(VoteMatrix.from_votes(p, s, v), seed=0, method="polis")

    stored = snapshot_positions(OpinionSnapshot.objects.get(pk=snapshot.pk))

    assert stored.ids.tolist() == expected.participant_ids
    assert np.array_equal(stored.xy, expected.participant_xy.astype(np.float32))
    assert stored.group.tolist() == expected.participant_group.tolist()
    assert stored.in_conversation.tolist() == expected.in_conversation.tolist()
    assert "participants" not in snapshot.result
    assert "in_conversation" not in snapshot.state


def test_opinion_snapshot_state_carries_members_from_the_positions(conversation):
    _polarised(conversation)
    first = services.opinion_refresh(conversation_id=conversation.pk)
    state = opinion_maps.snapshot_state(OpinionSnapshot.objects.get(pk=first.pk))
    positions = snapshot_positions(first)

    assert state.in_conversation == set(positions.ids[positions.in_conversation].tolist())
    assert state.group_of == {
        int(pid): int(g) for pid, g in zip(positions.ids, positions.group, strict=True) if g >= 0
    }
    second = services.opinion_refresh(conversation_id=conversation.pk)
    assert second.state["runs"] == 2


def test_opinion_public_for_the_results_page_holds_only_the_viewers_position(conversation):
    _, voters = _polarised(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    latest = opinion_latest(conversation)
    everyone = opinion_public(conversation=conversation, snapshot=latest)
    mine = opinion_public(
        conversation=conversation, snapshot=latest, positions_of=[str(voters[3].pk)]
    )

    assert set(everyone["participants"]) == {str(v.pk) for v in voters}
    assert mine["participants"] == {str(voters[3].pk): everyone["participants"][str(voters[3].pk)]}
    assert mine["groups"] == everyone["groups"]
    drawn = build_map(mine, you=str(voters[3].pk))
    assert drawn.you is not None
    assert drawn.total == sum(g["size"] for g in snapshot.result["groups"].values())
    assert sum(g.size for g in drawn.groups) == drawn.total


def test_opinion_public_reads_a_snapshot_stored_in_the_old_json_form(conversation):
    _, voters = _polarised(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    positions = snapshot_positions(snapshot)
    old_result = {k: v for k, v in snapshot.result.items() if k not in ("map", "n_participants")}
    old_result["participants"] = positions.to_dict()
    state = opinion_maps.snapshot_state(snapshot)
    old = OpinionSnapshot.objects.create(
        conversation=conversation, result=old_result, state=state.to_dict(), positions=None
    )
    OpinionSnapshot.objects.exclude(pk=old.pk).delete()

    public = opinion_public(conversation=conversation, snapshot=opinion_latest(conversation))
    drawn = build_map(public, you=str(voters[0].pk))

    assert public["participants"] == old_result["participants"]
    assert public["map"]["total"] == drawn.total > 0
    assert drawn.you is not None
    assert services.opinion_refresh(conversation_id=conversation.pk).state["runs"] == 2


# -- bad input ------------------------------------------------------------------------------


def test_opinion_refresh_failing_keeps_the_previous_map_visible(
    conversation, client, monkeypatch, django_capture_on_commit_callbacks
):
    items, voters = _polarised(conversation)
    first = services.opinion_refresh(conversation_id=conversation.pk)

    def broken(*args, **kwargs):
        raise FloatingPointError("the computation failed")

    monkeypatch.setattr(opinion_maps, "compute_opinions", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(participant=voters[1], statement_id=items[0].pk, value=0)

    assert opinion_latest(conversation).pk == first.pk
    response = client.get(f"/conversations/{conversation.slug}/results/")
    assert response.status_code == 200
    assert b"map-title" in response.content


@pytest.mark.parametrize("shape", ["one participant", "one statement", "all moderated out"])
def test_opinion_refresh_degenerate_conversation_never_raises(conversation, client, shape):
    if shape == "one participant":
        _polarised(conversation, people=1)
    elif shape == "one statement":
        _polarised(conversation, people=8, statements=1)
    else:
        items, _ = _polarised(conversation)
        services.opinion_refresh(conversation_id=conversation.pk)
        for s in items:
            s.status = StatementStatus.REJECTED
            s.save()

    snapshot = services.opinion_refresh(conversation_id=conversation.pk)

    if shape == "all moderated out":
        assert snapshot is None
        assert not OpinionSnapshot.objects.filter(conversation=conversation).exists()
    response = client.get(f"/conversations/{conversation.slug}/results/")
    assert response.status_code == 200


def test_votes_read_changed_vote_time_window_is_indexed(conversation):
    """The incremental read filters on (conversation, updated_at): the index exists."""
    names = {index.name for index in Vote._meta.indexes}
    assert "vote_conversation_updated" in names
    _polarised(conversation, people=2)
    services.opinion_refresh(conversation_id=conversation.pk)
    # A vote stamped long ago but inserted since (an import) is still seen: by its id.
    newcomer = ParticipantFactory(conversation=conversation)
    Vote.objects.create(
        conversation=conversation,
        participant=newcomer,
        statement=conversation.statements.first(),
        value=1,
        updated_at=timezone.now() - dt.timedelta(days=400),
        created_at=timezone.now() - dt.timedelta(days=400),
    )
    table = vote_cache.votes_read(conversation)
    assert table.how == "incremental"
    assert newcomer.pk in table.participant_ids.tolist()
