"""Do group letters stay with the same people from one opinion map to the next?

Replays each conversation in ../shared/polis-opendata that has ``votes.csv`` in timestamp
order (each participant's final vote on a statement enters at its timestamp: the export keeps
no re-votes), refreshing the map every 2 % of the votes. For every two consecutive maps with
the same number of groups it counts the participants who were grouped in both and cast no
vote in between, and how many of them carry the same letter (group id) in both.

Three ways of refreshing, for each method:

- *warm*: the previous map's ``OpinionState`` is passed on, as the platform does
  (``conversations/services/opinion_maps.py``): in-conversation set, k-smoothing, warm
  starts, and the previous groups' members, after which the new groups are named;
- *cold*: every map computed from scratch, no state at all;
- *cold, letters matched*: from scratch, but with the previous groups' members only, so the
  letters are matched and nothing else is carried.

Participants are passed in id order (no ``participant_order``), as the platform passes them.

    .venv/bin/python benchmarks/opinions_stability.py [--methods polis,listening] [--steps 50]

Goal for *warm*: at least 97 % median over the conversations and at least 90 % on each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import numpy as np  # noqa: E402

from listening.analysis import (  # noqa: E402
    OpinionResult,
    OpinionState,
    VoteMatrix,
    compute_opinions,
    read_polis_export,
)

SHARED = HERE.parent / ".." / "shared"
OPENDATA = Path(os.environ.get("POLIS_OPENDATA", SHARED / "polis-opendata"))
MODES = ("warm", "cold", "cold_matched")


def groups_of(result: OpinionResult) -> dict[Any, int]:
    return {
        p: int(g)
        for p, g in zip(result.participant_ids, result.participant_group, strict=True)
        if g >= 0
    }


def replay(
    events: list[tuple[int, int, Any, Any, int]],
    moderated_out: set[Any],
    method: str,
    mode: str,
    steps: int,
) -> dict[str, Any]:
    n = len(events)
    checkpoints = sorted({max(1, round(n * i / steps)) for i in range(1, steps + 1)})
    state: OpinionState | None = None
    previous: dict[Any, int] | None = None
    previous_k = 0
    done = 0
    kept = eligible = pairs = k_changes = 0
    for c in checkpoints:
        sub = events[:c]
        matrix = VoteMatrix.from_votes(
            [e[2] for e in sub], [e[3] for e in sub], [e[4] for e in sub]
        )
        result = compute_opinions(
            matrix,
            state=state,
            moderated_out=moderated_out & set(matrix.statement_ids),
            method=method,
        )
        k = len(result.groups)
        current = groups_of(result)
        voted = {e[2] for e in events[done:c]}
        if previous is not None and k >= 2:
            if k == previous_k:
                pairs += 1
                quiet = [p for p in current if p in previous and p not in voted]
                eligible += len(quiet)
                kept += sum(1 for p in quiet if current[p] == previous[p])
            else:
                k_changes += 1
        if mode == "warm":
            state = result.state
        elif mode == "cold_matched":
            state = OpinionState(group_of=result.state.group_of)
        previous, previous_k, done = current, k, c
    return {
        "same_letter": kept / eligible if eligible else float("nan"),
        "eligible": eligible,
        "pairs": pairs,
        "k_changes": k_changes,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--methods", default="polis,listening")
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    rows: list[dict[str, Any]] = []
    for folder in sorted(p for p in OPENDATA.iterdir() if p.is_dir()):
        if not (folder / "votes.csv").is_file():
            continue
        exp = read_polis_export(folder)
        if not exp.n_votes:
            continue
        events = sorted(
            (v.timestamp or 0, i, v.participant, v.statement, v.value)
            for i, v in enumerate(exp.votes)
        )
        row: dict[str, Any] = {"conversation": folder.name, "votes": len(events)}
        for method in methods:
            for mode in MODES:
                started = time.perf_counter()
                out = replay(events, exp.moderated_out, method, mode, args.steps)
                out["seconds"] = round(time.perf_counter() - started, 1)
                row[f"{method}/{mode}"] = out
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    for method in methods:
        print(f"\n### method `{method}`\n")
        print(
            "| conversation | votes | warm: same letter | pairs (k changes) "
            "| cold: same letter | pairs (k changes) | cold, letters matched | pairs (k changes) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            cells = []
            for mode in MODES:
                o = r[f"{method}/{mode}"]
                share = "n/a" if np.isnan(o["same_letter"]) else f"{100 * o['same_letter']:.1f} %"
                cells.append(f"{share} | {o['pairs']} ({o['k_changes']})")
            print(f"| {r['conversation']} | {r['votes']} | " + " | ".join(cells) + " |")
        for mode in MODES:
            shares = [
                r[f"{method}/{mode}"]["same_letter"]
                for r in rows
                if not np.isnan(r[f"{method}/{mode}"]["same_letter"])
            ]
            if shares:
                print(
                    f"\n{method} {mode}: median {100 * statistics.median(shares):.1f} %, "
                    f"lowest {100 * min(shares):.1f} %",
                    end="",
                )
        print()


if __name__ == "__main__":
    main()
