"""Reading and writing Polis export folders.

A Polis export folder holds ``comments.csv``, ``votes.csv`` and/or ``participants-votes.csv``
and ``summary.csv`` (see docs/analysis.md for the column variants). The latest vote per
(participant, statement) stands; statements moderated out (``moderated == -1``) are left out
of the vote matrix; without ``votes.csv`` the final votes are rebuilt from
``participants-votes.csv``. Bad input raises :class:`PolisExportError` whose message names
the file and the row.

``votes.csv`` is read into columns (:class:`VoteColumns`), never into one object per vote:
one ``csv``-module pass into ``array`` columns that checks every row, then numpy keeps the
latest vote of each pair. ``PolisExport.votes`` is built from the columns on first use.
With ``votes.csv`` there, only the participants and groups of ``participants-votes.csv`` are
read (its vote cells are neither parsed nor checked).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .matrix import Id, VoteMatrix, id_sort_key

I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
IntArray = npt.NDArray[np.signedinteger[Any]]

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
SUMMARY = "summary.csv"

# Columns of participants-votes.csv before the per-comment columns.
_PV_FIXED = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


class PolisExportError(ValueError):
    """Bad input in a Polis export; ``str(error)`` is one line naming the file, the row (the
    line the record starts on) and, when known, the column."""

    def __init__(
        self, file: Path | str, row: int | None, problem: str, column: str | None = None
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.problem = problem
        where = f"{self.file}: row {row}" if row is not None else self.file
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {problem}")


# Polis numbers comments and participants with PostgreSQL integers.
MAX_ID = 2**31 - 1


class Comment(NamedTuple):
    id: Id
    author: Id | None
    text: str
    moderated: int
    created: int | None
    is_meta: bool = False


class Vote(NamedTuple):
    participant: Id
    statement: Id
    value: int
    timestamp: int | None


@dataclass(frozen=True, eq=False)
class VoteColumns:
    """The final votes (one per participant and statement), as columns.

    Sorted by (participant, statement); ``participant[k]`` and ``statement[k]`` index
    ``participant_ids`` and ``statement_ids``, both sorted with ``id_sort_key`` and holding
    exactly the ids that have a vote. ``first[k]`` is the position (0-based, among the file's
    votes) of the pair's first vote: ``PolisExport.votes`` lists the votes in that order.
    ``timestamp`` and ``first`` are None when the votes did not come from ``votes.csv``.
    """

    participant_ids: list[Id]
    statement_ids: list[Id]
    participant: I32
    statement: I32
    value: I8
    timestamp: I64 | None
    first: IntArray | None

    def __len__(self) -> int:
        return int(self.value.size)


class PolisExport:
    """A Polis export folder as read: comments, final votes, Polis's groups, summary.

    The votes are held as :class:`VoteColumns`; ``votes`` (a list of :class:`Vote`) is built
    from them on first use. An export may also be made from a list of votes (the columns are
    then built from the list, the last vote of a pair standing, as ``VoteMatrix`` does).
    """

    def __init__(
        self,
        path: Path,
        comments: list[Comment],
        votes: list[Vote] | None,
        groups: dict[Id, int | None],
        summary: dict[str, str],
        vote_source: str,
        participants: list[Id] | None = None,
        *,
        vote_columns: VoteColumns | None = None,
    ) -> None:
        self.path = path
        self.comments = comments
        self.groups = groups
        self.summary = summary
        self.vote_source = vote_source
        self.participants: list[Id] = [] if participants is None else participants
        self._votes = votes if votes is not None or vote_columns is not None else []
        self._columns = vote_columns

    def __repr__(self) -> str:
        return (
            f"PolisExport(path={self.path!r}, comments={len(self.comments)}, "
            f"votes={self.n_votes}, vote_source={self.vote_source!r})"
        )

    @property
    def votes(self) -> list[Vote]:
        """The final votes as a list, in the order their pairs were first voted on."""
        if self._votes is None:
            assert self._columns is not None
            self._votes = _votes_from_columns(self._columns)
        return self._votes

    @property
    def vote_columns(self) -> VoteColumns:
        if self._columns is None:
            self._columns = _columns_from_votes(self._votes or [])
        return self._columns

    @property
    def n_votes(self) -> int:
        return len(self._votes) if self._votes is not None else len(self.vote_columns)

    @property
    def moderated_out(self) -> set[Id]:
        return {c.id for c in self.comments if c.moderated == -1}

    @property
    def hidden_statements(self) -> int:
        """Moderated-out statements that received votes (Polis keeps them as zero columns)."""
        out = self.moderated_out
        return sum(1 for s in self.vote_columns.statement_ids if s in out)

    def participant_order(self) -> list[Id]:
        """Participants in the order of their first vote in ``votes.csv`` (the file's row
        order: Polis's rating-matrix row order); without ``votes.csv``, the participants'
        order in ``participants-votes.csv``."""
        cols = self.vote_columns
        if cols.first is None or len(cols) == 0:
            return list(self.participants or cols.participant_ids)
        n = len(cols.participant_ids)
        earliest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(earliest, cols.participant, cols.first.astype(np.int64))
        order = np.argsort(earliest, kind="stable")
        return [
            cols.participant_ids[i] for i in order.tolist() if earliest[i] < np.iinfo(np.int64).max
        ]

    def matrix(self, *, include_moderated: bool = False) -> VoteMatrix:
        """The vote matrix: every participant, every statement with a vote (not moderated out)."""
        cols = self.vote_columns
        out = set() if include_moderated else self.moderated_out
        keep = np.fromiter(
            (s not in out for s in cols.statement_ids), dtype=bool, count=len(cols.statement_ids)
        )
        statements = [s for s, k in zip(cols.statement_ids, keep.tolist(), strict=True) if k]
        participants = self.participants or cols.participant_ids
        rows: IntArray = cols.participant
        if participants is not cols.participant_ids and participants != cols.participant_ids:
            index = {p: i for i, p in enumerate(participants)}
            rowmap = np.fromiter(
                (index[p] for p in cols.participant_ids),
                dtype=np.int64,
                count=len(cols.participant_ids),
            )
            rows = rowmap[cols.participant]
            if rowmap.size > 1 and bool((rowmap[1:] <= rowmap[:-1]).any()):
                # Rows out of order: let VoteMatrix sort them.
                colmap = np.cumsum(keep, dtype=np.int64) - 1
                mask = keep[cols.statement]
                return VoteMatrix.from_indices(
                    rows[mask],
                    colmap[cols.statement[mask]],
                    cols.value[mask],
                    participants,
                    statements,
                )
        values = cols.value
        indices: IntArray = cols.statement
        if not keep.all():
            colmap32 = (np.cumsum(keep, dtype=np.int64) - 1).astype(np.int32)
            mask = keep[cols.statement]
            rows, indices, values = rows[mask], colmap32[cols.statement[mask]], values[mask]
        # Sorted by (participant, statement) already: the CSR arrays directly, no sort.
        n, m = len(participants), len(statements)
        counts = np.bincount(rows, minlength=n)
        indptr = np.zeros(n + 1, dtype=np.int64 if values.size >= 2**31 else np.int32)
        np.cumsum(counts, out=indptr[1:])
        mat = sp.csr_matrix(
            (values.astype(np.int8, copy=True), indices.astype(np.int32, copy=True), indptr),
            shape=(n, m),
        )
        mat.has_sorted_indices = True
        return VoteMatrix(mat, participants, statements)


def _parse_id(text: str) -> Id:
    t = text.strip()
    if t.lstrip("-").isdigit():
        try:
            return int(t)
        except ValueError:  # "--5", or digits int() does not take ("²")
            return t
    return t


def _polis_id(value: Id, file: Path, row: int, column: str) -> Id:
    """``value`` if it is a Polis id (a whole number from 0 to MAX_ID), else bad input."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise PolisExportError(
            file,
            row,
            f"{str(value)[:40]!r} is not a Polis id (a whole number from 0 to {MAX_ID})",
            column,
        )
    return value


def _parse_int(text: str, file: Path, row: int, column: str) -> int:
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        try:
            f = float(t)
        except ValueError:
            raise PolisExportError(file, row, f"{column} is not a number: {text!r}") from None
        if not f.is_integer():
            raise PolisExportError(file, row, f"{column} is not a whole number: {text!r}") from None
        return int(f)


def _parse_vote(text: str, file: Path, row: int, column: str = "vote") -> int:
    t = text.strip()
    if t in ("1", "-1", "0", "1.0", "-1.0", "0.0", "-0"):
        return int(float(t))
    raise PolisExportError(file, row, f"{column} must be -1, 0 or 1, not {text!r}")


def _rows(file: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record after the header; the header comes first as 1."""
    _refuse_nul(file)
    start = 1
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise PolisExportError(file, None, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise _csv_error(file, start, exc) from None


def _refuse_nul(file: Path) -> None:
    """A NUL byte is never text: PolisExportError naming the row and column of the first."""
    offset, done = -1, 0
    with file.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            found = chunk.find(b"\0")
            if found >= 0:
                offset = done + found
                break
            done += len(chunk)
    if offset < 0:
        return
    with file.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh)
        header: list[str] = []
        start = 1
        for cells in reader:
            if not header:
                header = [h.strip() for h in cells]
            for i, cell in enumerate(cells):
                if "\0" in cell:
                    name = header[i] if start > 1 and i < len(header) else str(i + 1)
                    raise PolisExportError(file, start, "contains a NUL byte", column=name)
            start = reader.line_num + 1
    raise PolisExportError(file, None, f"contains a NUL byte at byte {offset}")


def _csv_error(file: Path, start: int, exc: csv.Error) -> PolisExportError:
    """Where a record that is not valid CSV goes wrong: the field (1-based) of a quote that
    is never closed (a file cut short) or that is followed by text."""
    with file.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()
        for _ in range(start - 2):
            fh.readline()
        text = fh.read() if start > 1 else first + fh.read()
    try:
        header = [h.strip() for h in next(csv.reader([first]))] if start > 1 else []
    except (csv.Error, StopIteration):
        header = []

    def column(n: int) -> str:
        return header[n - 1] if n <= len(header) else str(n)

    field, in_quote, opened, i = 1, False, 1, 0
    while i < len(text):
        ch = text[i]
        if in_quote:
            if ch == '"':
                if text[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    in_quote = False
                    if text[i + 1 : i + 2] not in (",", "\r", "\n", ""):
                        return PolisExportError(
                            file, start, f"text after a closing quote ({exc})", column(field)
                        )
        elif ch == '"' and (i == 0 or text[i - 1] in ",\n\r"):
            in_quote, opened = True, field
        elif ch == ",":
            field += 1
        elif ch in "\r\n":
            break
        i += 1
    if in_quote:
        return PolisExportError(
            file,
            start,
            "the file ends inside a quoted field: it was cut short",
            column(opened),
        )
    return PolisExportError(file, start, f"not valid CSV ({exc})")


def _header(file: Path, first: list[str] | None, required: Iterable[str]) -> list[str]:
    """The stripped header row; an empty file or a missing required column is bad input."""
    if first is None:
        raise PolisExportError(file, 1, "empty file, no header")
    header = [h.strip() for h in first]
    missing = [c for c in required if c not in header]
    if missing:
        raise PolisExportError(file, 1, f"missing column {', '.join(missing)}")
    return header


def _records(
    file: Path, required: Iterable[str]
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and (line number, cells) of each non-blank row, all as wide as it."""
    it = _rows(file)
    header = _header(file, next(it, (1, None))[1], required)
    width = len(header)

    def records() -> Iterator[tuple[int, list[str]]]:
        for line, cells in it:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                raise PolisExportError(
                    file, line, f"has {len(cells)} fields, the header has {width}"
                )
            yield line, cells

    return header, records()


def _table(file: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    header, records = _records(file, required)
    for line, cells in records:
        yield line, dict(zip(header, cells, strict=True))


def _read_comments(file: Path, *, strict: bool = False) -> list[Comment]:
    out: list[Comment] = []
    seen: set[Id] = set()
    for line, row in _table(file, ("comment-id", "moderated")):
        cid = _parse_id(row["comment-id"])
        if cid == "":
            raise PolisExportError(file, line, "comment-id is empty")
        if strict:
            _polis_id(cid, file, line, "comment-id")
        if cid in seen:
            raise PolisExportError(file, line, f"comment-id {cid!r} repeats")
        seen.add(cid)
        moderated = _parse_int(row["moderated"], file, line, "moderated")
        if moderated not in (-1, 0, 1):
            raise PolisExportError(file, line, f"moderated must be -1, 0 or 1, not {moderated}")
        ts = row.get("timestamp", "").strip()
        author = row.get("author-id", "").strip()
        meta = row.get("is-meta", "").strip().lower() in ("1", "true", "t")
        if strict and author:
            _polis_id(_parse_id(author), file, line, "author-id")
        out.append(
            Comment(
                id=cid,
                author=_parse_id(author) if author else None,
                text=row.get("comment-body", ""),
                moderated=moderated,
                created=_parse_int(ts, file, line, "timestamp") if ts else None,
                is_meta=meta,
            )
        )
    return out


_VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
# The vote texts _parse_vote takes, unstripped (anything else goes through _parse_vote).
_VOTE_TEXT = {"1": 1, "-1": -1, "0": 0, "1.0": 1, "-1.0": -1, "0.0": 0, "-0": 0}


def _array(buffer: array[int], dtype: type[np.signedinteger[Any]]) -> npt.NDArray[Any]:
    """A numpy view of an ``array.array`` (no copy)."""
    return np.frombuffer(buffer, dtype=dtype) if len(buffer) else np.zeros(0, dtype=dtype)


# What numpy reads as an integer and the checked reading refuses: a field that starts with
# "+" ("+5" is no Polis id), a last field (the vote) with a leading zero ("01" is no vote).
_PLUS_FIELD = re.compile(rb"(?:^|,)[ \t]*\+", re.MULTILINE)
# (A vote that numpy reads as -1, 0 or 1 and that ends in 0 and a digit has a leading zero.)
_ZERO_VOTE = re.compile(rb"0[0-9][ \t\r]*\n")


def _read_votes_fast(file: Path, *, strict: bool) -> VoteColumns | None:
    """votes.csv through numpy's C reader (``np.loadtxt``), when the file is plain: no quote,
    every row as wide as the header with the vote its last column, every cell read an
    integer, every vote -1, 0 or 1 and (``strict``) every id a Polis id. None otherwise: the
    checked reading (``_read_votes``) then reads it again and names what is wrong, so the fast
    path never accepts what that one refuses and never has to word an error."""
    commas = chunks = 0
    carry = b""  # the previous chunk's unfinished line
    with file.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 22)
            if b'"' in chunk or b"\0" in chunk:
                return None
            commas += chunk.count(b",")
            chunks += 1
            # Whole lines only (the last one completed at the end of the file).
            text = carry + chunk if chunk else carry + b"\n"
            end = text.rfind(b"\n") + 1
            if b"+" in text and _PLUS_FIELD.search(text, 0, end):
                return None
            if _ZERO_VOTE.search(text, 0, end):
                return None
            carry = text[end:]
            if not chunk:
                break
    if chunks < 2:  # an empty file
        return None
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            header = _header(file, next(csv.reader(fh), None), _VOTE_COLUMNS)
    except (UnicodeDecodeError, csv.Error):
        return None
    where = {name: i for i, name in enumerate(header)}
    width = len(header)
    used = tuple(where[c] for c in _VOTE_COLUMNS)
    if used[3] != width - 1:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data"
            table = np.loadtxt(
                file,
                dtype=np.int64,
                delimiter=",",
                comments=None,
                skiprows=1,
                usecols=used,
                encoding="utf-8-sig",
                ndmin=2,
            )
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    n = table.shape[0]
    # Every row holds at least ``width`` fields (the vote, the last one, was read): with the
    # header's commas counted too, as many commas as that means no row holds more.
    if n == 0 or commas != (width - 1) * (n + 1):
        return None
    value = table[:, 3]
    if value.min() < -1 or value.max() > 1:
        return None
    people, statements = table[:, 2], table[:, 1]
    if strict and (
        min(people.min(), statements.min()) < 0 or max(people.max(), statements.max()) > MAX_ID
    ):
        return None
    pvalues, prank = np.unique(people, return_inverse=True)
    svalues, srank = np.unique(statements, return_inverse=True)
    m = max(len(svalues), 1)
    key = prank.astype(np.int64).reshape(-1) * m
    key += srank.reshape(-1)
    del prank, srank
    rows = [key, value.astype(np.int8), np.ascontiguousarray(table[:, 0])]
    del table, value, people, statements, key
    return _latest(rows, pvalues.tolist(), svalues.tolist())


def _read_votes(file: Path, *, strict: bool = False) -> VoteColumns:
    """votes.csv into columns, every row checked; errors name the CSV line (and the column
    when known). A plain file goes through numpy's C reader (``_read_votes_fast``); anything
    else through the ``csv`` module into ``array`` columns."""
    fast = _read_votes_fast(file, strict=strict)
    if fast is not None:
        return fast
    codes: tuple[dict[str, int], dict[str, int]] = ({}, {})
    ids: tuple[list[Id], list[Id]] = ([], [])

    def intern(text: str, side: int, line: int) -> int:
        parsed = _parse_id(text)
        if parsed == "":
            raise PolisExportError(file, line, "voter-id or comment-id is empty")
        if strict:
            _polis_id(parsed, file, line, ("voter-id", "comment-id")[side])
        code = codes[side][text] = len(ids[side])
        ids[side].append(parsed)
        return code

    # Codes are int32: a file with 2**31 distinct ids would not fit in memory anyway.
    pcol, scol, vcol, tcol = array("i"), array("i"), array("b"), array("q")
    _refuse_nul(file)
    start = 1
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            header = _header(file, next(reader, None), _VOTE_COLUMNS)
            # The last column of a name stands, as in dict(zip(header, cells)).
            where = {name: i for i, name in enumerate(header)}
            ti, ci, pi, xi = (where[c] for c in _VOTE_COLUMNS)
            width = len(header)
            pget, sget, vget = codes[0].get, codes[1].get, _VOTE_TEXT.get
            padd, sadd, vadd, tadd = pcol.append, scol.append, vcol.append, tcol.append
            start = reader.line_num + 1
            for cells in reader:
                line = start
                start = reader.line_num + 1
                if len(cells) != width:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue
                    raise PolisExportError(
                        file, line, f"has {len(cells)} fields, the header has {width}"
                    )
                text = cells[ti]
                try:
                    ts = int(text)
                except ValueError:
                    ts = _parse_int(text, file, line, "timestamp")
                text = cells[pi]
                p = pget(text)
                if p is None:
                    p = intern(text, 0, line)
                text = cells[ci]
                c = sget(text)
                if c is None:
                    c = intern(text, 1, line)
                text = cells[xi]
                v = vget(text)
                if v is None:
                    v = _parse_vote(text, file, line)
                try:
                    tadd(ts)
                except OverflowError:
                    raise PolisExportError(
                        file, line, f"timestamp is out of range: {cells[ti]!r}"
                    ) from None
                padd(p)
                sadd(c)
                vadd(v)
    except UnicodeDecodeError as exc:
        raise PolisExportError(file, None, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise _csv_error(file, start, exc) from None
    # Different texts may name the same id ("7", "07", " 7"): codes map to ranks of the ids.
    pids, prank = _ranks(ids[0])
    sids, srank = _ranks(ids[1])
    key = prank[_array(pcol, np.intc)].astype(np.int64) * max(len(sids), 1)
    key += srank[_array(scol, np.intc)]
    rows = [key, _array(vcol, np.int8), _array(tcol, np.int64)]
    del pcol, scol, vcol, tcol, key
    return _latest(rows, pids, sids)


def _ranks(ids: list[Id]) -> tuple[list[Id], I32]:
    """The distinct ids sorted with id_sort_key, and the rank of each entry of ``ids``."""
    distinct = sorted(set(ids), key=id_sort_key)
    rank = {x: i for i, x in enumerate(distinct)}
    return distinct, np.fromiter((rank[x] for x in ids), dtype=np.int32, count=len(ids))


def _latest(rows: list[Any], pids: list[Id], sids: list[Id]) -> VoteColumns:
    """The final vote of each pair, from ``rows`` = [key, value, timestamp or None] of every
    row in file order; key is participant rank * len(sids) + statement rank.

    The latest timestamp stands; on equal timestamps (or without timestamps) the later row.
    ``rows`` is emptied, so that each array is freed as soon as it has been used.
    """
    key: I64 = rows[0]
    value: I8 = rows[1]
    ts: I64 | None = rows[2]
    rows.clear()
    n, m = key.size, max(len(sids), 1)
    if n == 0:
        empty = np.zeros(0, dtype=np.int32)
        return VoteColumns([], [], empty, empty.copy(), value[:0], ts, empty.copy())
    row_bits = max(1, (n - 1).bit_length())
    if max(1, (len(pids) * m - 1).bit_length()) + row_bits <= 63:
        # One plain sort of (key, row) packed in an int64: much faster than a stable argsort.
        key <<= row_bits
        for lo in range(0, n, 1 << 22):
            key[lo : lo + (1 << 22)] |= np.arange(lo, min(n, lo + (1 << 22)), dtype=np.int64)
        key.sort()
        order = key & ((1 << row_bits) - 1)
        key >>= row_bits
    else:
        order = np.argsort(key, kind="stable")
        key = key[order]
    # The rows of a pair are now together, in file order; ``new`` marks each pair's first.
    new = np.ones(n, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    k = int(np.count_nonzero(new))
    first = _compact(order, new, np.empty(k, dtype=np.int32 if n < 2**31 else np.int64))
    if k < n:
        # ``order`` becomes the standing row of each pair, at the pair's first position.
        if ts is None:
            # The pair's last row stands: the row before the next pair's first.
            order[new] = order[np.flatnonzero(np.append(new[1:], True))]
        else:
            # Pairs voted on more than once: sort their rows by (pair, timestamp, row).
            repeated = ~new
            repeated[:-1] |= ~new[1:]
            pos = np.flatnonzero(repeated)
            del repeated
            pair = np.cumsum(new[pos]) - 1
            r = order[pos]
            by_time = np.lexsort((r, ts[r], pair))
            last = np.ones(by_time.size, dtype=bool)
            np.not_equal(pair[by_time][1:], pair[by_time][:-1], out=last[:-1])
            order[pos[new[pos]]] = r[by_time[last]]
        order = _compact(order, new)
        key = _compact(key, new)
    del new
    participant = np.empty(k, dtype=np.int32)
    np.floor_divide(key, m, out=participant, casting="unsafe")
    statement = np.empty(k, dtype=np.int32)
    np.remainder(key, m, out=statement, casting="unsafe")
    del key
    value = value[order]
    timestamp = None if ts is None else ts[order]
    del ts, order
    return VoteColumns(
        participant_ids=pids,
        statement_ids=sids,
        participant=participant,
        statement=statement,
        value=value,
        timestamp=timestamp,
        first=first,
    )


def _compact(
    values: npt.NDArray[Any], keep: npt.NDArray[np.bool_], out: npt.NDArray[Any] | None = None
) -> npt.NDArray[Any]:
    """``values[keep]`` written into ``out`` (by default over ``values`` itself, as a view of
    its start), a block at a time: no temporary as large as the arrays."""
    target = values if out is None else out
    at, block = 0, 1 << 22
    for lo in range(0, values.size, block):
        kept = values[lo : lo + block][keep[lo : lo + block]]
        target[at : at + kept.size] = kept
        at += kept.size
    return target[:at]


def _columns_from_votes(votes: list[Vote]) -> VoteColumns:
    """Columns from a list of votes; a repeated pair keeps its last vote."""
    codes: tuple[dict[Id, int], dict[Id, int]] = ({}, {})
    p = np.fromiter(
        (codes[0].setdefault(v.participant, len(codes[0])) for v in votes),
        dtype=np.int64,
        count=len(votes),
    )
    s = np.fromiter(
        (codes[1].setdefault(v.statement, len(codes[1])) for v in votes),
        dtype=np.int64,
        count=len(votes),
    )
    value = np.fromiter((v.value for v in votes), dtype=np.int8, count=len(votes))
    pids, prank = _ranks(list(codes[0]))
    sids, srank = _ranks(list(codes[1]))
    key = prank[p].astype(np.int64) * max(len(sids), 1) + srank[s]
    return replace(_latest([key, value, None], pids, sids), first=None)


def _votes_from_columns(cols: VoteColumns) -> list[Vote]:
    order = np.argsort(cols.first) if cols.first is not None else slice(None)
    pids, sids = cols.participant_ids, cols.statement_ids
    ps = cols.participant[order].tolist()
    ss = cols.statement[order].tolist()
    vs = cols.value[order].tolist()
    ts: Iterable[int | None] = (
        cols.timestamp[order].tolist() if cols.timestamp is not None else [None] * len(vs)
    )
    return [Vote(pids[p], sids[s], v, t) for p, s, v, t in zip(ps, ss, vs, ts, strict=True)]


def _read_participants_votes(
    file: Path, *, with_votes: bool = True, strict: bool = False
) -> tuple[list[Vote], dict[Id, int | None], list[Id]]:
    """Participants, their Polis group and (``with_votes``) their final votes.

    Without ``with_votes`` (votes.csv is there) the per-comment cells are neither parsed
    nor checked.
    """
    header, records = _records(file, ("participant", "group-id"))
    first_comment = 0
    for i, h in enumerate(header):
        if h in _PV_FIXED:
            first_comment = i + 1
    comment_ids = [_parse_id(h) for h in header[first_comment:]]
    if strict:
        for h, cid in zip(header[first_comment:], comment_ids, strict=True):
            _polis_id(cid, file, 1, h)
    p_col = header.index("participant")
    g_col = header.index("group-id")
    votes: list[Vote] = []
    groups: dict[Id, int | None] = {}
    participants: list[Id] = []
    for line, cells in records:
        pid = _parse_id(cells[p_col])
        if pid == "":
            raise PolisExportError(file, line, "participant is empty")
        if strict:
            _polis_id(pid, file, line, "participant")
        g = cells[g_col].strip()
        groups[pid] = _parse_int(g, file, line, "group-id") if g else None
        participants.append(pid)
        if not with_votes:
            continue
        for cid, cell in zip(comment_ids, cells[first_comment:], strict=True):
            if cell.strip() == "":
                continue
            votes.append(Vote(pid, cid, _parse_vote(cell, file, line, f"vote on {cid}"), None))
    return votes, groups, participants


def _read_summary(file: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line, cells in _rows(file):
        if not cells:
            continue
        if len(cells) < 2:
            raise PolisExportError(file, line, "expected key,value")
        out[cells[0].strip()] = cells[1] if len(cells) == 2 else ",".join(cells[1:])
    return out


def read_polis_export(path: str | Path, *, strict: bool = False) -> PolisExport:
    """Read a Polis export folder; raises PolisExportError naming file, row and column on bad
    input. Every file is read and checked before this returns.

    Always refused: a file that is not UTF-8 CSV, one that ends inside a quoted field (cut
    short), a NUL byte. ``strict`` (what an import into the database needs) also refuses a
    folder without ``comments.csv`` (some real exports have no votes file, none lacks it), an
    id that is not a Polis id (a whole number from 0 to ``MAX_ID``) and a vote on a comment
    ``comments.csv`` does not list (it was cut short).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise PolisExportError(folder, None, "not a folder")
    files = {name: folder / name for name in (COMMENTS, VOTES, PARTICIPANTS_VOTES, SUMMARY)}
    present = {name for name, f in files.items() if f.is_file()}
    if not present & {COMMENTS, VOTES, PARTICIPANTS_VOTES}:
        raise PolisExportError(
            folder, None, "no comments.csv, votes.csv or participants-votes.csv: empty export"
        )
    if strict and COMMENTS not in present:
        raise PolisExportError(files[COMMENTS], None, "missing: the export has no statements")
    comments = _read_comments(files[COMMENTS], strict=strict) if COMMENTS in present else []
    groups: dict[Id, int | None] = {}
    participants: list[Id] = []
    pv_votes: list[Vote] = []
    if PARTICIPANTS_VOTES in present:
        pv_votes, groups, participants = _read_participants_votes(
            files[PARTICIPANTS_VOTES], with_votes=VOTES not in present, strict=strict
        )
    votes: list[Vote] | None = None
    columns: VoteColumns | None = None
    if VOTES in present:
        columns = _read_votes(files[VOTES], strict=strict)
        source = VOTES
        if participants:
            known = set(participants)
            participants = participants + [p for p in columns.participant_ids if p not in known]
    elif PARTICIPANTS_VOTES in present:
        votes = pv_votes
        source = PARTICIPANTS_VOTES
    else:
        votes = []
        source = ""
    summary = _read_summary(files[SUMMARY]) if SUMMARY in present else {}
    if strict:
        listed = {c.id for c in comments}
        if columns is not None:
            unknown = set(columns.statement_ids) - listed
            if unknown:
                raise _unlisted_vote(files[VOTES], unknown)
        elif votes:
            for cid in dict.fromkeys(v.statement for v in votes):
                if cid not in listed:
                    raise PolisExportError(
                        files[PARTICIPANTS_VOTES],
                        1,
                        "votes on a comment comments.csv lacks",
                        str(cid),
                    )
    participants = sorted(dict.fromkeys(participants), key=id_sort_key)
    return PolisExport(
        path=folder,
        comments=comments,
        votes=votes,
        groups=groups,
        summary=summary,
        vote_source=source,
        participants=participants,
        vote_columns=columns,
    )


def _unlisted_vote(file: Path, unknown: set[Id]) -> PolisExportError:
    """The first row of votes.csv whose comment-id comments.csv does not list."""
    header, records = _records(file, _VOTE_COLUMNS)
    at = header.index("comment-id")
    for line, cells in records:
        cid = _parse_id(cells[at])
        if cid in unknown:
            return PolisExportError(
                file, line, f"comment {cid} is not in comments.csv (cut short?)", "comment-id"
            )
    return PolisExportError(file, None, "votes on comments that comments.csv lacks")


# -- writing ------------------------------------------------------------------------------


def _polis_datetime(ms: int | None) -> str:
    if ms is None:
        return ""
    t = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    return t.strftime("%a %b %d %H:%M:%S UTC %Y")


def _as_comment(c: Comment | Mapping[str, Any]) -> Comment:
    if isinstance(c, Comment):
        return c
    return Comment(
        id=c["id"],
        author=c.get("author"),
        text=str(c.get("text", "")),
        moderated=int(c.get("moderated", 0)),
        created=c.get("created"),
        is_meta=bool(c.get("is_meta", False)),
    )


def _as_vote(v: Vote | Mapping[str, Any] | tuple[Any, ...]) -> Vote:
    if isinstance(v, Vote):
        return v
    if isinstance(v, Mapping):
        return Vote(v["participant"], v["statement"], int(v["value"]), v.get("timestamp"))
    if len(v) == 3:
        return Vote(v[0], v[1], int(v[2]), None)
    return Vote(v[0], v[1], int(v[2]), v[3])


def write_polis_export(
    path: str | Path,
    *,
    comments: Iterable[Comment | Mapping[str, Any]],
    votes: Iterable[Vote | Mapping[str, Any] | tuple[Any, ...]],
    groups: Mapping[Id, int | None],
    summary: Mapping[str, Any],
) -> None:
    """Write comments.csv, votes.csv, participants-votes.csv and summary.csv as Polis does."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    cmts = [_as_comment(c) for c in comments]
    all_votes = [_as_vote(v) for v in votes]
    # Final vote per pair (latest timestamp, then last given).
    final: dict[tuple[Id, Id], Vote] = {}
    for v in all_votes:
        prev = final.get((v.participant, v.statement))
        if prev is None or (v.timestamp or 0) >= (prev.timestamp or 0):
            final[(v.participant, v.statement)] = v
    agrees: dict[Id, int] = {}
    disagrees: dict[Id, int] = {}
    for v in final.values():
        if v.value == 1:
            agrees[v.statement] = agrees.get(v.statement, 0) + 1
        elif v.value == -1:
            disagrees[v.statement] = disagrees.get(v.statement, 0) + 1

    with (folder / COMMENTS).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in cmts:
            w.writerow(
                [
                    "" if c.created is None else c.created,
                    _polis_datetime(c.created),
                    c.id,
                    "" if c.author is None else c.author,
                    agrees.get(c.id, 0),
                    disagrees.get(c.id, 0),
                    c.moderated,
                    c.text,
                ]
            )

    with (folder / VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for v in sorted(all_votes, key=lambda v: v.timestamp or 0):
            w.writerow(
                [
                    v.timestamp or 0,
                    _polis_datetime(v.timestamp),
                    v.statement,
                    v.participant,
                    v.value,
                ]
            )

    comment_ids = [c.id for c in cmts]
    known = set(comment_ids)
    comment_ids += sorted({s for (_, s) in final} - known, key=id_sort_key)
    participants = sorted({p for (p, _) in final} | set(groups), key=id_sort_key)
    by_participant: dict[Id, dict[Id, int]] = {}
    for (p, s), v in final.items():
        by_participant.setdefault(p, {})[s] = v.value
    authored: dict[Id, int] = {}
    for c in cmts:
        if c.author is not None:
            authored[c.author] = authored.get(c.author, 0) + 1
    with (folder / PARTICIPANTS_VOTES).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            + [str(c) for c in comment_ids]
        )
        for p in participants:
            pv = by_participant.get(p, {})
            g = groups.get(p)
            w.writerow(
                [
                    p,
                    "" if g is None else g,
                    authored.get(p, 0),
                    len(pv),
                    sum(1 for x in pv.values() if x == 1),
                    sum(1 for x in pv.values() if x == -1),
                ]
                + [pv.get(c, "") for c in comment_ids]
            )

    buf = io.StringIO()
    w = csv.writer(buf)
    for key, value in summary.items():
        w.writerow([key, value])
    (folder / SUMMARY).write_text(buf.getvalue(), encoding="utf-8")
