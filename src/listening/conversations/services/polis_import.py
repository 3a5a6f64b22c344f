"""Import a Polis export into a conversation, all or nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from listening.conversations.vote_cache import import_stamp
from listening.programmes.models import ListeningSession

_BATCH = 5000
_VOTE_BATCH = 500_000
# The SQLite page cache during an import, in KiB: ~1 GB, allocated only as pages are read.
_SQLITE_CACHE_KIB = 1_000_000

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
    now = timezone.now()
    with _bulk_session():
        ids = _participants_insert(conversation, list(people), _first_seen(export, people, now))
        participant_id: dict[Any, int] = dict(zip(people, ids, strict=True))
        statement_id = _statements_insert(conversation, export, participant_id, now)
        _votes_insert(conversation, export, participant_id, statement_id, now, progress)
    _statistics_refresh()
    _log(
        conversation,
        ModerationAction.IMPORT,
        actor,
        note=(
            f"Imported {len(statement_id)} statements, {len(people)} participants and "
            f"{export.n_votes} votes from {export.path.name}."
        ),
        # An export tells an imported vote never changed since by its updated_at,
        # import_stamp(at).
        at=now,
    )
    return conversation


def _statements_insert(
    conversation: Conversation,
    export: PolisExport,
    participant_id: dict[Any, int],
    now: dt.datetime,
) -> dict[Any, int]:
    """The export's statements (and one for each voted comment-id it lacks); their ids by
    Polis comment id."""
    status = {
        1: StatementStatus.APPROVED,
        0: StatementStatus.PENDING,
        -1: StatementStatus.REJECTED,
    }
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
    return dict(
        Statement.objects.filter(conversation=conversation).values_list("external_id", "id")
    )


@contextmanager
def _bulk_session() -> Iterator[None]:
    """Settings of this connection that make a large write cheaper, for the import only.

    SQLite: a page cache of up to ``_SQLITE_CACHE_KIB`` (the default is 2 MB), so that the
    index pages the votes go into stay in memory instead of being written to the WAL and read
    back again; restored afterwards. (``temp_store`` cannot change inside a transaction,
    and the import writes no temporary table.)
    PostgreSQL: ``synchronous_commit = off`` for this transaction (the commit does not wait
    for the WAL to reach the disk; a crash just after it may lose the import, never leave
    half of it). A plain role may set it; nothing server-wide is needed."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        raw = connection.connection
        cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA cache_size = {int(cache)}")
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
    yield


def _statistics_refresh() -> None:
    """PostgreSQL: fresh planner statistics for the tables the import grew (a sample, well
    under a second at 4.8M votes). Until autovacuum came round, the planner took the vote
    table for nearly empty and could read all of a conversation's votes through
    (conversation, updated_at) to find one statement's."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (Participant, Statement, Vote)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _first_seen(
    export: PolisExport, people: dict[Any, None], now: dt.datetime
) -> list[dt.datetime]:
    """When each participant (in ``people``'s order) joined: their first vote or statement in
    the export, the import's time where it has no time (so the growth charts count imported
    participants on the day they took part, not on the import's day)."""
    cols = export.vote_columns
    first: dict[Any, int] = {}
    if cols.timestamp is not None and len(cols):
        never = np.iinfo(np.int64).max
        earliest = np.full(len(cols.participant_ids), never, dtype=np.int64)
        np.minimum.at(
            earliest, cols.participant, np.where(cols.timestamp >= 0, cols.timestamp, never)
        )
        first = {
            pid: ms
            for pid, ms in zip(cols.participant_ids, earliest.tolist(), strict=True)
            if ms != never
        }
    for c in export.comments:
        if c.author is not None and c.created is not None:
            first[c.author] = min(first.get(c.author, c.created), c.created)
    return [_from_ms(first.get(pid)) or now for pid in people]


def _participants_insert(
    conversation: Conversation, people: list[Any], created: list[dt.datetime]
) -> list[int]:
    """One participant per Polis id, in ``people``'s order, as plain rows (no model object),
    joined at ``created``; their ids, in the same order. Each gets a random token hash that
    no token matches (an imported participant cannot vote as themselves)."""
    table = connection.ops.quote_name(Participant._meta.db_table)
    columns = "conversation_id, token_hash, xid, constituency, created_at"
    hashes = secrets.token_bytes(32 * len(people)).hex()
    rows = (
        (conversation.pk, hashes[64 * i : 64 * i + 64], f"{POLIS_XID_PREFIX}{pid}", "", at)
        for i, (pid, at) in enumerate(zip(people, created, strict=True))
    )
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.vendor == "sqlite":
        connection.connection.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?)",
            (
                (c, h, x, k, at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" "))
                for c, h, x, k, at in rows
            ),
        )
    else:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)", list(rows)
            )
    # The conversation had no participant: its participants' ids, in insertion order.
    ids = list(
        Participant.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if len(ids) != len(people):  # pragma: no cover - a database that reorders an insert
        raise ConversationError("The participants could not be written; nothing was imported.")
    return ids


def _votes_insert(
    conversation: Conversation,
    export: PolisExport,
    participant_id: dict[Any, int],
    statement_id: dict[Any, int],
    now: dt.datetime,
    progress: Progress | None,
) -> None:
    """Write the export's final votes as plain rows, without a Python object per vote.

    ``created_at`` is Polis's time of the vote (the import's time where the export has none);
    ``updated_at`` is the import's time set back by the vote cache's overlap
    (``vote_cache.import_stamp``), the same for every vote. The rows go in (participant,
    statement) order, so each of the vote table's indexes grows at its end or at one of a few
    thousand places (one per statement): the primary key and the unique (participant,
    statement) follow the ids, (conversation, updated_at) holds one key, the statement's
    index one run per statement. In file order, or with Polis's times in ``updated_at``, two
    indexes take every vote at a random place, which made the import several times slower.
    """
    cols = export.vote_columns
    total = len(cols)
    if not total:
        return
    # Database ids of the columns' participant and statement codes, and the rank of each id.
    pids = np.array([participant_id[p] for p in cols.participant_ids], dtype=np.int64)
    sids = np.array([statement_id[s] for s in cols.statement_ids], dtype=np.int64)
    prank = np.empty_like(pids)
    prank[np.argsort(pids)] = np.arange(pids.size)
    srank = np.empty_like(sids)
    srank[np.argsort(sids)] = np.arange(sids.size)
    key = prank[cols.participant] * max(sids.size, 1)
    key += srank[cols.statement]
    del prank, srank
    order = np.argsort(key)
    del key
    now_us, updated_us = _us(now), _us(import_stamp(now))
    if cols.timestamp is not None and len(cols.timestamp) and cols.timestamp.max() > _LAST_MS:
        raise ConversationError(
            f"votes.csv: timestamp {int(cols.timestamp.max())} is after the year 9999 "
            "(Polis times are milliseconds since 1970)."
        )
    if cols.timestamp is not None:
        created_us = np.where(cols.timestamp >= 0, cols.timestamp * 1000, now_us)
    else:
        created_us = np.full(total, now_us, dtype=np.int64)
    table = connection.ops.quote_name(Vote._meta.db_table)
    columns = "conversation_id, participant_id, statement_id, value, created_at, updated_at"
    writer = {"postgresql": _votes_copy, "sqlite": _votes_sqlite}.get(
        connection.vendor, _votes_generic
    )
    batches = (
        (
            pids[cols.participant[take]],
            sids[cols.statement[take]],
            cols.value[take],
            created_us[take],
        )
        for take in (order[lo : lo + _VOTE_BATCH] for lo in range(0, total, _VOTE_BATCH))
    )
    done = 0

    def written(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    writer(table, columns, conversation.pk, updated_us, batches, written)


def _us(moment: dt.datetime) -> int:
    """Microseconds since 1970, exactly (a float timestamp may be one microsecond off)."""
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


_LAST_MS = 253_402_300_799_999  # 9999-12-31 23:59:59.999 UTC, the last time a database takes
Batches = Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]

# PostgreSQL's binary COPY: the signature, flags and header extension; the end marker.
_PG_COPY_HEAD = b"PGCOPY\n\xff\r\n\0" + bytes(8)
_PG_COPY_END = b"\xff\xff"
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 UTC, PostgreSQL's timestamp origin
# A row: the number of fields, then each field's length and its big-endian value.
_PG_VOTE_FIELDS = (
    ("conversation", ">i8"),
    ("participant", ">i8"),
    ("statement", ">i8"),
    ("value", ">i2"),
    ("created", ">i8"),
    ("updated", ">i8"),
)
_PG_VOTE_ROW = np.dtype(
    [
        ("fields", ">i2"),
        *(
            pair
            for name, kind in _PG_VOTE_FIELDS
            for pair in ((f"{name}_len", ">i4"), (name, kind))
        ),
    ]
)


def _votes_copy(
    table: str,
    columns: str,
    conversation_id: int,
    updated_us: int,
    batches: Batches,
    written: Callable[[int], None],
) -> None:
    """PostgreSQL: one binary ``COPY``, each batch of rows laid out by numpy (no text to
    format or parse). The per-row foreign-key checks are skipped where the role may (see
    ``_foreign_key_checks_off``)."""
    replica = _foreign_key_checks_off()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(_PG_COPY_HEAD)
        for participant, statement, value, created_us in batches:
            rows = np.empty(participant.size, dtype=_PG_VOTE_ROW)
            rows["fields"] = len(_PG_VOTE_FIELDS)
            for name, kind in _PG_VOTE_FIELDS:
                rows[f"{name}_len"] = np.dtype(kind).itemsize
            rows["conversation"] = conversation_id
            rows["participant"] = participant
            rows["statement"] = statement
            rows["value"] = value
            rows["created"] = created_us - _PG_EPOCH_US
            rows["updated"] = updated_us - _PG_EPOCH_US
            copy.write(rows.tobytes())
            written(participant.size)
        copy.write(_PG_COPY_END)
    if replica:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _sqlite_stamps(us: np.ndarray) -> list[str]:
    """UTC times as SQLite's Django backend stores them: 'YYYY-MM-DD HH:MM:SS.ffffff'
    (years 1970 to 9999: the 11th character is always the 'T' numpy writes)."""
    text = np.datetime_as_string(us.astype("datetime64[us]"))
    text.view(np.uint32).reshape(text.size, -1)[:, 10] = ord(" ")
    return text.tolist()  # type: ignore[no-any-return]


def _votes_sqlite(
    table: str,
    columns: str,
    conversation_id: int,
    updated_us: int,
    batches: Batches,
    written: Callable[[int], None],
) -> None:
    """SQLite: ``executemany`` on the DB-API connection itself (Django's wrapper would
    rewrite every row's parameters)."""
    updated = _sqlite_stamps(np.array([updated_us]))[0]
    sql = f"INSERT INTO {table} ({columns}) VALUES ({conversation_id}, ?, ?, ?, ?, '{updated}')"
    for participant, statement, value, created_us in batches:
        connection.connection.executemany(
            sql,
            zip(
                participant.tolist(),
                statement.tolist(),
                value.tolist(),
                _sqlite_stamps(created_us),
                strict=True,
            ),
        )
        written(participant.size)


def _votes_generic(
    table: str,
    columns: str,
    conversation_id: int,
    updated_us: int,
    batches: Batches,
    written: Callable[[int], None],
) -> None:
    """Any other database: the cursor's ``executemany`` with datetime parameters."""
    updated = dt.datetime.fromtimestamp(updated_us / 1e6, tz=dt.UTC)
    with connection.cursor() as cursor:
        for participant, statement, value, created_us in batches:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        conversation_id,
                        p,
                        s,
                        v,
                        dt.datetime.fromtimestamp(c / 1e6, tz=dt.UTC),
                        updated,
                    )
                    for p, s, v, c in zip(
                        participant.tolist(),
                        statement.tolist(),
                        value.tolist(),
                        created_us.tolist(),
                        strict=True,
                    )
                ],
            )
            written(participant.size)


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
