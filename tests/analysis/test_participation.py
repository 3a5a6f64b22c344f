from __future__ import annotations

import numpy as np

from listening.analysis.participation import in_conversation


def test_in_conversation_needs_seven_votes_when_enough_statements() -> None:
    counts = np.array([7, 6] + [10] * 20)
    mask = in_conversation(counts, 30)
    assert mask[0]
    assert not mask[1]


def test_in_conversation_threshold_is_number_of_statements_when_fewer_than_seven() -> None:
    counts = np.array([3, 2] + [3] * 20)
    mask = in_conversation(counts, 3)
    assert mask[0]
    assert not mask[1]


def test_in_conversation_tops_up_to_fifteen_with_most_active_voters() -> None:
    counts = np.array([9, 9, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 0])
    mask = in_conversation(counts, 50)
    assert mask.sum() == 15
    # the two with 9 votes, then everyone with 6 (nine of them), then 5s (two), then the 4
    assert mask[[0, 1]].all()
    assert mask[counts == 6].all()
    assert mask[counts == 5].all()
    assert mask[5]  # the one with 4 votes
    assert not mask[2]
    assert not mask[3]
    assert not mask[4]


def test_in_conversation_never_adds_participant_without_votes() -> None:
    mask = in_conversation(np.array([3, 0, 0]), 10)
    assert mask.tolist() == [True, False, False]


def test_in_conversation_once_in_always_in() -> None:
    counts = np.array([1] + [10] * 20)
    previous = np.zeros(21, dtype=bool)
    previous[0] = True
    assert not in_conversation(counts, 20)[0]
    assert in_conversation(counts, 20, previously_in=previous)[0]


def test_in_conversation_top_up_ties_follow_rank() -> None:
    counts = np.array([2, 2, 2])
    mask = in_conversation(counts, 20, greedy_n=2, rank=np.array([2, 0, 1]))
    assert mask.tolist() == [False, True, True]
