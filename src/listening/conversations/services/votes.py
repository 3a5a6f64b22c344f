"""Votes: one upsert statement per vote (docs/conversations.md explains the vote path)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from listening.conversations.models import (
    Conversation,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from listening.conversations.selectors import (
    conversation_get,
    participant_by_token,
    votable_statuses,
)
from listening.conversations.services.errors import (
    ConversationClosed,
    InvalidVote,
    ParticipantUnknown,
    StatementNotVotable,
)
from listening.conversations.services.limits import _limit
from listening.conversations.services.opinion_maps import opinion_schedule
from listening.conversations.tokens import token_hash, token_is_well_formed

# The largest primary key a BigAutoField holds on SQLite and PostgreSQL: a larger statement id
# names nothing (and would overflow the database's integer), so it is refused before any query.
ID_MAX = 2**63 - 1
_DIGITS = re.compile(r"-?[0-9]{1,20}")


def _vote_value(value: object) -> int:
    value = None if isinstance(value, bool) else _as_int(value)
    if not isinstance(value, int) or value not in (-1, 0, 1):
        raise InvalidVote(
            _("A vote is 1 (agree), -1 (disagree) or 0 (pass), not %(value)s.")
            % {"value": repr(value)}
            if value is not None
            else _("A vote is 1 (agree), -1 (disagree) or 0 (pass).")
        )
    return value


def _as_int(value: object) -> object:
    """An integer written as ASCII digits becomes that integer; anything else is left as is
    (``str.isdigit`` also accepts "²", which ``int`` refuses)."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return value


def _statement_id(statement_id: object) -> int:
    statement_id = _as_int(statement_id)
    if (
        isinstance(statement_id, bool)
        or not isinstance(statement_id, int)
        or not 1 <= statement_id <= ID_MAX
    ):
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
