from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from listening.analysis import VoteMatrix


def test_from_votes_last_vote_stands_when_pair_repeats() -> None:
    m = VoteMatrix.from_votes(["p", "p", "q"], [1, 1, 1], [1, -1, 0])
    assert m.shape == (2, 1)
    assert m.to_triples() == [("p", 1, -1), ("q", 1, 0)]


def test_from_votes_pass_is_stored_as_seen() -> None:
    m = VoteMatrix.from_votes([1, 1, 2], ["s", "t", "s"], [0, 1, -1])
    assert m.n_votes == 3
    counts = m.column_counts()
    j = m.statement_index()["s"]
    assert counts["pass"][j] == 1
    assert counts["seen"][j] == 2
    assert counts["disagree"][j] == 1


def test_from_votes_rejects_value_outside_minus_one_to_one() -> None:
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        VoteMatrix.from_votes([1], [1], [2])


def test_from_votes_numpy_ids_are_sorted_and_plain_ints() -> None:
    m = VoteMatrix.from_votes(np.array([5, 3, 5]), np.array([9, 9, 8]), np.array([1, 1, -1]))
    assert m.participant_ids == [3, 5]
    assert all(type(p) is int for p in m.participant_ids)
    assert m.statement_ids == [8, 9]


def test_from_votes_keeps_participants_without_votes_when_listed() -> None:
    m = VoteMatrix.from_votes(["a"], [1], [1], all_participants=["z", "a"])
    assert m.participant_ids == ["z", "a"]
    assert m.row_counts().tolist() == [0, 1]


def test_init_rejects_mismatched_ids() -> None:
    with pytest.raises(ValueError, match="does not match"):
        VoteMatrix(sp.csr_matrix((2, 2), dtype=np.int8), ["a"], [1, 2])


def test_select_statements_keeps_explicit_passes() -> None:
    m = VoteMatrix.from_votes(["a", "a", "b"], [1, 2, 2], [0, 0, 1])
    sub = m.select_statements(np.array([s == 2 for s in m.statement_ids]))
    assert sub.statement_ids == [2]
    assert sub.n_votes == 2
    assert sorted(sub.to_triples()) == [("a", 2, 0), ("b", 2, 1)]
