"""Vote counts per (class of participants, statement), in one pass over the stored votes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .matrix import AGREE, DISAGREE, VoteMatrix

IntArray = npt.NDArray[np.int64]

_CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class Counts:
    """Arrays of shape (n_classes, n_statements)."""

    agree: IntArray
    disagree: IntArray
    seen: IntArray

    @property
    def passed(self) -> IntArray:
        return self.seen - self.agree - self.disagree

    def row(self, c: int, j: int) -> dict[str, int]:
        return {
            "agree": int(self.agree[c, j]),
            "disagree": int(self.disagree[c, j]),
            "pass": int(self.seen[c, j] - self.agree[c, j] - self.disagree[c, j]),
            "seen": int(self.seen[c, j]),
        }


def counts_by_class(matrix: VoteMatrix, labels: npt.NDArray[np.integer], n_classes: int) -> Counts:
    """Count agree/disagree/seen per class; participants labelled -1 are left out."""
    n, m = matrix.shape
    size = n_classes * m
    agree = np.zeros(size, dtype=np.int64)
    disagree = np.zeros(size, dtype=np.int64)
    seen = np.zeros(size, dtype=np.int64)
    votes = matrix.votes
    lab = np.asarray(labels, dtype=np.int64)
    for lo in range(0, n, _CHUNK_ROWS):
        hi = min(n, lo + _CHUNK_ROWS)
        start, stop = int(votes.indptr[lo]), int(votes.indptr[hi])
        if start == stop:
            continue
        per_row = np.diff(votes.indptr[lo : hi + 1])
        entry_label = np.repeat(lab[lo:hi], per_row)
        keep = entry_label >= 0
        key = entry_label[keep] * m + votes.indices[start:stop][keep]
        data = votes.data[start:stop][keep]
        seen += np.bincount(key, minlength=size)
        agree += np.bincount(key[data == AGREE], minlength=size)
        disagree += np.bincount(key[data == DISAGREE], minlength=size)
    shape = (n_classes, m)
    return Counts(agree.reshape(shape), disagree.reshape(shape), seen.reshape(shape))
