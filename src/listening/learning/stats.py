"""Item statistics of quiz questions, as Moodle's quiz statistics report defines them. Pure.

Facility index: the mean score on the question (0..1), how easy it was.
Discrimination index: the correlation between the score on the question and the mean score
on the other questions of the attempt, as a percentage; a good question is answered better
by those who do well on the rest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def facility(scores: Sequence[float]) -> float | None:
    if not scores:
        return None
    return round(100 * sum(scores) / len(scores), 1)


def discrimination(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson correlation (as a percentage) of (question score, rest-of-quiz score) pairs,
    one pair per attempt; None when either side does not vary."""
    if len(pairs) < 2:
        return None
    xs = [x for x, _y in pairs]
    ys = [y for _x, y in pairs]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return round(100 * cov / math.sqrt(var_x * var_y), 1)


def item_statistics(
    question_ids: Sequence[int], attempt_ids: Sequence[int], scores: Sequence[float]
) -> dict[int, tuple[int, float | None, float | None]]:
    """For each question: (responses, facility %, discrimination %) from one row per response
    (question, attempt, score 0..1), vectorised with numpy so that hundreds of thousands of
    responses take milliseconds. The rest-of-quiz score of a response is the mean score on
    the other questions of its attempt; attempts of a single question are left out of the
    discrimination."""
    result: dict[int, tuple[int, float | None, float | None]] = {}
    if not len(scores):
        return result
    q_keys, q_index = np.unique(np.asarray(question_ids), return_inverse=True)
    _a_keys, a_index = np.unique(np.asarray(attempt_ids), return_inverse=True)
    x = np.asarray(scores, dtype=float)
    attempt_sum = np.bincount(a_index, weights=x)
    attempt_count = np.bincount(a_index)
    others = attempt_count[a_index] - 1
    has_rest = others > 0
    y = np.where(has_rest, (attempt_sum[a_index] - x) / np.maximum(others, 1), 0.0)
    count = np.bincount(q_index, minlength=len(q_keys))
    facility_values = np.bincount(q_index, weights=x, minlength=len(q_keys))
    w = has_rest.astype(float)
    n = np.bincount(q_index, weights=w, minlength=len(q_keys))
    sx = np.bincount(q_index, weights=w * x, minlength=len(q_keys))
    sy = np.bincount(q_index, weights=w * y, minlength=len(q_keys))
    sxx = np.bincount(q_index, weights=w * x * x, minlength=len(q_keys))
    syy = np.bincount(q_index, weights=w * y * y, minlength=len(q_keys))
    sxy = np.bincount(q_index, weights=w * x * y, minlength=len(q_keys))
    for i, key in enumerate(q_keys.tolist()):
        facility_value = round(100 * facility_values[i] / count[i], 1) if count[i] else None
        discrimination_value = None
        if n[i] >= 2:
            cov = sxy[i] - sx[i] * sy[i] / n[i]
            var_x = sxx[i] - sx[i] ** 2 / n[i]
            var_y = syy[i] - sy[i] ** 2 / n[i]
            if var_x > 1e-12 and var_y > 1e-12:
                discrimination_value = round(float(100 * cov / math.sqrt(var_x * var_y)), 1)
        result[int(key)] = (int(count[i]), facility_value, discrimination_value)
    return result
