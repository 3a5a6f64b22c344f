from __future__ import annotations

import numpy as np
import pytest

from listening.analysis import repness


def test_prop_test_matches_polis_formula() -> None:
    z = repness.prop_test(np.array([9.0]), np.array([10.0]))
    assert z[0] == pytest.approx(2 * np.sqrt(11) * (10 / 11 - 0.5))


def test_two_prop_test_zero_when_pooled_rate_is_one() -> None:
    z = repness.two_prop_test(np.array([5.0]), np.array([5.0]), np.array([5.0]), np.array([5.0]))
    assert z[0] == 0.0


def test_consensus_picks_statement_everyone_agrees_with() -> None:
    agree = np.array([40, 20, 2])
    disagree = np.array([0, 20, 38])
    seen = np.array([40, 40, 40])
    cons = repness.consensus(agree, disagree, seen)
    assert [c["index"] for c in cons["agree"]] == [0]
    assert [c["index"] for c in cons["disagree"]] == [2]


def test_representative_one_sided_statement_represents_its_camp() -> None:
    # statement 0: group 0 agrees, group 1 disagrees; statement 1: everyone agrees
    agree = np.array([[20, 20], [0, 20]])
    disagree = np.array([[0, 0], [20, 0]])
    seen = np.array([[20, 20], [20, 20]])
    rep = repness.representative(agree, disagree, seen)
    assert rep[0][0]["index"] == 0
    assert rep[0][0]["direction"] == "agree"
    assert rep[1][0]["index"] == 0 or rep[1][0]["direction"] == "disagree"
    assert all(item["index"] != 1 or item.get("best_agree") for item in rep[0])


def test_representative_puts_agrees_first_and_caps_at_five() -> None:
    rng = np.random.default_rng(0)
    m = 12
    agree = np.stack([rng.integers(15, 20, m), rng.integers(0, 3, m)])
    disagree = np.stack([np.zeros(m, int), rng.integers(15, 18, m)])
    seen = agree + disagree
    rep = repness.representative(agree, disagree, seen)
    for items in rep:
        assert len(items) <= 5
        directions = [i["direction"] for i in items]
        assert directions == sorted(directions, key=lambda d: d != "agree")


def test_group_informed_consensus_is_product_over_groups() -> None:
    agree = np.array([[3, 0], [1, 2]])
    seen = np.array([[4, 2], [2, 2]])
    gic = repness.group_informed_consensus(agree, seen)
    assert gic[0] == pytest.approx((4 / 6) * (2 / 4))
    assert gic[1] == pytest.approx((1 / 4) * (3 / 4))
