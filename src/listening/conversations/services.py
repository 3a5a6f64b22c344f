"""Every write to a conversation: participants, votes, statements, moderation, opinion maps.

See docs/conversations.md for the rules and the reasons behind the vote path.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from listening.analysis import (
    OpinionState,
    PolisExport,
    VoteMatrix,
    compute_opinions,
    routing_priorities,
)
from listening.conversations import ratelimit
from listening.conversations.models import (
    Constituency,
    Conversation,
    InvitationCode,
    ModerationAction,
    ModerationLog,
    ModerationMode,
    OpinionSnapshot,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    statement_key,
    statement_normalise,
)
from listening.conversations.selectors import (
    POLIS_XID_PREFIX,
    conversation_get,
    participant_by_token,
    votable_statuses,
)
from listening.conversations.tokens import token_hash, token_is_well_formed, token_new
from listening.programmes.models import ListeningSession

log = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser


# -- errors -------------------------------------------------------------------------------


class ConversationError(Exception):
    """A request the conversation cannot accept; the message is shown to the person as is."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class ConversationClosed(ConversationError):
    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This conversation is closed: it takes no new votes or statements.")
        )


class StatementNotVotable(ConversationError):
    status_code = 404


class InvalidVote(ConversationError):
    status_code = 422


class StatementRejected(ConversationError):
    status_code = 422


class InvitationInvalid(ConversationError):
    status_code = 403


class InvalidConstituency(ConversationError):
    status_code = 422


class ParticipantUnknown(ConversationError):
    status_code = 401

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This participant token is malformed or unknown in this conversation.")
        )


class RateLimited(ConversationError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# -- participants -------------------------------------------------------------------------


def _check_constituency(constituency: str) -> str:
    constituency = (constituency or "").strip()
    if constituency and constituency not in Constituency.values:
        choices = ", ".join(Constituency.values)
        raise InvalidConstituency(
            _("%(value)s is not a constituency; choose one of %(choices)s, or none.")
            % {"value": repr(constituency), "choices": choices}
        )
    return constituency


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(user.is_authenticated)


def _account(user: User | None) -> Any:
    """The signed-in user as the models' foreign keys take it, or None."""
    return user if _signed_in(user) else None


def _rotate_token(participant: Participant, constituency: str) -> str:
    token = token_new()
    participant.token_hash = token_hash(token)
    fields = ["token_hash"]
    if constituency and constituency != participant.constituency:
        participant.constituency = constituency
        fields.append("constituency")
    participant.save(update_fields=fields)
    return token


@transaction.atomic
def participant_create(
    *,
    conversation: Conversation,
    user: User | None = None,
    xid: str = "",
    constituency: str = "",
    invitation_code: str = "",
    ip: str = "",
) -> tuple[Participant, str]:
    """A participant and its raw token (only the token's hash is stored).

    A signed-in user, or an external id (Polis's ``xid``) already known in this conversation,
    gets their existing participant back with a fresh token; their previous token stops working.
    External ids starting with ``polis-`` belong to imported participants and are refused, so
    nobody can take over an imported participant's votes. Joins are rate-limited per IP.
    """
    if not conversation.is_open():
        raise ConversationClosed()
    constituency = _check_constituency(constituency)
    xid = (xid or "").strip()
    if len(xid) > 200:
        raise ConversationError(_("An external id (xid) can be at most 200 characters long."))
    if xid.startswith(POLIS_XID_PREFIX):
        raise ConversationError(
            _("External ids starting with %(prefix)s are reserved for imported participants.")
            % {"prefix": POLIS_XID_PREFIX},
            status_code=422,
        )
    wait = ratelimit.hit(
        "join", ip and f"ip{ip}", limit=settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP, window=3600
    )
    if wait is not None:
        raise RateLimited(
            _("Too many %(what)s in a short time; please wait %(wait)d seconds and try again.")
            % {"what": _("new participants"), "wait": wait},
            retry_after=wait,
        )
    existing = None
    if _signed_in(user):
        existing = (
            Participant.objects.select_for_update()
            .filter(conversation=conversation, user=_account(user))
            .first()
        )
    if existing is None and xid:
        existing = (
            Participant.objects.select_for_update()
            .filter(conversation=conversation, xid=xid)
            .first()
        )
    if existing is not None:
        return existing, _rotate_token(existing, constituency)
    if conversation.invitation_required:
        _use_invitation(conversation, invitation_code)
    token = token_new()
    participant = Participant(
        conversation=conversation,
        user=_account(user),
        token_hash=token_hash(token),
        xid=xid,
        constituency=constituency,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        # The same user or xid joined at the same moment from another request: use that one.
        other = Participant.objects.filter(conversation=conversation)
        other = other.filter(user=_account(user)) if _signed_in(user) else other.filter(xid=xid)
        found = other.select_for_update().first()
        if found is None:
            raise
        return found, _rotate_token(found, constituency)
    return participant, token


def _use_invitation(conversation: Conversation, code: str) -> None:
    code = (code or "").strip()
    if not code:
        raise InvitationInvalid(_("This conversation needs an invitation code."))
    used = InvitationCode.objects.filter(
        conversation=conversation, code=code, uses_left__gt=0
    ).update(uses_left=F("uses_left") - 1)
    if not used:
        raise InvitationInvalid(_("This invitation code is not valid, or has been used up."))


@transaction.atomic
def participant_claim(*, participant: Participant, user: User) -> Participant:
    """An anonymous participant signs in and keeps their votes.

    If the user already takes part in this conversation, the anonymous votes are merged into
    that participant (per statement, the most recent vote stands) and the anonymous participant
    is deleted: its token stops working, so ask ``participant_create(user=...)`` for a new one.
    """
    if not _signed_in(user):
        raise ConversationError(_("Sign in first to keep your votes."))
    if participant.user_id == user.pk:
        return participant
    if participant.user_id is not None:
        raise ConversationError(_("This participant belongs to another account."), status_code=403)
    existing = (
        Participant.objects.select_for_update()
        .filter(conversation_id=participant.conversation_id, user=_account(user))
        .exclude(pk=participant.pk)
        .first()
    )
    if existing is None:
        participant.user = _account(user)
        participant.save(update_fields=["user"])
        return participant
    mine = {
        v.statement_id: v for v in Vote.objects.select_for_update().filter(participant=existing)
    }
    move: list[int] = []
    newer: list[Vote] = []
    for vote in Vote.objects.filter(participant=participant):
        kept = mine.get(vote.statement_id)
        if kept is None:
            move.append(vote.pk)
        elif vote.updated_at > kept.updated_at:
            kept.value = vote.value
            kept.updated_at = vote.updated_at
            newer.append(kept)
    Vote.objects.filter(pk__in=move).update(participant=existing)
    Vote.objects.bulk_update(newer, ["value", "updated_at"])
    Statement.objects.filter(author=participant).update(author=existing)
    if participant.constituency and not existing.constituency:
        existing.constituency = participant.constituency
        existing.save(update_fields=["constituency"])
    conversation_id = participant.conversation_id
    participant.delete()
    opinion_schedule(conversation_id=conversation_id)
    return existing


@transaction.atomic
def participant_set_constituency(*, participant: Participant, constituency: str) -> Participant:
    participant.constituency = _check_constituency(constituency)
    participant.save(update_fields=["constituency"])
    return participant


# -- rate limits --------------------------------------------------------------------------


def _limit(
    scope: str,
    participant: Participant | str,
    ip: str,
    *,
    per_participant: int,
    per_ip: int,
    window: int,
    what: str,
) -> None:
    """Count one event; ``participant`` is the participant or, on the API's token path, the
    hash of its token (the same person, counted under another key)."""
    who = participant if isinstance(participant, str) else f"p{participant.pk}"
    for ident, limit in ((who, per_participant), (ip and f"ip{ip}", per_ip)):
        wait = ratelimit.hit(scope, ident, limit=limit, window=window)
        if wait is not None:
            raise RateLimited(
                _("Too many %(what)s in a short time; please wait %(wait)d seconds and try again.")
                % {"what": what, "wait": wait},
                retry_after=wait,
            )


# -- votes --------------------------------------------------------------------------------


def _vote_value(value: object) -> int:
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value not in (-1, 0, 1):
        raise InvalidVote(
            _("A vote is 1 (agree), -1 (disagree) or 0 (pass), not %(value)s.")
            % {"value": repr(value)}
            if value is not None
            else _("A vote is 1 (agree), -1 (disagree) or 0 (pass).")
        )
    return value


def _statement_id(statement_id: object) -> int:
    if isinstance(statement_id, str) and statement_id.strip().isdigit():
        return int(statement_id)
    if isinstance(statement_id, bool) or not isinstance(statement_id, int) or statement_id < 1:
        raise StatementNotVotable(_("There is no such statement in this conversation."))
    return statement_id


@functools.cache
def _upsert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    vote, statement = q(Vote._meta.db_table), q(Statement._meta.db_table)
    return (
        f"INSERT INTO {vote} (conversation_id, participant_id, statement_id, value, created_at, "
        "updated_at) "
        f"SELECT s.conversation_id, %s, s.id, %s, %s, %s FROM {statement} s "
        "WHERE s.id = %s AND s.conversation_id = %s AND s.status IN (%s, %s) "
        "ON CONFLICT (participant_id, statement_id) DO UPDATE "
        "SET value = excluded.value, updated_at = excluded.updated_at "
        "RETURNING id, created_at, CASE WHEN created_at = updated_at THEN 1 ELSE 0 END"
    )


def vote_cast(
    *, participant: Participant, statement_id: object, value: object, ip: str = ""
) -> tuple[Vote, bool]:
    """Record the participant's vote on a statement; a changed vote replaces the previous one.

    Returns the vote and whether it is new. One INSERT ... ON CONFLICT DO UPDATE statement
    checks that the statement is votable and writes the vote, so concurrent votes are never
    lost or doubled and no transaction is held open (docs/conversations.md).
    """
    number = _vote_value(value)
    sid = _statement_id(statement_id)
    conversation = participant.conversation
    if not conversation.is_open():
        raise ConversationClosed()
    _limit(
        "vote",
        participant,
        ip,
        per_participant=settings.RATELIMIT_VOTES_PER_MINUTE,
        per_ip=settings.RATELIMIT_VOTES_PER_MINUTE_IP,
        window=60,
        what=_("votes"),
    )
    statuses = votable_statuses(conversation)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(connection.vendor),
            [
                participant.pk,
                number,
                stamp,
                stamp,
                sid,
                conversation.pk,
                statuses[0],
                statuses[-1],
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise _not_votable(conversation, sid)
    return _vote_written(row, conversation.pk, participant.pk, sid, number, now)


def _vote_written(
    row: tuple[Any, ...],
    conversation_id: int,
    participant_id: int,
    statement_id: int,
    value: int,
    now: dt.datetime,
) -> tuple[Vote, bool]:
    """The vote an upsert's RETURNING row describes (id, created_at, is new), after which the
    opinion map is scheduled."""
    created_at: dt.datetime = (parse_datetime(row[1]) if isinstance(row[1], str) else row[1]) or now
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=dt.UTC)  # SQLite stores UTC without an offset
    vote = Vote(
        id=row[0],
        conversation_id=conversation_id,
        participant_id=participant_id,
        statement_id=statement_id,
        value=value,
        created_at=created_at,
        updated_at=now,
    )
    vote._state.adding = False
    opinion_schedule(conversation_id=conversation_id)
    return vote, bool(row[2])


@functools.cache
def _token_upsert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    vote, statement = q(Vote._meta.db_table), q(Statement._meta.db_table)
    participant, conversation = q(Participant._meta.db_table), q(Conversation._meta.db_table)
    return (
        f"INSERT INTO {vote} (conversation_id, participant_id, statement_id, value, created_at, "
        "updated_at) "
        f"SELECT c.id, p.id, s.id, %s, %s, %s FROM {participant} p "
        f"JOIN {conversation} c ON c.id = p.conversation_id "
        f"JOIN {statement} s ON s.conversation_id = c.id "
        "WHERE p.token_hash = %s AND c.slug = %s AND s.id = %s "
        "AND NOT c.is_closed AND c.opens_at <= %s AND (c.closes_at IS NULL OR c.closes_at > %s) "
        "AND (s.status = %s OR (s.status = %s AND c.moderation = %s)) "
        "ON CONFLICT (participant_id, statement_id) DO UPDATE "
        "SET value = excluded.value, updated_at = excluded.updated_at "
        "RETURNING id, created_at, CASE WHEN created_at = updated_at THEN 1 ELSE 0 END, "
        "participant_id, conversation_id"
    )


def vote_cast_by_token(
    *, slug: str, token: str, statement_id: object, value: object, ip: str = ""
) -> tuple[Vote, bool]:
    """The API's vote: find the participant by token, check that the conversation is open and
    the statement votable, and write the vote, all in one INSERT ... SELECT.

    The same rules as ``vote_cast``; when the statement finds nothing to write, the
    step-by-step path runs to give the precise reason (unknown token, closed, not votable).
    """
    if not token_is_well_formed(token):
        raise ParticipantUnknown()
    number = _vote_value(value)
    sid = _statement_id(statement_id)
    hashed = token_hash(token)
    _limit(
        "vote",
        f"t{hashed[:32]}",
        ip,
        per_participant=settings.RATELIMIT_VOTES_PER_MINUTE,
        per_ip=settings.RATELIMIT_VOTES_PER_MINUTE_IP,
        window=60,
        what=_("votes"),
    )
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            _token_upsert_sql(connection.vendor),
            [
                number,
                stamp,
                stamp,
                hashed,
                slug,
                sid,
                stamp,
                stamp,
                StatementStatus.APPROVED,
                StatementStatus.PENDING,
                ModerationMode.POST,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        participant = participant_by_token(slug=slug, token=token)
        if participant is None:
            conversation_get(slug)  # Conversation.DoesNotExist for an unknown conversation
            raise ParticipantUnknown()
        return vote_cast(participant=participant, statement_id=sid, value=number, ip=ip)
    return _vote_written(row, row[4], row[3], sid, number, now)


def _not_votable(conversation: Conversation, statement_id: int) -> StatementNotVotable:
    found = Statement.objects.filter(pk=statement_id).values_list("conversation_id", "status")
    row = found.first()
    if row is None or row[0] != conversation.pk:
        return StatementNotVotable(_("There is no such statement in this conversation."))
    if row[1] == StatementStatus.REJECTED:
        return StatementNotVotable(
            _("This statement was rejected by the moderators and can no longer be voted on."),
            status_code=409,
        )
    return StatementNotVotable(
        _("This statement is awaiting moderation and cannot be voted on yet."), status_code=409
    )


# -- statements ---------------------------------------------------------------------------


def _statement_text(conversation: Conversation, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise StatementRejected(_("A statement cannot be empty."))
    limit = getattr(settings, "STATEMENT_MAX_LENGTH", 400)
    if len(text) > limit:
        raise StatementRejected(
            _("A statement can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": limit, "length": len(text)}
        )
    if not statement_normalise(text):
        raise StatementRejected(_("A statement needs words, not only punctuation."))
    if Statement.objects.filter(conversation=conversation, text_key=statement_key(text)).exists():
        raise StatementRejected(
            _("This statement is already in the conversation: vote on it instead."),
            status_code=409,
        )
    return text


@transaction.atomic
def statement_submit(*, participant: Participant, text: str, ip: str = "") -> Statement:
    """A participant adds a statement: visible at once, or after approval in pre-moderation."""
    conversation = participant.conversation
    if not conversation.is_open():
        raise ConversationClosed()
    if not conversation.allow_statements:
        raise StatementRejected(
            _("This conversation does not take new statements; you can still vote."),
            status_code=403,
        )
    # Lock the conversation so two identical statements sent at once are not both stored.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).values("pk").first()
    clean = _statement_text(conversation, text)
    _limit(
        "statement",
        participant,
        ip,
        per_participant=settings.RATELIMIT_STATEMENTS_PER_HOUR,
        per_ip=settings.RATELIMIT_STATEMENTS_PER_HOUR_IP,
        window=3600,
        what=_("statements"),
    )
    status = (
        StatementStatus.PENDING
        if conversation.moderation == ModerationMode.PRE
        else StatementStatus.APPROVED
    )
    return Statement.objects.create(
        conversation=conversation, author=participant, text=clean, status=status
    )


@transaction.atomic
def statement_seed(*, conversation: Conversation, text: str, actor: User | None) -> Statement:
    """An organiser's seed statement: approved at once, and logged."""
    clean = _statement_text(conversation, text)
    statement = Statement.objects.create(
        conversation=conversation, text=clean, status=StatementStatus.APPROVED, is_seed=True
    )
    _log(conversation, ModerationAction.SEED, actor, statement=statement)
    return statement


def _log(
    conversation: Conversation,
    action: str,
    actor: User | None,
    *,
    statement: Statement | None = None,
    note: str = "",
) -> ModerationLog:
    return ModerationLog.objects.create(
        conversation=conversation,
        statement=statement,
        actor=_account(actor),
        action=action,
        note=note,
    )


@transaction.atomic
def statements_moderate(
    *,
    conversation: Conversation,
    statement_ids: Iterable[int],
    action: str,
    actor: User | None,
    note: str = "",
) -> int:
    """Approve or reject statements of the conversation at once; one log entry per statement."""
    status = {
        ModerationAction.APPROVE: StatementStatus.APPROVED,
        ModerationAction.REJECT: StatementStatus.REJECTED,
    }.get(action)  # type: ignore[call-overload]
    if status is None:
        raise ConversationError(f"{action!r} is not a moderation action: use approve or reject.")
    ids = sorted({int(i) for i in statement_ids})
    statements = list(
        Statement.objects.select_for_update().filter(conversation=conversation, pk__in=ids)
    )
    if not statements:
        return 0
    Statement.objects.filter(pk__in=[s.pk for s in statements]).update(status=status)
    now = timezone.now()
    ModerationLog.objects.bulk_create(
        ModerationLog(
            conversation=conversation,
            statement=s,
            actor=_account(actor),
            action=action,
            note=note,
            at=now,
        )
        for s in statements
    )
    opinion_schedule(conversation_id=conversation.pk)
    return len(statements)


@transaction.atomic
def conversation_close(*, conversation: Conversation, actor: User | None) -> Conversation:
    conversation.is_closed = True
    conversation.save(update_fields=["is_closed"])
    _log(conversation, ModerationAction.CLOSE, actor)
    return conversation


@transaction.atomic
def conversation_reopen(*, conversation: Conversation, actor: User | None) -> Conversation:
    """Reopen: clears the organiser's closing, and a closing date already passed."""
    conversation.is_closed = False
    fields = ["is_closed"]
    if conversation.closes_at is not None and conversation.closes_at <= timezone.now():
        conversation.closes_at = None
        fields.append("closes_at")
    conversation.save(update_fields=fields)
    _log(conversation, ModerationAction.REOPEN, actor)
    return conversation


# -- opinion maps -------------------------------------------------------------------------


def opinion_refresh(*, conversation_id: int) -> OpinionSnapshot | None:
    """Compute the conversation's opinion map and store it as the newest snapshot.

    Votes on rejected statements are passed as moderated out (Polis's semantics); the previous
    snapshot's state carries k-smoothing and warm starts over. The previous map stays visible
    until the new one is committed; only the last ``OPINION_SNAPSHOTS_KEPT`` are kept.
    """
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    started = time.perf_counter()
    statuses = dict(Statement.objects.filter(conversation=conversation).values_list("id", "status"))
    visible = set(votable_statuses(conversation)) | {StatementStatus.APPROVED}
    shown = {sid for sid, status in statuses.items() if status in visible}
    rejected = {sid for sid, status in statuses.items() if status == StatementStatus.REJECTED}
    rows = np.array(
        list(
            Vote.objects.filter(conversation=conversation).values_list(
                "participant_id", "statement_id", "value"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    keep = np.isin(rows[:, 1], np.fromiter(shown | rejected, dtype=np.int64))
    rows = rows[keep]
    on_shown = int(np.isin(rows[:, 1], np.fromiter(shown, dtype=np.int64)).sum())
    if on_shown == 0:
        return None
    matrix = VoteMatrix.from_votes(rows[:, 0], rows[:, 1], rows[:, 2])
    previous = (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .order_by("-computed_at", "-id")
        .first()
    )
    state = OpinionState.from_dict(previous.state) if previous and previous.state else None
    constituencies: dict[Hashable, str] = dict(
        Participant.objects.filter(conversation=conversation)
        .exclude(constituency="")
        .values_list("id", "constituency")
    )
    result = compute_opinions(
        matrix,
        state=state,
        seed=0,
        attributes={"constituency": constituencies} if constituencies else None,
        moderated_out=rejected & set(matrix.statement_ids),
    )
    priorities = routing_priorities(matrix, result)
    with transaction.atomic():
        snapshot = OpinionSnapshot.objects.create(
            conversation=conversation,
            computed_at=timezone.now(),
            vote_count=on_shown,
            participant_count=matrix.shape[0],
            result=result.to_json(),
            state=result.state.to_dict(),
            priorities={str(s): round(p, 6) for s, p in priorities.items() if s in shown},
            seconds=time.perf_counter() - started,
        )
        kept = getattr(settings, "OPINION_SNAPSHOTS_KEPT", 3)
        old = OpinionSnapshot.objects.filter(conversation=conversation).order_by(
            "-computed_at", "-id"
        )[kept:]
        OpinionSnapshot.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return snapshot


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


# -- Polis import -------------------------------------------------------------------------

_BATCH = 5000


def _from_ms(ms: int | None) -> dt.datetime | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


@transaction.atomic
def conversation_import_polis(
    *,
    export: PolisExport,
    slug: str,
    closed: bool = False,
    actor: User | None = None,
    topic: str = "",
    session: ListeningSession | None = None,
) -> Conversation:
    """Import a read Polis export into a new (or empty) conversation, all or nothing.

    With ``session``, the conversation belongs to that listening session and its programme.

    Polis comment ids are kept in ``Statement.external_id`` and participant ids in
    ``Participant.xid`` as ``polis-<id>``, so an export writes the original ids back.
    Moderation: 1 → approved, 0 → pending (votable, as the conversation is post-moderated),
    -1 → rejected.
    """
    conversation = Conversation.objects.select_for_update().filter(slug=slug).first()
    if conversation is not None and (
        conversation.statements.exists() or conversation.participants.exists()
    ):
        raise ConversationError(
            f"The conversation {slug!r} already has statements or participants; "
            "import into a new slug."
        )
    summary = export.summary
    stamps = [c.created for c in export.comments if c.created is not None]
    stamps += [v.timestamp for v in export.votes if v.timestamp is not None]
    opened = _from_ms(min(stamps)) if stamps else None
    if conversation is None:
        conversation = Conversation(slug=slug)
    conversation.topic = (topic or summary.get("topic", "") or slug)[:300]
    conversation.description = summary.get("conversation-description", "")
    conversation.moderation = ModerationMode.POST
    conversation.is_closed = closed
    conversation.closes_at = None
    if session is not None:
        conversation.session = session
        conversation.programme = session.programme
        conversation.languages = list(session.languages)
    if opened is not None:
        conversation.opens_at = opened
    conversation.full_clean()
    conversation.save()

    people: dict[Any, None] = dict.fromkeys(export.participants)
    people.update(dict.fromkeys(v.participant for v in export.votes))
    people.update(dict.fromkeys(c.author for c in export.comments if c.author is not None))
    Participant.objects.bulk_create(
        (
            Participant(
                conversation=conversation,
                token_hash=token_hash(token_new()),
                xid=f"{POLIS_XID_PREFIX}{pid}",
            )
            for pid in people
        ),
        batch_size=_BATCH,
    )
    xids = dict(Participant.objects.filter(conversation=conversation).values_list("xid", "id"))
    participant_id: dict[Any, int] = {pid: xids[f"{POLIS_XID_PREFIX}{pid}"] for pid in people}

    status = {
        1: StatementStatus.APPROVED,
        0: StatementStatus.PENDING,
        -1: StatementStatus.REJECTED,
    }
    now = timezone.now()
    statements: list[Statement] = []
    for c in export.comments:
        if isinstance(c.id, bool) or not isinstance(c.id, int) or c.id < 0:
            raise ConversationError(f"comments.csv: comment-id {c.id!r} is not a whole number.")
        text = c.text.strip() or f"(statement {c.id} has no text in the export)"
        statements.append(
            Statement(
                conversation=conversation,
                author_id=participant_id.get(c.author) if c.author is not None else None,
                text=text,
                text_key=statement_key(text),
                status=status[c.moderated],
                is_seed=False,
                external_id=c.id,
                created_at=_from_ms(c.created) or now,
            )
        )
    known = {c.id for c in export.comments}
    for sid in sorted({v.statement for v in export.votes} - known, key=str):
        if isinstance(sid, bool) or not isinstance(sid, int) or sid < 0:
            raise ConversationError(f"votes: comment-id {sid!r} is not a whole number.")
        text = f"(statement {sid} is not in comments.csv)"
        statements.append(
            Statement(
                conversation=conversation,
                text=text,
                text_key=statement_key(text),
                status=StatementStatus.APPROVED,
                external_id=sid,
                created_at=now,
            )
        )
    Statement.objects.bulk_create(statements, batch_size=_BATCH)
    statement_id: dict[Any, int] = dict(
        Statement.objects.filter(conversation=conversation).values_list("external_id", "id")
    )
    Vote.objects.bulk_create(
        (
            Vote(
                conversation=conversation,
                participant_id=participant_id[v.participant],
                statement_id=statement_id[v.statement],
                value=v.value,
                created_at=_from_ms(v.timestamp) or now,
                updated_at=_from_ms(v.timestamp) or now,
            )
            for v in export.votes
        ),
        batch_size=_BATCH,
    )
    _log(
        conversation,
        ModerationAction.IMPORT,
        actor,
        note=(
            f"Imported {len(statements)} statements, {len(people)} participants and "
            f"{len(export.votes)} votes from {export.path.name}."
        ),
    )
    return conversation
