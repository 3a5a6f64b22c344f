from __future__ import annotations

import numpy as np
import pytest

from listening.analysis import VoteMatrix, compute_opinions, routing_priorities
from listening.analysis.routing import priority

from .conftest import two_camps


def test_routing_new_statement_before_much_voted_one() -> None:
    voters = [f"p{i}" for i in range(30)]
    m = VoteMatrix.from_votes(
        [*voters, "p0"], [1] * 30 + [2], [1 if i % 2 else -1 for i in range(30)] + [1]
    )
    pr = routing_priorities(m, None)
    assert pr[2] > pr[1]


def test_routing_passed_statement_after_agreed_one() -> None:
    m = VoteMatrix.from_votes(
        ["a", "b", "c", "a", "b", "c"], [1, 1, 1, 2, 2, 2], [1, 1, 1, 0, 0, 0]
    )
    pr = routing_priorities(m, None)
    assert pr[1] > pr[2]


def test_priority_grows_with_extremity() -> None:
    ones = np.array([10.0, 10.0])
    out = priority(ones * 0.6, ones * 0.1, ones, np.array([0.0, 2.0]))
    assert out[1] == pytest.approx(out[0] * 9)


def test_routing_statement_unknown_to_result_counts_as_new() -> None:
    m = two_camps(10, 4)
    result = compute_opinions(m)
    triples = [*m.to_triples(), ("a0", 99, 1)]
    grown = VoteMatrix.from_votes(*zip(*triples, strict=True))
    pr = routing_priorities(grown, result)
    # no votes, no extremity: a = p = 1/2, so ((1/2 * 1/2) * (1 + 8)) ** 2
    assert pr[99] == pytest.approx((0.25 * 9) ** 2)
    assert set(pr) == set(grown.statement_ids)
