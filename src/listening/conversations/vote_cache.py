"""A conversation's votes, read in bulk and kept between opinion maps.

The opinion map needs every current vote of a conversation. Reading them through the ORM
builds one Python object per vote; here they are read by the database's own fast path
(PostgreSQL ``COPY ... TO STDOUT (FORMAT BINARY)``, parsed straight into numpy arrays; a plain
DB-API cursor elsewhere) and kept in ``OPINION_CACHE_DIR`` (default ``DATA_DIR/opinion-votes``)
as one ``.npz`` file per conversation: a CSR matrix of every current vote (all statements,
whatever their status), with the largest vote id and the time of the read it holds.

The next read fetches only the votes newer than that (a vote id above the largest one, or an
``updated_at`` within ``OVERLAP`` of the previous read, on the ``(conversation, updated_at)``
index), in the same statement as the conversation's vote count and largest id. A changed vote
replaces the cached one. When the merged matrix does not hold exactly that many votes (a vote
deleted, a participant merged, a transaction that committed late with an old timestamp), or
the file is missing, unreadable, from another database or another conversation, the whole
conversation is read again: the cache is only ever a shortcut to the same matrix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from listening.conversations.models import Conversation, Vote

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Votes whose updated_at is this close to the previous read are read again: a transaction that
# stamped its vote before that read but committed after it is still seen.
OVERLAP = dt.timedelta(seconds=120)


def import_stamp(imported_at: dt.datetime) -> dt.datetime:
    """The ``updated_at`` of every vote ``import-polis`` wrote at ``imported_at`` (its log
    entry's time): set back by ``OVERLAP``, so that the read after the first map does not take
    the whole import for votes that may have committed late, and read it all again. (The
    imported conversation had no vote before and is locked during the import, so no read can
    have missed them.)"""
    return imported_at - OVERLAP


_FETCH = 100_000
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("l1", ">i4"),
        ("participant", ">i8"),
        ("l2", ">i4"),
        ("statement", ">i8"),
        ("l3", ">i4"),
        ("value", ">i8"),
    ]
)
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"

IntArray = npt.NDArray[np.int64]


@dataclass
class VoteTable:
    """Every current vote of a conversation: ``matrix[i, j]`` is participant
    ``participant_ids[i]``'s vote on statement ``statement_ids[j]`` plus 2 (1 disagree,
    2 pass, 3 agree; so that no seen cell is zero). Ids are sorted."""

    participant_ids: IntArray
    statement_ids: IntArray
    matrix: sp.csr_matrix
    max_id: int
    read_at: dt.datetime
    how: str = "full"  # "full" or "incremental": how it was read this time

    @property
    def n_votes(self) -> int:
        return int(self.matrix.nnz)


def cache_dir() -> Path:
    configured = getattr(settings, "OPINION_CACHE_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "opinion-votes"


def cache_path(conversation_id: int) -> Path:
    return cache_dir() / f"conversation-{conversation_id}.npz"


def cache_clear(conversation_id: int | None = None) -> int:
    """Delete the cached matrix of one conversation (or of all); the next map reads in full.
    Returns the number of files deleted."""
    paths = (
        [cache_path(conversation_id)]
        if conversation_id is not None
        else list(cache_dir().glob("conversation-*.npz"))
    )
    deleted = 0
    for path in paths:
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass
    return deleted


def votes_read(conversation: Conversation, *, use_cache: bool = True) -> VoteTable:
    """The conversation's current votes: incrementally from the cache when it can be trusted,
    in full otherwise; the cache is written back for the next read."""
    table = None
    if use_cache:
        cached = _load(conversation)
        if cached is not None:
            table = _incremental(conversation, cached)
    if table is None:
        table = _full(conversation)
    if use_cache:
        try:
            _save(conversation, table)
        except OSError:
            log.warning("could not write the vote cache of conversation %s", conversation.pk)
    return table


# -- reading -------------------------------------------------------------------------------


def _full(conversation: Conversation) -> VoteTable:
    read_at = timezone.now()
    p, s, v, count, max_id = _read(conversation.pk, None, None)
    pids, rows = np.unique(p, return_inverse=True)
    sids, cols = np.unique(s, return_inverse=True)
    matrix = _csr(rows, cols, v + 2, len(pids), len(sids))
    if matrix.nnz != count:  # the unique constraint makes this impossible; be loud if not
        raise RuntimeError(f"read {matrix.nnz} distinct votes, the database counts {count}")
    return VoteTable(pids, sids, matrix, max_id, read_at, "full")


def _incremental(conversation: Conversation, cached: VoteTable) -> VoteTable | None:
    read_at = timezone.now()
    p, s, v, count, max_id = _read(conversation.pk, cached.max_id, cached.read_at - OVERLAP)
    if max_id < cached.max_id:
        return None  # votes deleted since: read everything again
    pids = np.union1d(cached.participant_ids, p) if p.size else cached.participant_ids
    sids = np.union1d(cached.statement_ids, s) if s.size else cached.statement_ids
    base = _reindex(cached, pids, sids)
    if p.size:
        rows = np.searchsorted(pids, p)
        cols = np.searchsorted(sids, s)
        update = _csr(rows, cols, v + 2, len(pids), len(sids))
        mask = update.copy()
        mask.data = np.ones_like(mask.data)
        merged = base - base.multiply(mask) + update
        merged = sp.csr_matrix(merged, dtype=np.int8)
        merged.sort_indices()
        base = merged
    if base.nnz != count:
        log.info(
            "vote cache of conversation %s holds %s votes, the database %s: reading all",
            conversation.pk,
            base.nnz,
            count,
        )
        return None
    return VoteTable(pids, sids, base, max_id, read_at, "incremental")


def _reindex(cached: VoteTable, pids: IntArray, sids: IntArray) -> sp.csr_matrix:
    """The cached matrix with rows and columns for the (sorted) id lists ``pids``/``sids``,
    which contain the cached ones."""
    m = cached.matrix
    if len(pids) == len(cached.participant_ids) and len(sids) == len(cached.statement_ids):
        return m
    row_at = np.searchsorted(pids, cached.participant_ids)
    counts = np.zeros(len(pids), dtype=np.int64)
    counts[row_at] = np.diff(m.indptr)
    indptr = np.zeros(len(pids) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    col_at = np.searchsorted(sids, cached.statement_ids)
    indices = col_at[m.indices].astype(np.int32)
    out = sp.csr_matrix((m.data, indices, indptr), shape=(len(pids), len(sids)))
    out.has_sorted_indices = True
    return out


def _csr(
    rows: npt.ArrayLike, cols: npt.ArrayLike, values: npt.ArrayLike, n: int, m: int
) -> sp.csr_matrix:
    """CSR from positions; a repeated cell keeps its LAST value."""
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(values, dtype=np.int8)
    key = r * max(m, 1) + c
    ukey, first = np.unique(key[::-1], return_index=True)
    data = vals[::-1][first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ukey // max(m, 1), minlength=n), out=indptr[1:])
    indices = (ukey % max(m, 1)).astype(np.int32)
    out = sp.csr_matrix((data, indices, indptr), shape=(n, m))
    out.has_sorted_indices = True
    return out


def _read(
    conversation_id: int, after_id: int | None, since: dt.datetime | None
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8], int, int]:
    """(participant, statement, value) of the conversation's votes — all of them, or those
    with an id above ``after_id`` or ``updated_at`` from ``since`` on — and, read in the same
    statement (so the same snapshot of the table), the conversation's vote count and
    largest vote id."""
    table = connection.ops.quote_name(Vote._meta.db_table)
    where = "conversation_id = %s"
    params: list[Any] = [conversation_id]
    if after_id is not None and since is not None:
        where += " AND (id > %s OR updated_at >= %s)"
        params += [after_id, connection.ops.adapt_datetimefield_value(since)]
    query = (
        f"SELECT participant_id, statement_id, CAST(value AS BIGINT) FROM {table} "
        f"WHERE {where} UNION ALL "
        f"SELECT -1, COUNT(*), COALESCE(MAX(id), 0) FROM {table} WHERE conversation_id = %s"
    )
    params.append(conversation_id)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            p, s, v = _read_copy(query, params)
        else:
            p, s, v = _read_cursor(query, params)
    summary = np.flatnonzero(p == -1)
    if len(summary) != 1:
        raise RuntimeError("the vote count row is missing from the read")
    k = int(summary[0])
    count, max_id = int(s[k]), int(v[k])
    keep = np.ones(len(p), dtype=bool)
    keep[k] = False
    return p[keep], s[keep], v[keep].astype(np.int8), count, max_id


def _read_cursor(query: str, params: list[Any]) -> tuple[IntArray, IntArray, IntArray]:
    parts: list[IntArray] = []
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        while True:
            rows = cursor.fetchmany(_FETCH)
            if not rows:
                break
            parts.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
    arr = np.concatenate(parts) if parts else np.empty((0, 3), dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy()


def _read_copy(query: str, params: list[Any]) -> tuple[IntArray, IntArray, IntArray]:
    """``COPY (query) TO STDOUT (FORMAT BINARY)``: every row is three non-null bigints, so a
    fixed-width record that numpy reads without a Python object per row."""
    from psycopg import sql

    statement = sql.SQL("COPY ({}) TO STDOUT (FORMAT BINARY)").format(
        sql.SQL(query.replace("%s", "{}")).format(*(sql.Literal(p) for p in params))
    )
    ps: list[IntArray] = []
    ss: list[IntArray] = []
    vs: list[IntArray] = []
    buffer = bytearray()
    header_done = False
    size = _COPY_ROW.itemsize

    def flush(final: bool) -> None:
        nonlocal buffer
        n = len(buffer) // size
        if final:
            n = (len(buffer) - 2) // size
        if n <= 0:
            return
        rows = np.frombuffer(bytes(buffer[: n * size]), dtype=_COPY_ROW)
        if (rows["fields"] != 3).any():
            raise RuntimeError("unexpected COPY row layout")
        ps.append(rows["participant"].astype(np.int64))
        ss.append(rows["statement"].astype(np.int64))
        vs.append(rows["value"].astype(np.int64))
        del buffer[: n * size]

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(statement) as copy:
            for chunk in copy:
                buffer += chunk
                if not header_done and len(buffer) >= 19:
                    if bytes(buffer[:11]) != _COPY_SIGNATURE:
                        raise RuntimeError("not a PostgreSQL binary COPY stream")
                    extension = int.from_bytes(buffer[15:19], "big")
                    del buffer[: 19 + extension]
                    header_done = True
                if header_done and len(buffer) >= 1 << 24:
                    flush(final=False)
    flush(final=True)
    if bytes(buffer) != b"\xff\xff":
        raise RuntimeError("the COPY stream did not end where expected")

    def cat(parts: list[IntArray]) -> IntArray:
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    return cat(ps), cat(ss), cat(vs)


# -- the file ------------------------------------------------------------------------------


def _identity(conversation: Conversation) -> str:
    """What the file must match: the database and the conversation (ids can be reused)."""
    db = connection.settings_dict
    key = f"{connection.vendor}|{db.get('HOST')}|{db.get('PORT')}|{db.get('NAME')}"
    created = conversation.created_at.isoformat() if conversation.created_at else ""
    return hashlib.sha256(f"{key}|{conversation.pk}|{created}".encode()).hexdigest()


def _load(conversation: Conversation) -> VoteTable | None:
    path = cache_path(conversation.pk)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as f:
            meta = f["meta"]
            if int(meta[0]) != FORMAT_VERSION or str(f["identity"]) != _identity(conversation):
                return None
            pids = f["participant_ids"].astype(np.int64)
            sids = f["statement_ids"].astype(np.int64)
            indptr = f["indptr"].astype(np.int64)
            indices = f["indices"].astype(np.int32)
            data = f["data"].astype(np.int8)
        n, m = len(pids), len(sids)
        if (
            len(indptr) != n + 1
            or indptr[0] != 0
            or indptr[-1] != len(indices)
            or len(data) != len(indices)
            or (np.diff(indptr) < 0).any()
            or (n > 1 and (np.diff(pids) <= 0).any())
            or (m > 1 and (np.diff(sids) <= 0).any())
            or (len(indices) and (indices.min() < 0 or indices.max() >= m))
            or (len(data) and (data.min() < 1 or data.max() > 3))
        ):
            raise ValueError("inconsistent arrays")
        matrix = sp.csr_matrix((data, indices, indptr), shape=(n, m))
        if not matrix.has_canonical_format:
            raise ValueError("not canonical")
        read_at = dt.datetime.fromtimestamp(int(meta[2]) / 1_000_000, tz=dt.UTC)
        return VoteTable(pids, sids, matrix, int(meta[1]), read_at, "cached")
    except Exception as exc:  # any unreadable file is only a missed shortcut
        log.warning("vote cache %s is unreadable (%s): reading all votes", path, exc)
        return None


def _save(conversation: Conversation, table: VoteTable) -> None:
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    read_at_us = int(table.read_at.timestamp() * 1_000_000)
    np.savez(
        buffer,
        meta=np.array([FORMAT_VERSION, table.max_id, read_at_us], dtype=np.int64),
        identity=np.array(_identity(conversation)),
        participant_ids=table.participant_ids,
        statement_ids=table.statement_ids,
        indptr=table.matrix.indptr,
        indices=table.matrix.indices,
        data=table.matrix.data,
    )
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".conversation-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(buffer.getbuffer())
        os.replace(tmp, cache_path(conversation.pk))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
