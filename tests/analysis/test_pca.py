from __future__ import annotations

import numpy as np
import pytest

from listening.analysis import pca
from listening.analysis.matrix import VoteMatrix

from .conftest import two_camps


def test_column_means_ignore_unseen_cells() -> None:
    m = VoteMatrix.from_votes(["a", "b", "c"], [1, 1, 2], [1, 0, -1])
    means = pca.column_means(m.votes)
    assert means.tolist() == [0.5, -1.0]


def test_centred_keeps_sparsity_pattern() -> None:
    m = two_camps(5, 3)
    c = pca.centred(m.votes, pca.column_means(m.votes))
    assert c.nnz == m.votes.nnz
    assert np.array_equal(c.indices, m.votes.indices)


def test_project_separates_two_camps_on_first_axis() -> None:
    m = two_camps(10, 5)
    proj = pca.project(m.votes)
    x = proj.participants[:, 0]
    camp_a = np.array([p.startswith("a") for p in m.participant_ids])
    assert np.all(np.sign(x[camp_a]) == np.sign(x[camp_a][0]))
    assert np.all(np.sign(x[~camp_a]) == -np.sign(x[camp_a][0]))
    assert proj.explained_variance[0] > proj.explained_variance[1]


def test_project_scales_sparse_voters_by_sqrt_statements_over_votes() -> None:
    # b voted on 1 of 4 statements: its raw projection is multiplied by sqrt(4 / 1)
    m = VoteMatrix.from_votes(
        ["a"] * 4 + ["b"] + ["c"] * 4,
        [1, 2, 3, 4, 1, 1, 2, 3, 4],
        [1, 1, -1, 1, 1, -1, -1, 1, 1],
    )
    proj = pca.project(m.votes)
    c = pca.centred(m.votes, proj.center)
    raw = c @ proj.components.T
    b = m.participant_index()["b"]
    assert proj.participants[b] == pytest.approx(raw[b] * 2.0)


def test_project_statement_sits_where_its_lone_agreer_would() -> None:
    m = two_camps(6, 3)
    proj = pca.project(m.votes)
    n_st = m.shape[1]
    expected = (1 - proj.center)[:, None] * proj.components.T * np.sqrt(n_st)
    assert proj.statements == pytest.approx(expected)


def test_top_components_lanczos_matches_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    m = two_camps(15, 6, noise=0.2, seed=3)
    c = pca.centred(m.votes, pca.column_means(m.votes))
    dense, dvals = pca.top_components(c)
    monkeypatch.setattr(pca, "DENSE_GRAM_MAX_STATEMENTS", 0)
    lanczos, lvals = pca.top_components(c)
    assert lvals == pytest.approx(dvals, rel=1e-6)
    for i in range(2):
        assert abs(float(np.dot(dense[i], lanczos[i]))) == pytest.approx(1.0, abs=1e-6)


def test_orient_follows_previous_components() -> None:
    comps = np.array([[0.6, -0.8], [0.8, 0.6]])
    previous = np.array([[-0.6, 0.8], [0.8, 0.6]])
    out = pca.orient(comps, previous)
    assert out[0].tolist() == [-0.6, 0.8]
    assert out[1].tolist() == [0.8, 0.6]


def test_power_components_reach_the_exact_components_with_a_clear_eigengap() -> None:
    m = two_camps(25, 6, noise=0.1, seed=3)
    c = pca.centred(m.votes, pca.column_means(m.votes))
    exact, exact_values = pca.top_components(c, 2)
    power, power_values = pca.power_components(c, 2)
    for i in range(2):
        assert abs(float(np.dot(exact[i], power[i]))) == pytest.approx(1.0, abs=1e-6)
    assert power_values == pytest.approx(exact_values, rel=1e-6)


def test_power_components_second_is_orthogonal_to_first() -> None:
    m = two_camps(15, 5, noise=0.2, seed=8)
    c = pca.centred(m.votes, pca.column_means(m.votes))
    comps, _ = pca.power_components(c, 2)
    assert float(np.dot(comps[0], comps[1])) == pytest.approx(0.0, abs=1e-9)
    assert np.linalg.norm(comps, axis=1) == pytest.approx([1.0, 1.0])


def test_power_components_find_the_split_when_the_ones_start_is_orthogonal_to_it() -> None:
    # Perfectly balanced camps: the all-ones start has a zero product with the votes.
    m = two_camps(6, 3, consensus=0, one_sided=0)
    c = pca.centred(m.votes, pca.column_means(m.votes))
    comps, values = pca.power_components(c, 2)
    assert values[0] > 0
    expected = np.array([1, 1, 1, -1, -1, -1]) / np.sqrt(6)
    assert abs(float(np.dot(comps[0], expected))) == pytest.approx(1.0)
