"""Which statement to show a participant next: Polis's comment priority (conversation.clj).

``importance = (1 - p) * (E + 1) * a`` with ``p = (passes + 1) / (seen + 2)``,
``a = (agrees + 1) / (seen + 2)`` and ``E`` the statement's extremity (its distance from the
centre of the opinion map, so statements that separate groups come first); it is multiplied
by ``1 + 8 * 2 ** (-seen / 5)`` so that new statements bubble up, then squared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .matrix import Id, VoteMatrix

if TYPE_CHECKING:
    from .opinions import OpinionResult


def priority(
    agree: np.ndarray, passed: np.ndarray, seen: np.ndarray, extremity: np.ndarray
) -> np.ndarray:
    a = (agree + 1.0) / (seen + 2.0)
    p = (passed + 1.0) / (seen + 2.0)
    importance = (1.0 - p) * (extremity + 1.0) * a
    return np.asarray((importance * (1.0 + 8.0 * 2.0 ** (-seen / 5.0))) ** 2)


def routing_priorities(matrix: VoteMatrix, result: OpinionResult | None) -> dict[Id, float]:
    """Priority per statement of ``matrix``; higher means show sooner.

    With a result, votes are those of the participants in opinion groups (as Polis) and the
    extremity comes from the map; statements the result does not know are new (extremity 0).
    Without one, all votes count and every extremity is 0.
    """
    m = matrix.shape[1]
    counts = matrix.column_counts()
    agree = counts["agree"].astype(np.float64)
    passed = counts["pass"].astype(np.float64)
    seen = counts["seen"].astype(np.float64)
    extremity = np.zeros(m)
    if result is not None:
        index = {s: j for j, s in enumerate(result.statement_ids)}
        gc = result.group_counts
        has_groups = gc.seen.shape[0] > 0
        for j, s in enumerate(matrix.statement_ids):
            k = index.get(s)
            if k is None:
                agree[j] = passed[j] = seen[j] = 0.0
                continue
            extremity[j] = float(np.hypot(*result.statement_xy[k]))
            if has_groups:
                agree[j] = float(gc.agree[:, k].sum())
                seen[j] = float(gc.seen[:, k].sum())
                passed[j] = seen[j] - agree[j] - float(gc.disagree[:, k].sum())
    values = priority(agree, passed, seen, extremity)
    return {s: float(values[j]) for j, s in enumerate(matrix.statement_ids)}
