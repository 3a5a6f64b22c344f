"""Bridging: agreement that holds across opinion groups and across participant attributes.

Method (see docs/analysis.md for the reasoning). For one *partition* of the participants
(the opinion groups, or the values of one attribute such as declared constituency), each
class ``c`` gets the smoothed agree rate ``(agree_c + 1) / (seen_c + 2)`` — Polis's prior —
and the partition's score is their geometric mean. That is Polis's group-informed consensus
(a product over groups) raised to ``1 / n_classes``, so that partitions with different numbers
of classes are on the same 0..1 scale. A statement's bridging score is the geometric mean of
its partition scores: high only when every class of every partition tends to agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .counts import Counts

FloatArray = npt.NDArray[np.float64]


def partition_score(counts: Counts) -> FloatArray:
    """Geometric mean over classes of (agree + 1) / (seen + 2), per statement."""
    if counts.agree.shape[0] == 0:
        return np.full(counts.agree.shape[1], 0.5)
    p = (counts.agree + 1.0) / (counts.seen + 2.0)
    return np.asarray(np.exp(np.log(p).mean(axis=0)))


def bridging_scores(partitions: Sequence[Counts], n_statements: int) -> FloatArray:
    """Geometric mean of the partition scores (0.5 where no partition is given)."""
    if not partitions:
        return np.full(n_statements, 0.5)
    logs = np.stack([np.log(partition_score(c)) for c in partitions], axis=0)
    return np.asarray(np.exp(logs.mean(axis=0)))
