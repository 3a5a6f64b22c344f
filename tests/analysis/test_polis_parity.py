"""``method="polis"`` against Polis's own cold-start computation.

The references (``../shared/polis-cold/<conversation>/``: ``votes.csv``, ``groups.json`` with
Polis's ``in_conv``, ``base_clusters`` and ``group_clusters``, optionally ``repness.json``)
are not part of the repository; the tests skip cleanly without them. ``POLIS_COLD`` points
elsewhere.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from listening.analysis import OpinionResult, compute_opinions, read_polis_export

from .conftest import polis_cold_root

ROOT = polis_cold_root()
REFERENCES = (
    sorted(
        p for p in ROOT.iterdir() if (p / "groups.json").is_file() and (p / "votes.csv").is_file()
    )
    if ROOT
    else []
)
pytestmark = pytest.mark.skipif(not REFERENCES, reason="no Polis cold-start references")


def _run(folder: Path) -> tuple[OpinionResult, dict[str, Any]]:
    export = read_polis_export(folder)
    result = compute_opinions(
        export.matrix(include_moderated=True),
        moderated_out=export.moderated_out,
        method="polis",
        participant_order=export.participant_order(),
    )
    reference = json.loads((folder / "groups.json").read_text(encoding="utf-8"))
    return result, reference


def _polis_groups(reference: dict[str, Any]) -> dict[int, int]:
    base_members = dict(
        zip(reference["base_clusters"]["id"], reference["base_clusters"]["members"], strict=True)
    )
    out: dict[int, int] = {}
    for group in reference["group_clusters"]:
        for base_id in group["members"]:
            for p in base_members[base_id]:
                out[int(p)] = int(group["id"])
    return out


def _ours(result: OpinionResult) -> dict[int, int]:
    return {
        int(p): int(g)
        for p, g in zip(result.participant_ids, result.participant_group, strict=True)
        if g >= 0
    }


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda p: p.name)
def run(request: pytest.FixtureRequest) -> tuple[Path, OpinionResult, dict[str, Any]]:
    folder: Path = request.param
    result, reference = _run(folder)
    return folder, result, reference


def test_polis_method_cold_start_same_participants_in_conversation(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    _folder, result, reference = run
    ours = {
        int(p) for p, i in zip(result.participant_ids, result.in_conversation, strict=True) if i
    }
    assert ours == {int(p) for p in reference["in_conv"]}


def test_polis_method_cold_start_same_number_of_groups(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    _folder, result, reference = run
    assert len(result.groups) == len(reference["group_clusters"])


def test_polis_method_cold_start_groups_agree_with_polis(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    _folder, result, reference = run
    theirs, ours = _polis_groups(reference), _ours(result)
    common = sorted(set(theirs) & set(ours))
    assert len(common) == len(theirs)
    ari = adjusted_rand_score([theirs[p] for p in common], [ours[p] for p in common])
    assert ari >= 0.99


def test_polis_method_cold_start_same_base_clusters(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    _folder, result, reference = run
    ours: dict[int, set[int]] = {}
    for p, b in zip(result.participant_ids, result.base_cluster, strict=True):
        if b >= 0:
            ours.setdefault(int(b), set()).add(int(p))
    theirs = {
        int(p): b
        for b, m in zip(
            reference["base_clusters"]["id"], reference["base_clusters"]["members"], strict=True
        )
        for p in m
    }
    mine = {p: b for b, members in ours.items() for p in members}
    assert set(mine) == set(theirs)
    common = sorted(theirs)
    # Equal on vw; a tolerance, not equality, because Polis's own port documents sub-ulp
    # knife edges in base-cluster membership (CLOJURE_QUIRKS.md Q13).
    assert adjusted_rand_score([theirs[p] for p in common], [mine[p] for p in common]) >= 0.99


def _group_map(result: OpinionResult, reference: dict[str, Any]) -> dict[int, str]:
    theirs, ours = _polis_groups(reference), _ours(result)
    return {
        g: str(Counter(theirs[p] for p, h in ours.items() if h == g).most_common(1)[0][0])
        for g in range(len(result.groups))
    }


def test_polis_method_cold_start_representative_statements_match(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    folder, result, reference = run
    if not (folder / "repness.json").is_file():
        pytest.skip("no repness.json for this reference")
    rep = json.loads((folder / "repness.json").read_text(encoding="utf-8"))
    for g, polis_id in _group_map(result, reference).items():
        theirs = rep["repness"][polis_id]
        mine = result.groups[g].representative
        assert [(x["tid"], x["repful-for"]) for x in theirs] == [
            (int(result.statement_ids[x["index"]]), x["direction"]) for x in mine
        ]
        for t, o in zip(theirs, mine, strict=True):
            assert (t["n-success"], t["n-trials"]) == (o["n_success"], o["n_trials"])
            assert o["p_test"] == pytest.approx(t["p-test"], rel=1e-6)
            assert o["repness"] == pytest.approx(t["repness"], rel=1e-6)
            assert o["repness_test"] == pytest.approx(t["repness-test"], rel=1e-6)


def test_polis_method_cold_start_consensus_matches(
    run: tuple[Path, OpinionResult, dict[str, Any]],
) -> None:
    folder, result, _reference = run
    if not (folder / "repness.json").is_file():
        pytest.skip("no repness.json for this reference")
    rep = json.loads((folder / "repness.json").read_text(encoding="utf-8"))
    for side in ("agree", "disagree"):
        theirs = rep["consensus"].get(side) or []
        mine = result.consensus.get(side) or []
        assert [x["tid"] for x in theirs] == [int(result.statement_ids[x["index"]]) for x in mine]
        for t, o in zip(theirs, mine, strict=True):
            assert o["p_test"] == pytest.approx(t["p-test"], rel=1e-6)
    gac = rep.get("group_aware_consensus") or {}
    ours = {
        str(s): float(v)
        for s, v in zip(result.statement_ids, result.group_informed_consensus, strict=True)
    }
    assert set(gac) <= set(ours)
    assert np.allclose([gac[s] for s in gac], [ours[s] for s in gac], rtol=1e-9, atol=1e-12)
