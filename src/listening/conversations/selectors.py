"""Shared reads of conversations: pages, the API, the admin and the commands use these."""

from __future__ import annotations

import difflib
import random
import zipfile
from collections.abc import Collection, Iterable
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from listening.analysis.routing import priority
from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationLog,
    ModerationMode,
    OpinionPositionBlock,
    OpinionSnapshot,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from listening.conversations.opinion_map import (
    Positions,
    map_summary,
    positions_block_unpack,
    positions_concat,
    positions_unpack,
)
from listening.conversations.tokens import token_hash, token_is_well_formed
from listening.conversations.vote_cache import import_stamp

POLIS_XID_PREFIX = "polis-"
# What Polis gives a statement nobody has seen yet.
NEW_STATEMENT_PRIORITY = float(priority(*(np.zeros(1) for _ in range(4)))[0])


def conversation_get(slug: str) -> Conversation:
    """The conversation with this slug; raises Conversation.DoesNotExist."""
    return Conversation.objects.select_related("programme", "session").get(slug=slug)


def votable_statuses(conversation: Conversation) -> tuple[str, ...]:
    """Statuses that can be voted on: approved, and pending too when moderation comes after."""
    if conversation.moderation == ModerationMode.PRE:
        return (StatementStatus.APPROVED,)
    return (StatementStatus.APPROVED, StatementStatus.PENDING)


def participant_for_token(*, conversation: Conversation, token: str) -> Participant | None:
    if not token or not token_is_well_formed(token):
        return None
    return (
        Participant.objects.filter(conversation=conversation, token_hash=token_hash(token))
        .select_related("conversation")
        .first()
    )


def participant_by_token(*, slug: str, token: str) -> Participant | None:
    """The participant of conversation ``slug`` holding ``token``, with its conversation; one
    query (the API's hot path)."""
    if not token or not token_is_well_formed(token):
        return None
    return (
        Participant.objects.select_related("conversation")
        .filter(token_hash=token_hash(token), conversation__slug=slug)
        .first()
    )


def participant_votes(*, participant: Participant) -> dict[int, int]:
    """Statement id → the participant's current vote."""
    return dict(Vote.objects.filter(participant=participant).values_list("statement_id", "value"))


def opinion_latest(conversation: Conversation) -> OpinionSnapshot | None:
    """The newest snapshot; its compact ``positions`` are read only when asked for."""
    return (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .defer("positions")
        .order_by("-computed_at", "-id")
        .first()
    )


def snapshot_positions(snapshot: OpinionSnapshot) -> Positions | None:
    """Every participant's position in the snapshot, whichever way it was stored (blocks of
    compact arrays, one blob of them before blocks, or one JSON object per participant in
    ``result`` before that); None when the stored arrays cannot be read."""
    if snapshot.positions_in_blocks:
        blocks = (
            OpinionPositionBlock.objects.filter(snapshot=snapshot)
            .order_by("first_participant")
            .values_list("data", flat=True)
        )
        try:
            return positions_concat([positions_block_unpack(data) for data in blocks.iterator()])
        except ValueError:
            return None
    if snapshot.positions is not None:
        try:
            return positions_unpack(snapshot.positions)
        except (ValueError, KeyError, OSError, zipfile.BadZipFile):
            return None
    return Positions.from_participants((snapshot.result or {}).get("participants", {}))


def snapshot_positions_of(
    snapshot: OpinionSnapshot, participant_ids: Iterable[Any]
) -> dict[str, dict[str, Any]]:
    """The positions of a few participants, in the JSON shape of ``Positions.to_dict``: from a
    snapshot stored in blocks, one indexed read of one block each; from an older one, by
    reading all of it."""
    wanted = []
    for pid in participant_ids:
        try:
            wanted.append((str(pid), int(pid)))
        except (TypeError, ValueError):
            continue
    if not snapshot.positions_in_blocks:
        positions = snapshot_positions(snapshot) if wanted else None
        return positions.to_dict(only=[key for key, _ in wanted]) if positions else {}
    out: dict[str, dict[str, Any]] = {}
    for key, pid in wanted:
        data = (
            OpinionPositionBlock.objects.filter(snapshot=snapshot, first_participant__lte=pid)
            .order_by("-first_participant")
            .values_list("data", flat=True)
            .first()
        )
        if data is None:
            continue
        try:
            item = positions_block_unpack(data).get(pid)
        except ValueError:
            continue
        if item is not None:
            out[key] = item
    return out


def statement_next(*, participant: Participant) -> Statement | None:
    """A votable statement the participant has not voted on, drawn as Polis draws it, or None.

    Polis's routing priority, precomputed in the latest snapshot, weighs the statements the map
    knows; statements newer than the snapshot weigh what Polis gives a statement nobody has
    seen, and among them the one with the fewest votes comes first. The draw is weighted
    random (Polis's ``selectProbabilistically``), so participants do not all pile onto the
    same statements between two maps; it is seeded by the participant and what is left for
    them, so reloading the page shows the same statement until something changes.
    """
    return _statement_drawn(participant, _candidates(participant.conversation, participant))


def statement_next_and_left(*, participant: Participant) -> tuple[Statement | None, int]:
    """``statement_next`` and how many statements are left for the participant to vote on,
    the one drawn included (0 with None). One candidate query for both."""
    candidates = _candidates(participant.conversation, participant)
    return _statement_drawn(participant, candidates), len(candidates)


def statements_left(*, conversation: Conversation, participant: Participant | None) -> int:
    """How many votable statements the participant has not voted on (every votable one for a
    visitor who has not joined). A participant's own statements carry their agreement
    (``statement_submit``), so they are never among them."""
    return len(_candidates(conversation, participant))


def _statement_drawn(participant: Participant, candidates: list[int]) -> Statement | None:
    if not candidates:
        return None
    known, unknown = _weights(participant.conversation, candidates)
    rng = random.Random(f"{participant.pk}:{len(candidates)}")
    ids = list(known)
    weights = [known[sid] for sid in ids]
    if unknown:
        ids.append(_NEW)
        weights.append(NEW_STATEMENT_PRIORITY * len(unknown))
    if sum(weights) <= 0:
        weights = [1.0] * len(ids)
    chosen = rng.choices(ids, weights=weights)[0]
    return Statement.objects.get(pk=_fewest_votes(unknown) if chosen == _NEW else chosen)


def statement_first(*, conversation: Conversation) -> Statement | None:
    """The statement a visitor who has not voted yet would see first: the highest priority
    (statements newer than the snapshot as Polis ranks new ones), ties to the older one."""
    candidates = _candidates(conversation, None)
    if not candidates:
        return None
    known, unknown = _weights(conversation, candidates)
    best_known = max(known.items(), key=lambda kv: (kv[1], -kv[0]), default=None)
    if unknown and (best_known is None or best_known[1] <= NEW_STATEMENT_PRIORITY):
        return Statement.objects.get(pk=_fewest_votes(unknown))
    assert best_known is not None
    return Statement.objects.get(pk=best_known[0])


_NEW = -1  # stands for "one of the statements newer than the snapshot" in the draw


def _candidates(conversation: Conversation, participant: Participant | None) -> list[int]:
    qs = Statement.objects.filter(
        conversation=conversation, status__in=votable_statuses(conversation)
    )
    if participant is not None:
        qs = qs.exclude(pk__in=Vote.objects.filter(participant=participant).values("statement_id"))
        # Their own statements carry their agreement; one stored before that rule is never
        # offered back to its author either.
        qs = qs.exclude(author=participant)
    return list(qs.values_list("id", flat=True))


def _weights(
    conversation: Conversation, candidates: list[int]
) -> tuple[dict[int, float], list[int]]:
    """Priorities from the latest snapshot for the statements it knows, and the others."""
    snapshot = (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .order_by("-computed_at", "-id")
        .values_list("priorities", flat=True)
        .first()
    ) or {}
    known = {sid: float(snapshot[str(sid)]) for sid in candidates if str(sid) in snapshot}
    return known, [sid for sid in candidates if sid not in known]


def _fewest_votes(statement_ids: list[int]) -> int:
    counts = dict(
        Vote.objects.filter(statement_id__in=statement_ids)
        .values_list("statement_id")
        .annotate(n=Count("id"))
        .values_list("statement_id", "n")
    )
    return min(statement_ids, key=lambda sid: (counts.get(sid, 0), sid))


def conversation_open_list() -> QuerySet[Conversation]:
    """The conversations open now (not closed, opened, not past their closing time), the
    newest first."""
    now = timezone.now()
    return (
        Conversation.objects.filter(is_closed=False, opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("-opens_at", "-id")
    )


def statement_list(*, conversation: Conversation, statuses: Iterable[str]) -> QuerySet[Statement]:
    """The conversation's statements with these statuses, oldest first, with their vote counts
    (``agree_count``, ``disagree_count``, ``pass_count``). Which statuses a caller may ask for
    is the caller's rule (public ones: ``public_statuses``)."""
    return (
        Statement.objects.filter(conversation=conversation, status__in=list(statuses))
        .annotate(
            agree_count=Count("votes", filter=Q(votes__value=1)),
            disagree_count=Count("votes", filter=Q(votes__value=-1)),
            pass_count=Count("votes", filter=Q(votes__value=0)),
        )
        .order_by("created_at", "id")
    )


def participant_vote_list(*, participant: Participant) -> QuerySet[Vote]:
    """The participant's own current votes, the oldest first (never anyone else's)."""
    return Vote.objects.filter(participant=participant).order_by("created_at", "id")


def public_statuses(conversation: Conversation) -> tuple[str, ...]:
    """Statuses the public may see: approved, and pending too when moderation comes after.
    Rejected statements are never public."""
    return votable_statuses(conversation)


def statement_texts(*, conversation: Conversation) -> dict[str, str]:
    """Statement id (as the opinion map's JSON spells it) → text, for the statements the public
    may see now (a statement rejected after the map was computed is left out)."""
    return {
        str(pk): text
        for pk, text in Statement.objects.filter(
            conversation=conversation, status__in=public_statuses(conversation)
        ).values_list("id", "text")
    }


# How alike (difflib's ratio, 0–1) a new statement and a public one must be to warn.
NEAR_DUPLICATE_RATIO = 0.8


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split())


def statement_near_duplicate(*, conversation: Conversation, text: str) -> Statement | None:
    """The public statement of the conversation most like ``text`` (difflib's
    ``get_close_matches``: ratio at least ``NEAR_DUPLICATE_RATIO`` on the casefolded texts),
    or None. Only public statements, so a warning never shows a text awaiting moderation."""
    texts: dict[str, int] = {}
    for pk, other in Statement.objects.filter(
        conversation=conversation, status__in=public_statuses(conversation)
    ).values_list("id", "text"):
        texts.setdefault(_comparable(other), pk)
    found = difflib.get_close_matches(_comparable(text), texts, n=1, cutoff=NEAR_DUPLICATE_RATIO)
    return Statement.objects.get(pk=texts[found[0]]) if found else None


ATTRIBUTE_OTHER = "other"  # the class smaller classes are merged into (see opinion_refresh)


def attribute_classes_shown(sizes: dict[str, int], total: int, minimum: int) -> set[str]:
    """The classes of a declared attribute whose breakdown may be shown: each has at least
    ``minimum`` participants, and so have all the others taken together (those in no shown
    class, declared or not), unless there are none — otherwise the statement totals minus the
    shown classes would give away a smaller group's votes. The smallest classes are withheld
    first until that holds."""
    shown = {cls for cls, n in sizes.items() if n >= minimum}
    while shown:
        rest = total - sum(sizes[cls] for cls in shown)
        if rest == 0 or rest >= minimum:
            break
        shown.remove(min(shown, key=lambda cls: (sizes[cls], cls)))
    return shown


def _item_id(item: Any) -> str:
    return str(item["statement"] if isinstance(item, dict) else item)


def opinion_public(
    *,
    conversation: Conversation,
    snapshot: OpinionSnapshot,
    positions_of: Collection[str] | None = None,
) -> dict[str, Any]:
    """The snapshot's opinion map as the public may see it, whatever was stored.

    ``participants`` holds every participant's position (the API's shape), or, when
    ``positions_of`` lists participant ids, only theirs (the results page: it draws the
    thinned points of ``map`` and the viewer's own position, and reads nothing else).
    ``map`` is what the page draws (``opinion_map.map_summary``), ``n_participants`` how
    many participants the map places.

    Statements are filtered by their status *now*: one rejected (or, in pre-moderation, not
    yet approved) after the map was computed is gone from statements, groups' votes and
    representative statements, consensus and attributes at once. Classes of a declared
    attribute (constituency) are shown only as ``attribute_classes_shown`` allows
    (``attributes_withheld`` counts the others, without naming them); the refresh has already
    merged small classes into ``"other"``; a map stored before class sizes were stored shows
    no breakdown.
    """
    shown = {
        str(pk)
        for pk in Statement.objects.filter(
            conversation=conversation, status__in=public_statuses(conversation)
        ).values_list("id", flat=True)
    }
    result: dict[str, Any] = snapshot.result or {}

    def votes(by_sid: dict[str, Any]) -> dict[str, Any]:
        return {sid: counts for sid, counts in by_sid.items() if sid in shown}

    def items(listed: list[Any]) -> list[Any]:
        return [item for item in listed if _item_id(item) in shown]

    out = dict(result)
    out["statements"] = votes(result.get("statements", {}))
    out["groups"] = {
        gid: {
            **group,
            "representative": items(group.get("representative", [])),
            "votes": votes(group.get("votes", {})),
        }
        for gid, group in result.get("groups", {}).items()
    }
    out["consensus"] = {k: items(v) for k, v in result.get("consensus", {}).items()}
    if positions_of is not None:
        out["participants"] = snapshot_positions_of(snapshot, positions_of)
    # A snapshot stored before positions were compact has every participant in ``result``
    # (and, stored before the drawn map was, no ``map``).
    everyone = positions_of is None and "participants" not in result
    if everyone or "map" not in result:
        positions = snapshot_positions(snapshot)
        if positions is None:
            positions = Positions.from_arrays([], np.empty((0, 2)), [], [])
        if everyone:
            out["participants"] = positions.to_dict()
        if "map" not in result:
            out["map"] = map_summary(positions)
        out.setdefault("n_participants", len(positions))
    minimum = settings.MIN_GROUP_SIZE
    total = int(out.get("n_participants", len(result.get("participants", {}))))
    attributes: dict[str, Any] = {}
    sizes: dict[str, dict[str, int]] = {}
    withheld: dict[str, int] = {}
    for name, classes in result.get("attributes", {}).items():
        # A map stored without class sizes shows no breakdown until the next refresh.
        stored = result.get("attribute_sizes", {}).get(name, {})
        public = attribute_classes_shown(stored, total, minimum) & set(classes)
        attributes[name] = {cls: votes(by_sid) for cls, by_sid in classes.items() if cls in public}
        sizes[name] = {cls: stored[cls] for cls in public}
        if len(public) < len(classes):
            withheld[name] = len(classes) - len(public)
    out["attributes"] = attributes
    out["attribute_sizes"] = sizes
    out["attributes_withheld"] = withheld
    out["min_group_size"] = minimum
    return out


def conversations_open(limit: int = 5) -> list[Conversation]:
    """Conversations open now (not closed, opened, not past their closing date), newest first."""
    now = timezone.now()
    return list(
        Conversation.objects.filter(is_closed=False, opens_at__lte=now)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("-opens_at", "-id")[:limit]
    )


def conversation_list() -> QuerySet[Conversation]:
    """Every conversation, newest first, with its programme and session."""
    return Conversation.objects.select_related("programme", "session").order_by("-opens_at", "-id")


def moderation_queue(
    *, conversation: Conversation, status: str | None = None, query: str = ""
) -> QuerySet[Statement]:
    """Statements for moderators, oldest pending first, with their vote counts."""
    qs = Statement.objects.filter(conversation=conversation).select_related("author")
    if status:
        qs = qs.filter(status=status)
    if query.strip():
        qs = qs.filter(text__icontains=query.strip())
    return qs.annotate(
        vote_count=Count("votes"),
        agree_count=Count("votes", filter=Q(votes__value=1)),
        disagree_count=Count("votes", filter=Q(votes__value=-1)),
        pass_count=Count("votes", filter=Q(votes__value=0)),
    ).order_by("created_at", "id")


def moderation_log(*, conversation: Conversation) -> QuerySet[ModerationLog]:
    return (
        ModerationLog.objects.filter(conversation=conversation)
        .select_related("actor", "statement")
        .order_by("-at", "-id")
    )


def conversation_stats(conversation: Conversation) -> dict[str, Any]:
    """Counts for organisers and pages: participants, voters, votes, statements by status.

    Participants, voters and votes are what the latest opinion map counted when it read the
    votes (``OpinionSnapshot.counts``) plus what is newer than that read: participants and
    votes with a larger id, and the participants whose first vote is among those votes. That
    reads only what happened since the map (an index range on the primary key), never every
    vote. A conversation with no map, or only one stored before ``counts``, is counted in full
    (``conversation_stats_counted``). A vote or participant deleted since the map is still
    counted until the next map.
    """
    counts = (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .order_by("-computed_at", "-id")
        .values_list("counts", flat=True)
        .first()
    )
    keys = ("participants", "voters", "votes", "participant_max_id", "vote_max_id")
    if not counts or any(not isinstance(counts.get(k), int) for k in keys):
        return conversation_stats_counted(conversation)
    new_votes, new_voters, new_participants = _counts_since(
        conversation.pk, counts["vote_max_id"], counts["participant_max_id"]
    )
    statements = _statements_by_status(conversation)
    return {
        "participants": counts["participants"] + new_participants,
        "voters": counts["voters"] + new_voters,
        "votes": counts["votes"] + new_votes,
        "statements": statements,
        "statements_total": sum(statements.values()),
        **statements,
    }


def _counts_since(conversation_id: int, vote_max: int, participant_max: int) -> tuple[int, ...]:
    """Votes, first-time voters and participants with an id above the map's: ranges on the
    primary keys. The unary ``+`` keeps SQLite, which has no statistics to tell it that a
    conversation holds millions of votes, from walking the conversation's whole index instead
    (480 ms at 4.8M votes, against a few ms); PostgreSQL plans it the same either way."""
    votes = connection.ops.quote_name(Vote._meta.db_table)
    participants = connection.ops.quote_name(Participant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT CASE WHEN NOT EXISTS ("
            f"SELECT 1 FROM {votes} AS old WHERE old.participant_id = v.participant_id "
            f"AND old.id <= %s) THEN v.participant_id END) "
            f"FROM {votes} AS v WHERE v.id > %s AND +v.conversation_id = %s",
            [vote_max, vote_max, conversation_id],
        )
        n_votes, n_voters = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {participants} WHERE id > %s AND +conversation_id = %s",
            [participant_max, conversation_id],
        )
        (n_participants,) = cursor.fetchone()
    return int(n_votes), int(n_voters), int(n_participants)


def _statements_by_status(conversation: Conversation) -> dict[str, int]:
    by_status = dict(
        Statement.objects.filter(conversation=conversation)
        .order_by()  # the model's ordering would split the groups (one row per created_at)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {s: by_status.get(s, 0) for s in StatementStatus.values}


def conversation_stats_counted(conversation: Conversation) -> dict[str, Any]:
    """``conversation_stats`` counted from every participant and vote (seconds on a
    conversation of millions of votes)."""
    statements = _statements_by_status(conversation)
    return {
        "participants": Participant.objects.filter(conversation=conversation).count(),
        # Participants with a vote (one index probe each), not DISTINCT over every vote.
        "voters": Participant.objects.filter(conversation=conversation)
        .filter(Exists(Vote.objects.filter(participant=OuterRef("pk"))))
        .count(),
        "votes": Vote.objects.filter(conversation=conversation).count(),
        "statements": statements,
        "statements_total": sum(statements.values()),
        **statements,
    }


# -- Polis export -------------------------------------------------------------------------


def polis_ids(rows: Iterable[tuple[int, Any]]) -> dict[int, int | str]:
    """Polis ids for (pk, imported id or xid) pairs: the imported id back where there is one,
    new numbers after the largest for the rest (in pk order), so no id repeats."""
    pairs = sorted(rows, key=lambda r: r[0])
    out: dict[int, int | str] = {}
    for pk, ext in pairs:
        if isinstance(ext, int):
            out[pk] = ext
        elif isinstance(ext, str) and ext.startswith(POLIS_XID_PREFIX):
            text = ext[len(POLIS_XID_PREFIX) :]
            if text.isdigit():
                out[pk] = int(text)
            elif text:
                out[pk] = text
    following = max((v for v in out.values() if isinstance(v, int)), default=-1) + 1
    for pk, _ in pairs:
        if pk not in out:
            out[pk] = following
            following += 1
    return out


def polis_export_data(conversation: Conversation) -> dict[str, Any]:
    """comments, votes, groups and summary, as ``write_polis_export`` takes them."""
    participant_ids = polis_ids(
        Participant.objects.filter(conversation=conversation).values_list("id", "xid")
    )
    statements = list(
        Statement.objects.filter(conversation=conversation)
        .order_by("id")
        .values("id", "external_id", "author_id", "text", "status", "created_at")
    )
    statement_ids = polis_ids((s["id"], s["external_id"]) for s in statements)
    moderated: dict[str, int] = {
        StatementStatus.APPROVED: 1,
        StatementStatus.PENDING: 0,
        StatementStatus.REJECTED: -1,
    }
    comments = [
        {
            "id": statement_ids[s["id"]],
            "author": participant_ids.get(s["author_id"]) if s["author_id"] else None,
            "text": s["text"],
            "moderated": moderated[s["status"]],
            "created": int(s["created_at"].timestamp() * 1000),
        }
        for s in statements
    ]
    # A vote's time is its updated_at, except for an imported vote not changed since: its
    # updated_at is the import's stamp (from its log entry's time), its created_at Polis's.
    imported = {
        import_stamp(at)
        for at in ModerationLog.objects.filter(
            conversation=conversation, action=ModerationAction.IMPORT
        ).values_list("at", flat=True)
    }
    votes = [
        (participant_ids[p], statement_ids[s], v, int(at.timestamp() * 1000))
        for p, s, v, at, _ in sorted(
            (
                (p, s, v, created if updated in imported else updated, pk)
                for p, s, v, created, updated, pk in Vote.objects.filter(conversation=conversation)
                .values_list(
                    "participant_id", "statement_id", "value", "created_at", "updated_at", "id"
                )
                .iterator(chunk_size=10_000)
            ),
            key=lambda row: (row[3], row[4]),
        )
    ]
    snapshot = opinion_latest(conversation)
    groups: dict[Any, int | None] = dict.fromkeys(participant_ids.values())
    n_groups = 0
    positions = snapshot_positions(snapshot) if snapshot is not None else None
    if snapshot is not None and positions is not None:
        n_groups = len(snapshot.result.get("groups", {}))
        for key, g in zip(positions.ids.tolist(), positions.group.tolist(), strict=True):
            pid = participant_ids.get(key)
            if pid is not None:
                groups[pid] = None if g < 0 else g
    voters = {v[0] for v in votes}
    summary = {
        "topic": conversation.topic,
        "url": "",
        "views": len(participant_ids),
        "voters": len(voters),
        "voters-in-conv": (snapshot.result.get("n_in_conversation", 0) if snapshot else 0),
        "commenters": len({c["author"] for c in comments if c["author"] is not None}),
        "comments": len(comments),
        "groups": n_groups,
        "conversation-description": conversation.description,
    }
    return {"comments": comments, "votes": votes, "groups": groups, "summary": summary}


# -- Results charts and report (bars) ------------------------------------------------------


def _agree_rate(counts: dict[str, Any]) -> float:
    """Agreement among those who saw the statement, with Polis's +1/+2 smoothing so that a
    group that barely voted does not look unanimous."""
    return (int(counts.get("agree", 0)) + 1) / (int(counts.get("seen", 0)) + 2)


def statements_divisive(result: dict[str, Any], *, limit: int = 10) -> list[dict[str, Any]]:
    """The statements on which the opinion groups differ most, from the stored per-group vote
    figures of ``result`` (as ``opinion_public`` returns it): the spread (highest minus lowest)
    of the groups' smoothed agreement rates, among groups in which at least one participant
    saw the statement. Needs two groups; best first, ties to the older statement."""
    groups = list(result.get("groups", {}).values())
    if len(groups) < 2:
        return []
    out = []
    for sid in result.get("statements", {}):
        rates = [
            _agree_rate(g["votes"][sid])
            for g in groups
            if int(g.get("votes", {}).get(sid, {}).get("seen", 0)) > 0
        ]
        if len(rates) >= 2:
            out.append({"statement": sid, "spread": max(rates) - min(rates)})
    out.sort(key=lambda item: (-item["spread"], int(item["statement"])))
    return out[:limit]


def conversation_growth(
    conversation: Conversation, *, statuses: Iterable[str] | None = None
) -> dict[str, Any]:
    """New participants, votes and statements (by status) per period, every period from the
    first to the last with any of them (days in the site's time zone). The period is a day
    while the conversation spans at most ``GROWTH_POINTS`` days, else a week (Monday first),
    else a month, so a chart never has more than ``GROWTH_POINTS`` points. ``statuses``
    limits the statements counted (the public pages pass the public ones)."""
    from datetime import date

    from django.db import connection
    from django.db.models.functions import Substr, TruncDate

    # SQLite stores UTC times as text and runs TruncDate as a Python function per row (18 s
    # for 2 million votes); when the site's days are UTC days the text's date part is the day
    # (1.5 s). PostgreSQL truncates natively.
    as_text = connection.vendor == "sqlite" and settings.TIME_ZONE == "UTC"

    def per_day(qs: QuerySet[Any], *extra: str) -> list[tuple[Any, ...]]:
        day = Substr("created_at", 1, 10) if as_text else TruncDate("created_at")
        rows = list(
            qs.annotate(day=day)
            .values_list("day", *extra)
            .annotate(n=Count("id"))
            .values_list("day", *extra, "n")
            .order_by()
        )
        if as_text:
            rows = [(date.fromisoformat(r[0]), *r[1:]) if r[0] else r for r in rows]
        return rows

    participants = dict(per_day(Participant.objects.filter(conversation=conversation)))
    votes = dict(per_day(Vote.objects.filter(conversation=conversation)))
    statement_qs = Statement.objects.filter(conversation=conversation)
    kept = list(statuses) if statuses is not None else list(StatementStatus.values)
    statement_qs = statement_qs.filter(status__in=kept)
    statements: dict[str, dict[Any, int]] = {s: {} for s in kept}
    for day, status, n in per_day(statement_qs, "status"):
        statements[status][day] = n
    every = set(participants) | set(votes) | {d for by in statements.values() for d in by}
    every.discard(None)
    if not every:
        return {"period": "day", "days": [], "participants": [], "votes": [], "statements": {}}
    first, last = min(every), max(every)
    span = (last - first).days + 1
    period = "day" if span <= GROWTH_POINTS else "week" if span <= 7 * GROWTH_POINTS else "month"
    starts = _period_starts(first, last, period)
    index = {start: i for i, start in enumerate(starts)}

    def binned(by_day: dict[Any, int]) -> list[int]:
        values = [0] * len(starts)
        for day, n in by_day.items():
            if day is not None:
                values[index[_period_start(day, period)]] += n
        return values

    return {
        "period": period,
        "days": starts,
        "participants": binned(participants),
        "votes": binned(votes),
        "statements": {s: binned(by) for s, by in statements.items()},
    }


GROWTH_POINTS = 92


def _period_start(day: Any, period: str) -> Any:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _period_starts(first: Any, last: Any, period: str) -> list[Any]:
    starts, start = [], _period_start(first, period)
    while start <= last:
        starts.append(start)
        if period == "month":
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            start += timedelta(days=7 if period == "week" else 1)
    return starts


MAP_CELLS_X, MAP_CELLS_Y = 16, 10


Cells = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # placed ids (sorted), their cell


def participant_cells(positions: Positions | None) -> Cells:
    """The participants placed in a group (ids, sorted) and the cell (``i * MAP_CELLS_Y + j``)
    of the ``MAP_CELLS_X`` × ``MAP_CELLS_Y`` grid over the opinion map's extent where each
    sits (none when the positions cannot be read). Computed on arrays: a million participants
    in a few tens of milliseconds. Kept on the server only."""
    if positions is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    placed = positions.group >= 0
    ids = positions.ids[placed]
    if not len(ids):
        return ids, np.empty(0, dtype=np.int64)
    xy = positions.xy[placed].astype(np.float64)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    i = np.minimum(MAP_CELLS_X - 1, ((xy[:, 0] - lo[0]) / span[0] * MAP_CELLS_X).astype(np.int64))
    j = np.minimum(MAP_CELLS_Y - 1, ((xy[:, 1] - lo[1]) / span[1] * MAP_CELLS_Y).astype(np.int64))
    return ids, i * MAP_CELLS_Y + j


def statement_map_cells(
    *,
    conversation: Conversation,
    cells: Cells,
    statement_id: int,
) -> dict[str, Any]:
    """Where the participants who agreed and who disagreed with a statement sit on the opinion
    map, counted per cell (``cells`` from ``participant_cells``). A cell with fewer than
    ``MIN_GROUP_SIZE`` such participants is left out, so no participant can be picked out;
    their number is returned (``hidden``) without saying where. No participant id leaves this
    function."""
    minimum = settings.MIN_GROUP_SIZE
    ids, cell_of = cells
    votes = np.array(
        Vote.objects.filter(
            conversation=conversation, statement_id=statement_id, value__in=(1, -1)
        ).values_list("participant_id", "value"),
        dtype=np.int64,
    ).reshape(-1, 2)
    out: dict[str, Any] = {"cells": {}, "hidden": {}, "grid": [MAP_CELLS_X, MAP_CELLS_Y]}
    if not len(ids):
        out["grid"] = []
    at = np.searchsorted(ids, votes[:, 0]) if len(ids) else np.zeros(len(votes), np.int64)
    at = np.minimum(at, max(len(ids) - 1, 0))
    placed = (ids[at] == votes[:, 0]) if len(ids) else np.zeros(len(votes), bool)
    for name, value in (("agree", 1), ("disagree", -1)):
        chosen = placed & (votes[:, 1] == value)
        by_cell = np.bincount(cell_of[at[chosen]], minlength=MAP_CELLS_X * MAP_CELLS_Y)
        shown = (by_cell >= minimum) & (by_cell > 0)
        out["cells"][name] = [
            [int(cell) // MAP_CELLS_Y, int(cell) % MAP_CELLS_Y, int(by_cell[cell])]
            for cell in np.flatnonzero(shown)
        ]
        out["hidden"][name] = int(by_cell[(by_cell > 0) & ~shown].sum())
    return out


def opinion_latest_deferred(conversation: Conversation) -> OpinionSnapshot | None:
    """The latest opinion map without loading its stored figures (``result``, ``state``,
    ``priorities``, and the ``positions`` of a map stored before blocks), which a large
    conversation makes megabytes long; reading ``result`` later loads it."""
    return (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .defer("result", "state", "priorities", "positions")
        .order_by("-computed_at", "-id")
        .first()
    )
