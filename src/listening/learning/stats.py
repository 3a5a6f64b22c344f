"""Item statistics of quiz questions, as Moodle's quiz statistics report defines them. Pure.

Facility index: the mean score on the question (0..1), how easy it was.
Discrimination index: the correlation between the score on the question and the mean score
on the other questions of the attempt, as a percentage; a good question is answered better
by those who do well on the rest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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


def correlation_from_sums(
    n: float, sx: float, sy: float, sxx: float, syy: float, sxy: float
) -> float | None:
    """Pearson correlation (as a percentage) from the sums a database aggregates; None when
    either side does not vary or there are fewer than two pairs."""
    if n < 2:
        return None
    cov = sxy - sx * sy / n
    var_x = sxx - sx * sx / n
    var_y = syy - sy * sy / n
    if var_x <= 1e-12 or var_y <= 1e-12:
        return None
    return round(100 * cov / math.sqrt(var_x * var_y), 1)
