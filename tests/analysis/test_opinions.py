from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from listening.analysis import OpinionState, VoteMatrix, compute_opinions
from listening.analysis.clustering import KSmoother

from .conftest import two_camps


def _groups_by_camp(result) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    out: dict[str, set[int]] = {"a": set(), "b": set()}
    for p, g in zip(result.participant_ids, result.participant_group, strict=True):
        out[str(p)[0]].add(int(g))
    return out


def test_compute_opinions_two_clean_camps_form_two_groups() -> None:
    result = compute_opinions(two_camps(20, 10))
    assert len(result.groups) == 2
    camps = _groups_by_camp(result)
    assert len(camps["a"]) == 1
    assert len(camps["b"]) == 1
    assert camps["a"] != camps["b"]
    assert sorted(g.size for g in result.groups) == [20, 20]


def test_compute_opinions_statement_everyone_agrees_with_is_consensus() -> None:
    m = two_camps(20, 10, consensus=1, one_sided=1)
    result = compute_opinions(m)
    consensus_ids = [m.statement_ids[c["index"]] for c in result.consensus["agree"]]
    assert consensus_ids == [20]
    assert int(np.argmax(result.bridging)) == m.statement_index()[20]


def test_compute_opinions_one_sided_statement_represents_its_camp() -> None:
    # the camps disagree noisily on statements 0..19; statement 21 splits them cleanly
    m = two_camps(20, 10, consensus=1, one_sided=1, noise=0.15, seed=1)
    result = compute_opinions(m)
    j = m.statement_index()[21]
    group_a = int(result.participant_group[m.participant_index()["a0"]])
    rep_a = result.groups[group_a].representative
    assert any(r["index"] == j and r["direction"] == "agree" for r in rep_a)
    rep_b = result.groups[1 - group_a].representative
    assert all(not (r["index"] == j and r["direction"] == "agree") for r in rep_b)


def test_compute_opinions_is_deterministic_for_a_seed() -> None:
    m = two_camps(30, 8, noise=0.15, seed=4)
    a = compute_opinions(m, seed=7).to_json()
    b = compute_opinions(m, seed=7).to_json()
    assert a == b


def test_compute_opinions_counts_per_statement_and_group() -> None:
    m = VoteMatrix.from_votes(["a", "b", "c"], [1, 1, 1], [1, -1, 0])
    out = compute_opinions(m).to_json()
    assert out["statements"]["1"]["agree"] == 1
    assert out["statements"]["1"]["disagree"] == 1
    assert out["statements"]["1"]["pass"] == 1
    assert out["statements"]["1"]["seen"] == 3


def test_compute_opinions_moderated_out_statements_are_left_out() -> None:
    m = two_camps(10, 4, consensus=1)
    out = compute_opinions(m, moderated_out={8}).to_json()
    assert "8" not in out["statements"]
    assert len(out["statements"]) == m.shape[1] - 1


def test_compute_opinions_attributes_counted_per_value() -> None:
    m = two_camps(10, 4, consensus=1)
    attributes = {
        "constituency": {
            p: ("academia" if p.endswith("0") else "civil_society") for p in m.participant_ids
        }
    }
    out = compute_opinions(m, attributes=attributes).to_json()
    by = out["attributes"]["constituency"]
    assert set(by) == {"academia", "civil_society"}
    assert by["academia"]["8"] == {"agree": 2, "disagree": 0, "pass": 0, "seen": 2}
    assert by["civil_society"]["8"]["seen"] == 18
    assert "constituency" in out["statements"]["8"]["bridging_by"]


def test_to_json_has_cli_shape_and_is_serialisable() -> None:
    out = compute_opinions(two_camps(10, 4)).to_json()
    json.dumps(out)
    assert {"participants", "groups", "consensus", "statements"} <= set(out)
    p = out["participants"]["a0"]
    assert set(p) >= {"x", "y", "group"}
    g = next(iter(out["groups"].values()))
    assert set(g) >= {"size", "representative"}
    assert set(g["representative"][0]) >= {"statement", "direction"}
    s = out["statements"]["0"]
    assert set(s) >= {"x", "y", "bridging", "agree", "disagree", "pass"}


def test_state_round_trips_through_json() -> None:
    result = compute_opinions(two_camps(12, 5))
    data = json.loads(json.dumps(result.state.to_dict()))
    state = OpinionState.from_dict(data)
    assert state.in_conversation == result.state.in_conversation
    assert state.k_smoother == result.state.k_smoother
    assert state.base_centres is not None
    assert np.allclose(state.base_centres, result.state.base_centres)  # type: ignore[arg-type]
    assert state.to_dict() == result.state.to_dict()


def test_state_keeps_participant_in_conversation_after_votes_shrink() -> None:
    m = two_camps(10, 5)
    first = compute_opinions(m)
    assert "a0" in first.state.in_conversation
    triples = [t for t in m.to_triples() if not (t[0] == "a0" and t[1] != 0)]
    smaller = VoteMatrix.from_votes(*zip(*triples, strict=True))
    again = compute_opinions(smaller, state=first.state)
    assert again.in_conversation[smaller.participant_index()["a0"]]
    fresh = compute_opinions(smaller)
    assert not fresh.in_conversation[smaller.participant_index()["a0"]]


def test_state_smooths_k_across_runs() -> None:
    m = _noisy_camps(0)
    fresh = compute_opinions(m)
    best = len(fresh.groups)
    other = max(k for k in fresh.silhouettes if k != best)
    state = OpinionState(k_smoother=KSmoother(last_k=other, last_k_count=5, smoothed_k=other))
    result = compute_opinions(m, state=state)
    # the best k wins now, but only once: the groups keep the old k until it wins 4 in a row
    assert result.state.k_smoother.last_k == best
    assert len(result.groups) == other
    for _ in range(2):
        result = compute_opinions(m, state=result.state)
        assert len(result.groups) == other
    result = compute_opinions(m, state=result.state)
    assert len(result.groups) == best


def _noisy_camps(seed: int) -> VoteMatrix:
    rng = np.random.default_rng(seed)
    pids, sids, vals = [], [], []
    for i in range(60):
        camp = 1 if i < 35 else -1
        for j in range(16):
            if rng.random() < 0.7:
                base = camp if j < 8 else -camp
                v = base if rng.random() > 0.1 else int(rng.choice([-base, 0]))
                pids.append(i)
                sids.append(j)
                vals.append(v)
    return VoteMatrix.from_votes(pids, sids, vals)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000), perm_seed=st.integers(0, 1000))
def test_grouping_unchanged_when_participants_or_statements_permuted(
    seed: int, perm_seed: int
) -> None:
    m = _noisy_camps(seed)
    base = compute_opinions(m)
    triples = m.to_triples()
    order = np.random.default_rng(perm_seed).permutation(len(triples))
    shuffled = [triples[i] for i in order]
    pm = VoteMatrix.from_votes(*zip(*shuffled, strict=True))
    other = compute_opinions(pm)
    mine = [int(base.participant_group[m.participant_index()[p]]) for p in m.participant_ids]
    theirs = [int(other.participant_group[pm.participant_index()[p]]) for p in m.participant_ids]
    assert adjusted_rand_score(mine, theirs) == 1.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000))
def test_abstaining_participant_changes_nothing(seed: int) -> None:
    m = _noisy_camps(seed)
    base = compute_opinions(m).to_json()
    triples = m.to_triples()
    with_abstainer = VoteMatrix.from_votes(
        *zip(*triples, strict=True), all_participants=[*m.participant_ids, "abstainer"]
    )
    out = compute_opinions(with_abstainer).to_json()
    assert out["participants"].pop("abstainer")["group"] is None
    assert out == base


def test_import_does_not_pull_in_django() -> None:
    code = (
        "import sys, listening.analysis, listening.analysis.__main__; "
        "print('django' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_compute_opinions_unknown_method_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'kmeans'.*polis"):
        compute_opinions(two_camps(5, 3), method="kmeans")


def test_compute_opinions_polis_two_clean_camps_form_two_groups() -> None:
    result = compute_opinions(two_camps(20, 10, noise=0.05, seed=2), method="polis")
    assert len(result.groups) == 2
    camps = _groups_by_camp(result)
    assert len(camps["a"]) == 1
    assert camps["a"] != camps["b"]


def test_compute_opinions_polis_arrival_order_breaks_top_up_ties() -> None:
    # 20 participants with one vote each on 10 statements: nobody has 7 votes, so 15 are
    # topped up, the earliest arrivals first.
    pids = [f"p{i:02d}" for i in range(20)]
    m = VoteMatrix.from_votes(pids, [i % 10 for i in range(20)], [1, -1] * 10)
    order = list(reversed(pids))
    result = compute_opinions(m, method="polis", participant_order=order)
    chosen = {p for p, i in zip(result.participant_ids, result.in_conversation, strict=True) if i}
    assert chosen == set(order[:15])


def test_compute_opinions_degenerate_conversations_give_a_result() -> None:
    cases = {
        "one participant": (VoteMatrix.from_votes(["a"] * 3, [1, 2, 3], [1, -1, 0]), ()),
        "one statement": (VoteMatrix.from_votes(list("abcdef"), [1] * 6, [1, -1, 1, 0, 1, -1]), ()),
        "all moderated out": (
            VoteMatrix.from_votes(list("abcdef"), [1, 2] * 3, [1, -1, 1, 0, 1, -1]),
            (1, 2),
        ),
        "no votes": (VoteMatrix.from_votes([], [], []), ()),
    }
    for method in ("polis", "listening"):
        for name, (m, out) in cases.items():
            result = compute_opinions(m, method=method, moderated_out=out)
            data = json.loads(json.dumps(result.to_json()))
            assert len(data["groups"]) <= 2, (method, name)
            if name == "one participant":
                assert data["n_in_conversation"] == 1
                assert len(data["groups"]) == 1
            if name == "all moderated out":
                assert data["statements"] == {}
                assert len(data["groups"]) <= 1


def test_letters_follow_previous_map_members_across_a_refresh() -> None:
    m = two_camps(20, 10, noise=0.05, seed=5)
    first = compute_opinions(m, method="listening")
    camp_a_first = int(first.participant_group[m.participant_index()["a0"]])
    # The previous map had named the camps the other way round: the refresh keeps that.
    swapped = OpinionState.from_dict(first.state.to_dict())
    swapped.group_of = {p: 1 - g for p, g in swapped.group_of.items()}
    again = compute_opinions(m, state=swapped, method="listening")
    assert int(again.participant_group[m.participant_index()["a0"]]) == 1 - camp_a_first
    for p in m.participant_ids:
        i = m.participant_index()[p]
        assert int(again.participant_group[i]) == swapped.group_of[p]


def test_letters_kept_when_new_participants_join() -> None:
    m = two_camps(20, 10, noise=0.05, seed=6)
    first = compute_opinions(m, method="polis")
    triples = m.to_triples()
    # ten new participants, all of camp b's opinion, join and vote
    for i in range(10):
        triples += [(f"new{i}", j, -1 if j < 10 else 1) for j in range(20)]
    bigger = VoteMatrix.from_votes(*zip(*triples, strict=True))
    again = compute_opinions(bigger, state=first.state, method="polis")
    index = bigger.participant_index()
    for p, g in first.state.group_of.items():
        assert int(again.participant_group[index[p]]) == g


def test_match_group_labels_takes_the_largest_overlap() -> None:
    from listening.analysis.opinions import match_group_labels

    ids = ["p", "q", "r", "s", "t"]
    previous = {"p": 0, "q": 0, "r": 1, "s": 1, "t": 2}
    # new group 0 holds r and s (old 1), new group 1 holds p and q (old 0), new 2 holds t
    groups = np.array([1, 1, 0, 0, 2])
    label = match_group_labels(groups, ids, np.arange(5), 3, previous)
    assert label.tolist() == [1, 0, 2]
    # one group fewer: the two surviving camps keep their letters if they can
    label = match_group_labels(np.array([1, 1, 0, 0, 0]), ids, np.arange(5), 2, previous)
    assert label.tolist() == [1, 0]


def test_state_round_trips_group_members() -> None:
    result = compute_opinions(two_camps(8, 4))
    back = OpinionState.from_dict(json.loads(json.dumps(result.state.to_dict())))
    assert back.group_of == result.state.group_of
    assert len(set(back.group_of.values())) == 2


def test_compute_opinions_polis_top_up_ties_follow_clojures_map_order() -> None:
    from listening.analysis.clojure_order import hash_map_rank

    # 20 integer ids, one vote each on 10 statements: 15 are topped up among equal counts, in
    # the order Polis's vote-count map (a Clojure hash map) is walked, not arrival order.
    pids = list(range(20))
    m = VoteMatrix.from_votes(pids, [i % 10 for i in pids], [1, -1] * 10)
    result = compute_opinions(m, method="polis", participant_order=pids)
    chosen = {p for p, i in zip(result.participant_ids, result.in_conversation, strict=True) if i}
    rank = hash_map_rank(pids)
    assert rank is not None
    assert chosen == {p for p in pids if rank[p] < 15}
    assert chosen != set(range(15))
