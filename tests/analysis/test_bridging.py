from __future__ import annotations

import numpy as np
import pytest

from listening.analysis.bridging import bridging_scores, partition_score
from listening.analysis.counts import Counts


def _counts(agree: list[list[int]], seen: list[list[int]]) -> Counts:
    a = np.array(agree)
    s = np.array(seen)
    return Counts(a, np.zeros_like(a), s)


def test_partition_score_is_geometric_mean_of_smoothed_agree_rates() -> None:
    c = _counts([[8], [2]], [[8], [8]])
    assert partition_score(c)[0] == pytest.approx(np.sqrt((9 / 10) * (3 / 10)))


def test_bridging_prefers_agreement_across_every_class() -> None:
    groups = _counts([[9, 9], [9, 0]], [[10, 10], [10, 10]])
    constituency = _counts([[5, 5], [5, 4], [8, 0]], [[5, 5], [5, 5], [10, 10]])
    score = bridging_scores([groups, constituency], 2)
    assert score[0] > 0.7
    assert score[1] < 0.5
    assert score[0] > score[1]


def test_bridging_without_partitions_is_neutral() -> None:
    assert bridging_scores([], 3).tolist() == [0.5, 0.5, 0.5]
