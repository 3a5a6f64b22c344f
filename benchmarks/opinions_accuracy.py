"""Agreement with Polis's own opinion groups, next to red-dwarf's.

For every conversation in ../shared/polis-opendata that has votes: the adjusted Rand index
between our groups and the ``group-id`` column of participants-votes.csv, over participants
that both grouped, for each method (``polis``: Polis's cold computation with the participants
in votes.csv's order; ``listening``); red-dwarf 0.4.0's figure comes from
../shared/reddwarf-runs/. Then, for every cold-start reference in ../shared/polis-cold
(``groups.json`` beside ``votes.csv``): whether ``method="polis"`` puts the same participants
in the conversation, the same k, and its ARI against Polis's groups.

The diagnostics below (``--replay``, ``--oracle-k``, ``--limits``) are about ``listening``.

    .venv/bin/python benchmarks/opinions_accuracy.py [--replay] [--oracle-k] [--limits] [--seed N]

``--replay`` also replays votes.csv in time order through compute_opinions, carrying the
state between runs as the platform does (warm starts, k-smoothing), at checkpoints that grow
by 5 % in votes; exports without votes.csv (no timestamps) get a single run there too.

``--oracle-k`` is a diagnostic only: it re-runs the group step on the same base clusters with
the number of groups forced to Polis's (read from the export's group-id column), to separate
"chose another k" from "split the map differently". The algorithm never reads Polis's answer.

``--limits`` adds diagnostics that measure what the final votes can and cannot determine
(docs/analysis.md, "Why the goal is blocked"); the first three read Polis's answer:

- *base ceiling*: each of our base clusters takes the Polis group most of its members are in;
  no grouping of our base clusters can agree better than this;
- *from Polis*: Polis's group k-means (weighted Lloyd on the base centres) started at that
  grouping and run to convergence: the k-means-stable grouping nearest to Polis's answer;
- *join orders*: Polis's own cold procedure (first distinct points as starts, one start,
  k by silhouette) on the same final map with the participants in 20 random orders, as
  different join histories would present them: 10th percentile, median and 90th percentile;
- *2017 in-conv*: our own run with the "once in, always in" state that Polis's 2017 rule left
  behind: from 2017-02-27 (moderated-out columns zeroed, and counted as votes) to 2017-10-21
  (votes counted on the raw matrix), everyone with a vote was in once 7 statements were
  moderated out; so the state starts with every participant whose first vote in votes.csv
  precedes 2017-10-21 (nobody for later conversations: then it equals the plain run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from listening.analysis import (  # noqa: E402
    OpinionResult,
    OpinionState,
    PolisExport,
    VoteMatrix,
    compute_opinions,
    read_polis_export,
)

SHARED = HERE.parent / ".." / "shared"
IntArray = npt.NDArray[np.int64]
# 2017-10-21, Polis commit 90b5b9e62: votes counted on the raw matrix again (in UTC ms).
RULE_2017_END_MS = 1_508_544_000_000
OPENDATA = Path(os.environ.get("POLIS_OPENDATA", SHARED / "polis-opendata"))
POLIS_COLD = Path(os.environ.get("POLIS_COLD", SHARED / "polis-cold"))
REDDWARF = Path(os.environ.get("REDDWARF_RUNS", SHARED / "reddwarf-runs"))


def ari(
    exp: PolisExport, result: OpinionResult, labels: IntArray | None = None
) -> tuple[float, int]:
    """ARI of ``labels`` (default: our groups) against Polis's, over participants both grouped,
    and how many those are."""
    labels = result.participant_group if labels is None else labels
    ours = dict(zip(result.participant_ids, labels.tolist(), strict=True))
    common = [p for p, g in exp.groups.items() if g is not None and ours.get(p, -1) >= 0]
    if not common:
        return float("nan"), 0
    score = adjusted_rand_score([exp.groups[p] for p in common], [ours[p] for p in common])
    return float(score), len(common)


def oracle_k(exp: PolisExport, result: OpinionResult, k: int, seed: int) -> float:
    """ARI with the group step forced to ``k`` groups (same base clusters, same starts)."""
    from listening.analysis import clustering

    base = result.base_cluster
    members = base >= 0
    centres = result.base_centres
    if k < 2 or len(centres) < k:
        return float("nan")
    weights = np.bincount(base[members], minlength=len(centres)).astype(np.float64)
    init = centres[clustering.first_distinct(centres, k)]
    groups = clustering._best_of_starts(centres, weights, init, k, seed)
    labels = np.full(len(base), -1, dtype=np.int64)
    labels[members] = groups.labels[base[members]]
    return ari(exp, result, labels)[0]


def _polis_labels(exp: PolisExport, result: OpinionResult) -> IntArray:
    index = {p: i for i, p in enumerate(result.participant_ids)}
    labels = np.full(len(result.participant_ids), -1, dtype=np.int64)
    for p, g in exp.groups.items():
        if g is not None and p in index:
            labels[index[p]] = g
    return labels


def limits(exp: PolisExport, result: OpinionResult, seed: int) -> dict[str, float]:
    """The three ``--limits`` diagnostics (see the module docstring)."""
    from listening.analysis import clustering

    base = result.base_cluster
    centres = result.base_centres
    members = np.flatnonzero(base >= 0)
    weights = np.bincount(base[members], minlength=len(centres)).astype(np.float64)
    polis = _polis_labels(exp, result)
    n_groups = int(polis.max()) + 1
    majority = np.full(len(centres), -1, dtype=np.int64)
    for b in range(len(centres)):
        inside = polis[members[base[members] == b]]
        inside = inside[inside >= 0]
        if len(inside):
            majority[b] = int(np.bincount(inside, minlength=n_groups).argmax())
    used = np.unique(majority[majority >= 0])
    starts = np.stack(
        [np.average(centres[majority == g], axis=0, weights=weights[majority == g]) for g in used]
    )
    unlabelled = majority < 0
    majority[unlabelled] = used[clustering._nearest(centres[unlabelled], starts)[0]]
    per_participant = np.full(len(base), -1, dtype=np.int64)
    per_participant[members] = majority[base[members]]
    out = {"base_ceiling": ari(exp, result, per_participant)[0]}
    stable = clustering.polis_kmeans(
        centres, starts, weights=weights, max_iters=clustering.BASE_ITERS
    )
    per_participant[members] = stable.labels[base[members]]
    out["from_polis"] = ari(exp, result, per_participant)[0]

    points = result.participant_xy[members]
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(20):
        shuffled = points[rng.permutation(len(points))]
        fit = clustering.polis_kmeans(
            points, shuffled[clustering.first_distinct(shuffled, clustering.BASE_K)]
        )
        w = fit.sizes.astype(np.float64)
        best: tuple[float, IntArray] | None = None
        for k in range(2, clustering.max_groups(len(fit.centres)) + 1):
            init = fit.centres[clustering.first_distinct(fit.centres, k)]
            groups = clustering.polis_kmeans(
                fit.centres, init, weights=w, max_iters=clustering.GROUP_ITERS
            )
            s = clustering.silhouette(fit.centres, groups.labels)
            if best is None or s >= best[0]:
                best = (s, groups.labels)
        if best is None:
            continue
        per_participant[members] = best[1][fit.labels]
        scores.append(ari(exp, result, per_participant)[0])
    out["orders_q10"], out["orders_median"], out["orders_q90"] = (
        float(q) for q in np.quantile(scores, [0.1, 0.5, 0.9])
    )
    first: dict[Any, int] = {}
    for v in exp.votes:
        if v.timestamp is not None:
            first[v.participant] = min(first.get(v.participant, v.timestamp), v.timestamp)
    state = OpinionState(in_conversation={p for p, t in first.items() if t < RULE_2017_END_MS})
    legacy = compute_opinions(
        exp.matrix(include_moderated=True),
        state=state,
        seed=seed,
        moderated_out=exp.moderated_out,
        method="listening",
    )
    out["in_conv_2017"] = ari(exp, legacy)[0]
    return out


def replay(exp: PolisExport, seed: int, growth: float = 1.05) -> OpinionResult:
    # Raw vote events in time order: the export keeps only final votes, so re-votes are lost.
    events = sorted(
        (v.timestamp or 0, i, v.participant, v.statement, v.value) for i, v in enumerate(exp.votes)
    )
    checkpoints = []
    c = 50
    while c < len(events):
        checkpoints.append(c)
        c = int(c * growth) + 1
    checkpoints.append(len(events))
    state = None
    result = None
    for c in checkpoints:
        sub = events[:c]
        m = VoteMatrix.from_votes([e[2] for e in sub], [e[3] for e in sub], [e[4] for e in sub])
        result = compute_opinions(
            m, state=state, seed=seed, moderated_out=exp.moderated_out, method="listening"
        )
        state = result.state
    assert result is not None
    return result


def cold_start_parity() -> None:
    """``method="polis"`` against every cold-start reference (see the module docstring)."""
    folders = (
        sorted(p for p in POLIS_COLD.iterdir() if (p / "groups.json").is_file())
        if POLIS_COLD.is_dir()
        else []
    )
    if not folders:
        return
    print()
    print("| cold-start reference | participants | in-conv equal | Polis k | `polis` k | ARI |")
    print("|---|---|---|---|---|---|")
    for folder in folders:
        exp = read_polis_export(folder)
        ref = json.loads((folder / "groups.json").read_text(encoding="utf-8"))
        result = compute_opinions(
            exp.matrix(include_moderated=True),
            moderated_out=exp.moderated_out,
            method="polis",
            participant_order=exp.participant_order(),
        )
        bases = dict(zip(ref["base_clusters"]["id"], ref["base_clusters"]["members"], strict=True))
        theirs = {
            int(p): int(g["id"])
            for g in ref["group_clusters"]
            for b in g["members"]
            for p in bases[b]
        }
        ours = {
            int(p): int(g)
            for p, g in zip(result.participant_ids, result.participant_group, strict=True)
            if g >= 0
        }
        in_conv = {
            int(p) for p, i in zip(result.participant_ids, result.in_conversation, strict=True) if i
        }
        common = sorted(set(theirs) & set(ours))
        score = adjusted_rand_score([theirs[p] for p in common], [ours[p] for p in common])
        print(
            f"| {folder.name} | {len(result.participant_ids)} "
            f"| {in_conv == {int(p) for p in ref['in_conv']}} | {len(ref['group_clusters'])} "
            f"| {len(result.groups)} | {score:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--oracle-k", action="store_true")
    parser.add_argument("--limits", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for folder in sorted(p for p in OPENDATA.iterdir() if p.is_dir()):
        exp = read_polis_export(folder)
        if not exp.votes or not any(g is not None for g in exp.groups.values()):
            continue
        result = compute_opinions(
            exp.matrix(include_moderated=True),
            seed=args.seed,
            moderated_out=exp.moderated_out,
            method="listening",
        )
        score, n_common = ari(exp, result)
        polis_result = compute_opinions(
            exp.matrix(include_moderated=True),
            seed=args.seed,
            moderated_out=exp.moderated_out,
            method="polis",
            participant_order=exp.participant_order(),
        )
        row: dict[str, Any] = {
            "conversation": folder.name,
            "ours": score,
            "n": n_common,
            "k": len(result.groups),
            "polis_k": len({g for g in exp.groups.values() if g is not None}),
            "method_polis": ari(exp, polis_result)[0],
            "method_polis_k": len(polis_result.groups),
        }
        peer_file = REDDWARF / f"{folder.name}.json"
        if peer_file.exists():
            peer = json.loads(peer_file.read_text())
            row["reddwarf"] = peer["vs_polis_auto_k"]["ari"]
            row["reddwarf_k"] = peer["n_groups"]
        if args.oracle_k:
            row["oracle_k"] = oracle_k(exp, result, row["polis_k"], args.seed)
        if args.limits:
            row.update(limits(exp, result, args.seed))
        if args.replay:
            row["replay"] = (
                ari(exp, replay(exp, args.seed))[0] if exp.vote_source == "votes.csv" else score
            )
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    head = (
        "| conversation | n | Polis k | `polis` k | `polis` ARI | `listening` k | `listening` ARI "
        "| red-dwarf k | red-dwarf ARI | `listening` − red-dwarf |"
    )
    if args.oracle_k:
        head += " ARI at Polis's k |"
    if args.limits:
        head += " base ceiling | from Polis | join orders q10 / median / q90 | 2017 in-conv |"
    if args.replay:
        head += " replay ARI |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for r in rows:
        rd = r.get("reddwarf")
        diff = "" if rd is None else f"{r['ours'] - rd:+.3f}"
        line = (
            f"| {r['conversation']} | {r['n']} | {r['polis_k']} | {r['method_polis_k']} "
            f"| {r['method_polis']:.3f} | {r['k']} | {r['ours']:.3f} "
            f"| {r.get('reddwarf_k', '')} | {'' if rd is None else f'{rd:.3f}'} "
            f"| {diff} |"
        )
        if args.oracle_k:
            line += f" {r['oracle_k']:.3f} |"
        if args.limits:
            line += (
                f" {r['base_ceiling']:.3f} | {r['from_polis']:.3f} "
                f"| {r['orders_q10']:.2f} / {r['orders_median']:.2f} / {r['orders_q90']:.2f} "
                f"| {r['in_conv_2017']:.3f} |"
            )
        if args.replay:
            line += f" {r['replay']:.3f} |"
        print(line)
    ours = [r["ours"] for r in rows]
    peers = [r["reddwarf"] for r in rows if "reddwarf" in r]
    print()
    print(
        f"median ARI: polis {statistics.median(r['method_polis'] for r in rows):.3f}, "
        f"listening {statistics.median(ours):.3f}, red-dwarf {statistics.median(peers):.3f}"
    )
    for key, name in (("method_polis", "polis"), ("ours", "listening")):
        worst = min(rows, key=lambda r: r[key])
        below = [
            r["conversation"] for r in rows if "reddwarf" in r and r[key] < r["reddwarf"] - 1e-9
        ]
        print(
            f"{name}: worst {worst['conversation']} {worst[key]:.3f}; below red-dwarf on "
            f"{len(below)}: {', '.join(below) or 'none'}"
        )
    if args.oracle_k:
        print(f"median ARI at Polis's k: {statistics.median(r['oracle_k'] for r in rows):.3f}")
    if args.limits:
        for key in ("base_ceiling", "from_polis"):
            values = [r[key] for r in rows]
            below_peer = [
                r["conversation"] for r in rows if "reddwarf" in r and r[key] < r["reddwarf"] - 1e-9
            ]
            print(
                f"{key}: median {statistics.median(values):.3f}, below red-dwarf on "
                f"{len(below_peer)}: {', '.join(below_peer) or 'none'}"
            )
    if args.replay:
        print(f"median ARI with replay: {statistics.median(r['replay'] for r in rows):.3f}")
    cold_start_parity()


if __name__ == "__main__":
    main()
