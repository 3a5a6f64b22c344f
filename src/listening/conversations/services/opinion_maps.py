"""Opinion maps: compute a snapshot, and schedule the next one (thread, Celery or sync)."""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections import Counter
from collections.abc import Hashable

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from listening.analysis import (
    OpinionState,
    VoteMatrix,
    compute_opinions,
    routing_priorities,
)
from listening.conversations.models import (
    Conversation,
    OpinionPositionBlock,
    OpinionSnapshot,
    Participant,
    Statement,
    StatementStatus,
)
from listening.conversations.opinion_map import Positions, map_summary, positions_blocks
from listening.conversations.selectors import (
    ATTRIBUTE_OTHER,
    attribute_classes_shown,
    snapshot_positions,
    votable_statuses,
)
from listening.conversations.vote_cache import VoteTable, votes_read

log = logging.getLogger(__name__)


def opinion_refresh(*, conversation_id: int) -> OpinionSnapshot | None:
    """Compute the conversation's opinion map and store it as the newest snapshot.

    Votes are read by ``vote_cache`` (bulk, and only those changed since the last map when its
    cached matrix can be trusted). Votes on rejected statements are passed as moderated out
    (Polis's semantics); the previous snapshot's state carries k-smoothing and warm starts
    over. The previous map stays visible until the new one is committed (a failed refresh
    leaves it as it was); only the last ``OPINION_SNAPSHOTS_KEPT`` are kept. When no public
    statement has votes left, the stored maps are deleted (and None returned), so none keeps
    showing a statement rejected since. Constituency classes are merged or withheld as
    ``_classes_of_minimum_size`` says, and their sizes stored in ``attribute_sizes``.
    Positions are stored compactly, in blocks of consecutive participants
    (``OpinionPositionBlock``); ``result`` holds the summary and the drawn map, ``counts``
    the participants, voters and votes the read saw (``_counts``).
    """
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    started = time.perf_counter()
    statuses = dict(Statement.objects.filter(conversation=conversation).values_list("id", "status"))
    visible = set(votable_statuses(conversation)) | {StatementStatus.APPROVED}
    shown = {sid for sid, status in statuses.items() if status in visible}
    rejected = {sid for sid, status in statuses.items() if status == StatementStatus.REJECTED}
    table = votes_read(conversation)
    matrix, on_shown = _map_matrix(table, shown, rejected)
    if matrix is None or on_shown == 0:
        # Nothing left to map (say the only statement with votes was rejected): a stored map
        # would still show it, so the stored maps go.
        OpinionSnapshot.objects.filter(conversation=conversation).delete()
        return None
    previous = (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .order_by("-computed_at", "-id")
        .first()
    )
    state = snapshot_state(previous) if previous is not None else None
    in_map = set(matrix.participant_ids)
    constituencies, sizes = _classes_of_minimum_size(
        {
            pid: value
            for pid, value in Participant.objects.filter(conversation=conversation)
            .exclude(constituency="")
            .values_list("id", "constituency")
            if pid in in_map
        },
        total=len(in_map),
    )
    result = compute_opinions(
        matrix,
        state=state,
        seed=0,
        attributes={"constituency": constituencies} if constituencies else None,
        moderated_out=rejected & set(matrix.statement_ids),
        method="polis",
    )
    priorities = routing_priorities(matrix, result)
    positions = Positions.from_arrays(
        result.participant_ids,
        result.participant_xy,
        result.participant_group,
        result.in_conversation,
    )
    # The summary without one JSON object per participant (they go into ``positions``).
    summary = dataclasses.replace(
        result,
        participant_ids=[],
        participant_xy=np.empty((0, 2)),
        participant_group=np.empty(0, dtype=np.int64),
        in_conversation=np.empty(0, dtype=bool),
    ).to_json()
    summary.pop("participants", None)
    summary["n_in_conversation"] = int(result.in_conversation.sum())
    summary["n_participants"] = len(positions)
    summary["map"] = map_summary(positions)
    summary["attribute_sizes"] = {"constituency": sizes}
    # The state's member lists are the positions' groups and flags: stored once, there.
    state_json = dataclasses.replace(result.state, in_conversation=set(), group_of={}).to_dict()
    del state_json["in_conversation"], state_json["groups"]
    state_json["members_in_positions"] = True
    counts = _counts(conversation, table)
    with transaction.atomic():
        snapshot = OpinionSnapshot.objects.create(
            conversation=conversation,
            computed_at=timezone.now(),
            vote_count=on_shown,
            participant_count=matrix.shape[0],
            result=summary,
            state=state_json,
            positions=None,
            positions_in_blocks=True,
            counts=counts,
            priorities={str(s): round(p, 6) for s, p in priorities.items() if s in shown},
            seconds=time.perf_counter() - started,
        )
        OpinionPositionBlock.objects.bulk_create(
            [
                OpinionPositionBlock(snapshot=snapshot, first_participant=first, data=data)
                for first, data in positions_blocks(positions)
            ],
            batch_size=50,
        )
        kept = getattr(settings, "OPINION_SNAPSHOTS_KEPT", 3)
        old = OpinionSnapshot.objects.filter(conversation=conversation).order_by(
            "-computed_at", "-id"
        )[kept:]
        OpinionSnapshot.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return snapshot


def _counts(conversation: Conversation, table: VoteTable) -> dict[str, int]:
    """What ``selectors.conversation_stats`` adds newer rows to: the votes and voters of the
    read (every current vote, on any statement), the participants up to the largest id now,
    and the largest ids counted."""
    participants = Participant.objects.filter(conversation=conversation).aggregate(
        n=Count("id"), last=Max("id")
    )
    return {
        "participants": int(participants["n"]),
        "participant_max_id": int(participants["last"] or 0),
        "voters": int(np.count_nonzero(np.diff(table.matrix.indptr))),
        "votes": table.n_votes,
        "vote_max_id": int(table.max_id),
    }


def _map_matrix(
    table: VoteTable, shown: set[int], rejected: set[int]
) -> tuple[VoteMatrix | None, int]:
    """The votes the map reads (on shown or rejected statements; participants with none left
    out) and how many of them are on shown statements."""
    keep = np.isin(table.statement_ids, np.fromiter(shown | rejected, dtype=np.int64))
    if not keep.any():
        return None, 0
    cols = np.flatnonzero(keep)
    sub = sp.csr_matrix(table.matrix[:, cols])
    sub.sort_indices()
    sids = table.statement_ids[cols]
    on_shown_cols = np.isin(sids, np.fromiter(shown, dtype=np.int64))
    on_shown = int(on_shown_cols[sub.indices].sum())
    rows = np.flatnonzero(np.diff(sub.indptr) > 0)
    if len(rows) == 0:
        return None, 0
    if len(rows) < sub.shape[0]:
        sub = sp.csr_matrix(sub[rows])
        sub.sort_indices()
    votes = sp.csr_matrix(
        ((sub.data.astype(np.int8) - 2).astype(np.int8), sub.indices, sub.indptr),
        shape=sub.shape,
    )
    votes.has_sorted_indices = True
    pids = table.participant_ids[rows]
    return VoteMatrix(votes, pids.tolist(), sids.tolist()), on_shown


def snapshot_state(snapshot: OpinionSnapshot) -> OpinionState | None:
    """The warm-start state a snapshot carries (its member lists read from its positions when
    it stored them there); None when it has none."""
    data = dict(snapshot.state or {})
    if not data:
        return None
    if data.pop("members_in_positions", False):
        positions = snapshot_positions(snapshot)
        if positions is None:
            return None
        data["in_conversation"] = positions.ids[positions.in_conversation].tolist()
        groups: dict[str, list[int]] = {}
        placed = positions.group >= 0
        for g in np.unique(positions.group[placed]).tolist():
            groups[str(g)] = positions.ids[positions.group == g].tolist()
        data["groups"] = groups
    return OpinionState.from_dict(data)


def _classes_of_minimum_size(
    values: dict[Hashable, str], total: int
) -> tuple[dict[Hashable, str], dict[str, int]]:
    """Participant → class for the classes that may be shown, and their sizes: classes under
    ``MIN_GROUP_SIZE`` merged into "other", then ``attribute_classes_shown`` (``total`` is
    everyone in the map); the participants of a class withheld get no class."""
    minimum = settings.MIN_GROUP_SIZE
    sizes = Counter(values.values())
    small = {cls for cls, n in sizes.items() if n < minimum}
    merged = {p: ATTRIBUTE_OTHER if cls in small else cls for p, cls in values.items()}
    sizes = Counter(merged.values())
    shown = attribute_classes_shown(dict(sizes), total, minimum)
    kept = {p: cls for p, cls in merged.items() if cls in shown}
    return kept, {cls: sizes[cls] for cls in shown}


def _debounce_key(conversation_id: int) -> str:
    return f"opinion:scheduled:{conversation_id}"


def opinion_schedule(*, conversation_id: int) -> None:
    """Ask for a fresh opinion map soon; many calls within the debounce make one run.

    Never computes in the caller's request: ``OPINION_JOBS`` picks the in-process worker
    thread ("thread"), Celery ("celery"), right after commit ("sync", for tests) or nothing
    ("off"). Scheduling waits for the caller's transaction to commit.
    """
    mode = settings.OPINION_JOBS
    if mode == "off":
        return
    if mode == "sync":
        transaction.on_commit(lambda: _refresh_logged(conversation_id))
    elif mode == "celery":
        transaction.on_commit(lambda: _schedule_celery(conversation_id))
    else:
        transaction.on_commit(lambda: _schedule_thread(conversation_id))


def _refresh_logged(conversation_id: int) -> None:
    try:
        opinion_refresh(conversation_id=conversation_id)
    except Exception:
        log.exception("opinion map of conversation %s failed", conversation_id)


def opinion_refresh_wait(conversation_id: int) -> float:
    """Seconds until the next opinion map of the conversation is due (0 when due now).

    Maps are at least ``OPINION_DEBOUNCE_SECONDS`` apart, and further apart when they are
    costly (``OPINION_COST_FACTOR`` times the last computation), counted from the latest
    snapshot in the database, so several web processes or Celery workers share one rhythm.
    """
    last = (
        OpinionSnapshot.objects.filter(conversation_id=conversation_id)
        .order_by("-computed_at")
        .values_list("computed_at", "seconds")
        .first()
    )
    if last is None:
        return 0.0
    computed_at, seconds = last
    gap = max(settings.OPINION_DEBOUNCE_SECONDS, settings.OPINION_COST_FACTOR * seconds)
    return max(0.0, (computed_at - timezone.now()).total_seconds() + gap)


def _refresh_when_due(conversation_id: int) -> None:
    wait = opinion_refresh_wait(conversation_id)
    if wait > 0:
        _schedule_thread(conversation_id, delay=wait)
    else:
        _refresh_logged(conversation_id)


def _schedule_thread(conversation_id: int, delay: float | None = None) -> None:
    from listening.conversations.jobs import worker

    worker.schedule(
        ("opinion", conversation_id),
        functools.partial(_refresh_when_due, conversation_id),
        delay=settings.OPINION_DEBOUNCE_SECONDS if delay is None else delay,
    )


def _schedule_celery(conversation_id: int) -> None:
    from listening.conversations.tasks import opinion_refresh_task

    delay = settings.OPINION_DEBOUNCE_SECONDS
    # The key expires on its own, so a lost task delays the map but never stops it for good.
    if cache.add(_debounce_key(conversation_id), 1, timeout=max(60, int(delay * 10))):
        opinion_refresh_task.apply_async(args=[conversation_id], countdown=delay)


def opinion_refresh_scheduled(*, conversation_id: int) -> OpinionSnapshot | None:
    """The Celery task's body: free the debounce slot first, so later votes schedule again;
    when another worker made a map moments ago, come back when the next one is due."""
    wait = opinion_refresh_wait(conversation_id)
    if wait > 0:
        from listening.conversations.tasks import opinion_refresh_task

        opinion_refresh_task.apply_async(args=[conversation_id], countdown=wait)
        return None
    cache.delete(_debounce_key(conversation_id))
    return opinion_refresh(conversation_id=conversation_id)
