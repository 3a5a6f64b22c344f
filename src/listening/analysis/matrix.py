"""The vote matrix: participants x statements, held sparse.

Every *seen* cell is a stored entry of a CSR matrix of ``int8``: agree ``1``, disagree ``-1``,
pass ``0`` (an explicit zero). A cell that is not stored was not seen. Explicit zeros are
never eliminated here, so ``indptr``/``indices`` are the "seen" pattern.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

AGREE = 1
DISAGREE = -1
PASS = 0

Id = Hashable


def id_sort_key(value: Any) -> tuple[int, Any]:
    """A total order over mixed ids: numbers first (numerically), then strings."""
    if isinstance(value, bool):
        return (2, str(value))
    if isinstance(value, (int, np.integer)):
        return (0, int(value))
    if isinstance(value, (float, np.floating)):
        return (0, float(value))
    return (1, str(value))


def _plain(value: Any) -> Any:
    """numpy scalars become Python scalars, so ids are JSON-friendly and hash as expected."""
    if isinstance(value, np.generic):
        return value.item()
    return value


class VoteMatrix:
    """Participants x statements votes.

    ``votes`` is a CSR matrix of ``int8`` whose stored entries are exactly the seen cells.
    ``participant_ids[i]`` names row ``i``; ``statement_ids[j]`` names column ``j``.
    """

    __slots__ = ("_pindex", "_sindex", "participant_ids", "statement_ids", "votes")

    def __init__(
        self,
        votes: sp.csr_matrix,
        participant_ids: Sequence[Id],
        statement_ids: Sequence[Id],
    ) -> None:
        if not sp.issparse(votes) or votes.format != "csr":
            raise TypeError("votes must be a scipy CSR matrix")
        n, m = votes.shape
        if len(participant_ids) != n or len(statement_ids) != m:
            raise ValueError(
                f"shape {votes.shape} does not match {len(participant_ids)} participant ids "
                f"and {len(statement_ids)} statement ids"
            )
        if votes.dtype != np.int8:
            votes = votes.astype(np.int8)
        if votes.nnz and (votes.data.min() < -1 or votes.data.max() > 1):
            raise ValueError("votes must be -1, 0 or 1")
        if not votes.has_canonical_format:
            raise ValueError("votes must be in canonical CSR format (sorted, no duplicates)")
        self.votes: sp.csr_matrix = votes
        self.participant_ids: list[Id] = [_plain(p) for p in participant_ids]
        self.statement_ids: list[Id] = [_plain(s) for s in statement_ids]
        self._pindex: dict[Id, int] | None = None
        self._sindex: dict[Id, int] | None = None
        if len(set(self.participant_ids)) != n:
            raise ValueError("participant ids must be unique")
        if len(set(self.statement_ids)) != m:
            raise ValueError("statement ids must be unique")

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_votes(
        cls,
        participant_ids: Sequence[Id] | npt.ArrayLike,
        statement_ids: Sequence[Id] | npt.ArrayLike,
        values: Sequence[int] | npt.ArrayLike,
        *,
        all_participants: Sequence[Id] | None = None,
        all_statements: Sequence[Id] | None = None,
    ) -> VoteMatrix:
        """Build from (participant, statement, value) triples; a repeated pair keeps its LAST value.

        ``all_participants`` / ``all_statements`` add rows/columns that may have no votes
        (and fix the order of those listed).
        """
        vals = np.asarray(values)
        if vals.ndim != 1:
            raise ValueError("values must be one-dimensional")
        if vals.size and not np.isin(vals, (-1, 0, 1)).all():
            bad = vals[~np.isin(vals, (-1, 0, 1))][0]
            raise ValueError(f"a vote must be -1, 0 or 1, not {bad!r}")
        rows, pids = _encode(participant_ids, all_participants)
        cols, sids = _encode(statement_ids, all_statements)
        if not (len(rows) == len(cols) == len(vals)):
            raise ValueError("participant_ids, statement_ids and values differ in length")
        return cls.from_indices(rows, cols, vals, pids, sids)

    @classmethod
    def from_indices(
        cls,
        rows: npt.ArrayLike,
        cols: npt.ArrayLike,
        values: npt.ArrayLike,
        participant_ids: Sequence[Id],
        statement_ids: Sequence[Id],
    ) -> VoteMatrix:
        """Build from row/column positions; a repeated (row, col) keeps its LAST value."""
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        v = np.asarray(values, dtype=np.int8)
        n, m = len(participant_ids), len(statement_ids)
        key = r * max(m, 1) + c
        # Reverse so that np.unique's first occurrence is the last vote cast.
        ukey, first = np.unique(key[::-1], return_index=True)
        data = v[::-1][first]
        urows = ukey // max(m, 1)
        ucols = ukey % max(m, 1)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(urows, minlength=n), out=indptr[1:])
        indptr = indptr.astype(np.int32) if ukey.size < 2**31 else indptr
        indices = ucols.astype(np.int32 if m < 2**31 else np.int64)
        mat = sp.csr_matrix((data.astype(np.int8), indices, indptr), shape=(n, m))
        mat.has_sorted_indices = True
        return cls(mat, participant_ids, statement_ids)

    # -- views --------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.votes.shape
        return int(n), int(m)

    @property
    def n_votes(self) -> int:
        return int(self.votes.nnz)

    def participant_index(self) -> dict[Id, int]:
        if self._pindex is None:
            self._pindex = {p: i for i, p in enumerate(self.participant_ids)}
        return self._pindex

    def statement_index(self) -> dict[Id, int]:
        if self._sindex is None:
            self._sindex = {s: j for j, s in enumerate(self.statement_ids)}
        return self._sindex

    def row_counts(self) -> npt.NDArray[np.int64]:
        """Votes cast (agree, disagree or pass) by each participant."""
        out: npt.NDArray[np.int64] = np.diff(self.votes.indptr).astype(np.int64)
        return out

    def entry_rows(self) -> npt.NDArray[np.int32]:
        """Row index of every stored entry (same order as ``votes.data``)."""
        n = self.shape[0]
        return np.repeat(np.arange(n, dtype=np.int32), np.diff(self.votes.indptr))

    def column_counts(self) -> dict[str, npt.NDArray[np.int64]]:
        """Per statement: agree, disagree, pass and seen counts."""
        m = self.shape[1]
        idx = self.votes.indices
        data = self.votes.data
        agree = np.bincount(idx[data == AGREE], minlength=m)
        disagree = np.bincount(idx[data == DISAGREE], minlength=m)
        seen = np.bincount(idx, minlength=m)
        return {
            "agree": agree,
            "disagree": disagree,
            "pass": seen - agree - disagree,
            "seen": seen,
        }

    def select_statements(self, keep: npt.NDArray[np.bool_]) -> VoteMatrix:
        """A new matrix with only the statements where ``keep`` is true."""
        cols = np.flatnonzero(keep)
        sub = self.votes[:, cols]
        sub = sp.csr_matrix(sub)
        sub.sort_indices()
        return VoteMatrix(sub, self.participant_ids, [self.statement_ids[j] for j in cols])

    def to_triples(self) -> list[tuple[Id, Id, int]]:
        rows = self.entry_rows()
        return [
            (self.participant_ids[int(r)], self.statement_ids[int(c)], int(v))
            for r, c, v in zip(rows, self.votes.indices, self.votes.data, strict=True)
        ]

    def __repr__(self) -> str:
        n, m = self.shape
        return f"VoteMatrix({n} participants x {m} statements, {self.n_votes} votes)"


def _encode(
    ids: Sequence[Id] | npt.ArrayLike, extra: Sequence[Id] | None
) -> tuple[npt.NDArray[np.int64], list[Id]]:
    """Map ids to dense codes. Order: ``extra`` first, then first appearance."""
    if isinstance(ids, np.ndarray) and ids.dtype.kind in "iu" and extra is None:
        uniq, inverse = np.unique(ids, return_inverse=True)
        return inverse.astype(np.int64), uniq.tolist()
    index: dict[Id, int] = {}
    for e in extra or ():
        index.setdefault(_plain(e), len(index))
    codes = np.empty(len(ids), dtype=np.int64)  # type: ignore[arg-type]
    for i, p in enumerate(ids):  # type: ignore[arg-type]
        p = _plain(p)
        code = index.get(p)
        if code is None:
            code = index[p] = len(index)
        codes[i] = code
    return codes, list(index)
