"""Import a Polis export into a conversation, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from listening.analysis import (
    PolisExport,
)
from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    statement_clean,
    statement_key,
)
from listening.conversations.selectors import (
    POLIS_XID_PREFIX,
)
from listening.conversations.services.errors import ConversationError
from listening.conversations.services.moderation import _log
from listening.conversations.services.participants import User
from listening.conversations.tokens import token_hash, token_new
from listening.programmes.models import ListeningSession

_BATCH = 5000
_VOTE_BATCH = 50_000

Progress = Callable[[int, int], None]


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
    progress: Progress | None = None,
) -> Conversation:
    """Import a read Polis export into a new (or empty) conversation, all or nothing.

    With ``session``, the conversation belongs to that listening session and its programme.

    Polis comment ids are kept in ``Statement.external_id`` and participant ids in
    ``Participant.xid`` as ``polis-<id>``, so an export writes the original ids back.
    Moderation: 1 → approved, 0 → pending (votable, as the conversation is post-moderated),
    -1 → rejected.

    Votes are written in batches of plain rows (``COPY`` on PostgreSQL); ``progress`` is
    called with (votes written, votes in all) after each batch.
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
    vote_stamps = export.vote_columns.timestamp
    if vote_stamps is not None and len(vote_stamps):
        stamps.append(int(vote_stamps.min()))
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
    # Participants in the order of their first vote (their ids keep Polis's row order).
    people.update(dict.fromkeys(export.participant_order()))
    people.update(dict.fromkeys(export.vote_columns.participant_ids))
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
        text = statement_clean(c.text) or f"(statement {c.id} has no text in the export)"
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
    for sid in sorted(set(export.vote_columns.statement_ids) - known, key=str):
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
    _votes_insert(conversation, export, participant_id, statement_id, now, progress)
    _log(
        conversation,
        ModerationAction.IMPORT,
        actor,
        note=(
            f"Imported {len(statements)} statements, {len(people)} participants and "
            f"{export.n_votes} votes from {export.path.name}."
        ),
    )
    return conversation


def _votes_insert(
    conversation: Conversation,
    export: PolisExport,
    participant_id: dict[Any, int],
    statement_id: dict[Any, int],
    now: dt.datetime,
    progress: Progress | None,
) -> None:
    """Write the export's final votes as plain rows, without a model instance per vote."""
    cols = export.vote_columns
    total = len(cols)
    pids = np.array([participant_id[p] for p in cols.participant_ids], dtype=np.int64)
    sids = np.array([statement_id[s] for s in cols.statement_ids], dtype=np.int64)
    # In (participant, statement) order: the unique index and the participant's foreign-key
    # index grow at their end, several times faster than in the file's order.
    order = np.lexsort((sids[cols.statement], pids[cols.participant]))
    now_ms = int(now.timestamp() * 1000)
    table = connection.ops.quote_name(Vote._meta.db_table)
    columns = "conversation_id, participant_id, statement_id, value, created_at, updated_at"
    done = 0
    replica = False
    for lo in range(0, total, _VOTE_BATCH):
        take = order[lo : lo + _VOTE_BATCH]
        stamps = (
            np.where(cols.timestamp[take] >= 0, cols.timestamp[take], now_ms)
            if cols.timestamp is not None
            else np.full(len(take), now_ms, dtype=np.int64)
        )
        # ISO 8601 in UTC, to the microsecond: what both databases read as the timestamp.
        text = np.datetime_as_string(stamps.astype("datetime64[ms]").astype("datetime64[us]"))
        rows = zip(
            pids[cols.participant[take]].tolist(),
            sids[cols.statement[take]].tolist(),
            cols.value[take].tolist(),
            text.tolist(),
            strict=True,
        )
        if connection.vendor == "postgresql":
            if lo == 0:
                replica = _foreign_key_checks_off()
            _copy_votes(table, columns, conversation.pk, rows)
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            # The DB-API connection itself: Django's wrapper rewrites every row's parameters.
            connection.connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?, ?)",
                _sqlite_rows(conversation.pk, rows),
            )
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                    list(_sqlite_rows(conversation.pk, rows)),
                )
        done += len(take)
        if progress is not None:
            progress(done, total)
    if connection.vendor == "postgresql" and total and replica:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _foreign_key_checks_off() -> bool:
    """On PostgreSQL, skip the per-row foreign-key triggers for the votes of this transaction
    (as ``pg_restore --disable-triggers`` does): every participant and statement id was
    created just above, in this transaction. Needs a role allowed to set
    ``session_replication_role`` (a superuser); otherwise the checks run as usual."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _sqlite_rows(
    conversation_id: int, rows: Iterator[tuple[int, int, int, str]]
) -> Iterator[tuple[int, int, int, int, str, str]]:
    for p, s, v, at in rows:
        stamp = at.replace("T", " ")
        yield conversation_id, p, s, v, stamp, stamp


def _copy_votes(
    table: str, columns: str, conversation_id: int, rows: Iterator[tuple[int, int, int, str]]
) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        lines = [f"{conversation_id}\t{p}\t{s}\t{v}\t{at}Z\t{at}Z\n" for p, s, v, at in rows]
        copy.write("".join(lines))
