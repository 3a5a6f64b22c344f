"""Speed and memory of compute_opinions, with red-dwarf run in the same benchmark.

    .venv/bin/python benchmarks/opinions_speed.py [--cases bowling,20k,100k,1m]
        [--peer-cases bowling,20k] [--csv-cases bowling,20k,100k]

Each case runs in a fresh child process so that its peak RSS (``ru_maxrss``) is its own.
Compute stages are timed from the vote matrix in memory; reading the CSV export is timed
separately (again in its own process). red-dwarf 0.4.0 runs from ``.venv-peer`` (see
benchmarks/README.md); without that venv the peer columns say "not run".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

OPENDATA = Path(os.environ.get("POLIS_OPENDATA", REPO / ".." / "shared" / "polis-opendata"))
PEER = REPO / ".venv-peer" / "bin" / "python"

CASES: dict[str, dict[str, Any]] = {
    "bowling": {
        "label": "american-assembly.bowling-green",
        "export": "american-assembly.bowling-green",
    },
    "20k": {"label": "20k x 1k, 750k votes", "size": (20_000, 1_000, 750_000)},
    "100k": {"label": "100k x 3k, 4.8M votes", "size": (100_000, 3_000, 4_800_000)},
    "1m": {"label": "1M x 10k, 50M votes", "size": (1_000_000, 10_000, 50_000_000)},
}
TARGETS = {
    "bowling": "10x faster than red-dwarf",
    "20k": "<= 1 s, <= 300 MB",
    "100k": "<= 10 s, <= 1.5 GB",
    "1m": "<= 120 s, <= 8 GB",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _matrix(case: str) -> tuple[Any, Any]:
    from listening.analysis import read_polis_export

    spec = CASES[case]
    if "export" in spec:
        exp = read_polis_export(OPENDATA / spec["export"])
        return exp.matrix(include_moderated=True), exp.moderated_out
    from synthetic import generate

    n, m, v = spec["size"]
    matrix, _ = generate(n, m, v)
    return matrix, set()


def child_compute(case: str, save: str | None) -> dict[str, Any]:
    from listening.analysis import compute_opinions

    t0 = time.perf_counter()
    matrix, moderated = _matrix(case)
    build = time.perf_counter() - t0
    if save:
        rows = matrix.entry_rows()
        ids = np.asarray(matrix.statement_ids)
        np.savez(
            save,
            rows=np.asarray(matrix.participant_ids)[rows],
            cols=ids[matrix.votes.indices],
            vals=matrix.votes.data,
            mod_out=np.asarray(sorted(moderated), dtype=np.int64),
        )
    before = _peak_mb()
    # The machine may be shared: small cases take the best of three runs.
    repeats = 3 if matrix.n_votes < 2_000_000 else 1
    compute = float("inf")
    for _ in range(repeats):
        t1 = time.perf_counter()
        run = compute_opinions(matrix, moderated_out=moderated, seed=0)
        if time.perf_counter() - t1 < compute:
            compute = time.perf_counter() - t1
            result = run
    return {
        "shape": list(matrix.shape),
        "votes": matrix.n_votes,
        "build_s": build,
        "compute_s": compute,
        "stages": result.timings,
        "groups": len(result.groups),
        "peak_rss_mb": _peak_mb(),
        "peak_rss_before_compute_mb": before,
    }


def child_csv(case: str) -> dict[str, Any]:
    """Time reading a Polis export (for synthetic cases, one written from the matrix)."""
    from listening.analysis import read_polis_export

    spec = CASES[case]
    if "export" in spec:
        folder = OPENDATA / spec["export"]
        t = time.perf_counter()
        exp = read_polis_export(folder)
        matrix = exp.matrix(include_moderated=True)
        return {
            "load_s": time.perf_counter() - t,
            "votes": matrix.n_votes,
            "peak_rss_mb": _peak_mb(),
        }
    matrix, _ = _matrix(case)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = matrix.entry_rows()
        table = np.stack(
            [np.arange(matrix.n_votes), rows, matrix.votes.indices, matrix.votes.data], axis=1
        )
        with (folder / "votes.csv").open("w") as fh:
            fh.write("timestamp,datetime,comment-id,voter-id,vote\n")
            for ts, r, c, v in table.tolist():
                fh.write(f"{ts},,{c},{r},{v}\n")
        with (folder / "comments.csv").open("w") as fh:
            fh.write("timestamp,comment-id,moderated\n")
            for j in range(matrix.shape[1]):
                fh.write(f"0,{j},1\n")
        del matrix, rows, table
        t = time.perf_counter()
        exp = read_polis_export(folder)
        loaded = exp.matrix()
        return {"load_s": time.perf_counter() - t, "votes": loaded.n_votes}


def run_child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_peer(npz: str) -> dict[str, Any]:
    if not PEER.exists():
        return {"error": "not run: .venv-peer missing"}
    out = subprocess.run(
        [str(PEER), str(HERE / "_peer_reddwarf.py"), npz],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="bowling,20k,100k,1m")
    parser.add_argument("--peer-cases", default="bowling,20k")
    parser.add_argument("--csv-cases", default="bowling,20k,100k")
    parser.add_argument("--child", choices=["compute", "csv"])
    parser.add_argument("--case")
    parser.add_argument("--save")
    args = parser.parse_args()
    if args.child == "compute":
        print(json.dumps(child_compute(args.case, args.save)))
        return
    if args.child == "csv":
        print(json.dumps(child_csv(args.case)))
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    peer_cases = set(args.peer_cases.split(",")) if args.peer_cases else set()
    csv_cases = set(args.csv_cases.split(",")) if args.csv_cases else set()
    rows = []
    for case in args.cases.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            npz = str(Path(tmp) / "votes.npz") if case in peer_cases else None
            child_args = ["--child", "compute", "--case", case]
            if npz:
                child_args += ["--save", npz]
            ours = run_child(child_args)
            peer = run_peer(npz) if npz and "error" not in ours else {"error": "not run"}
        csv = run_child(["--child", "csv", "--case", case]) if case in csv_cases else {}
        rows.append((case, ours, peer, csv))
        print(json.dumps({"case": case, "ours": ours, "peer": peer, "csv": csv}), flush=True)

    print()
    print(
        "| case | votes | ours: compute | ours: peak RSS | read CSV | red-dwarf run_pipeline "
        "| red-dwarf peak RSS | speed-up | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for case, ours, peer, csv in rows:
        if "error" in ours:
            print(f"| {CASES[case]['label']} | | {ours['error']} | | | | | | {TARGETS[case]} |")
            continue
        if "error" in peer:
            p_t, p_m, speed = peer["error"], "", ""
        else:
            p_t = f"{peer['run_pipeline_s']:.2f} s"
            p_m = f"{peer['peak_rss_mb']:.0f} MB"
            speed = f"{peer['run_pipeline_s'] / ours['compute_s']:.0f}x"
        load = f"{csv['load_s']:.2f} s" if csv and "load_s" in csv else "not measured"
        print(
            f"| {CASES[case]['label']} | {ours['votes']:,} | {ours['compute_s']:.2f} s "
            f"| {ours['peak_rss_mb']:.0f} MB | {load} | {p_t} | {p_m} | {speed} | {TARGETS[case]} |"
        )


if __name__ == "__main__":
    main()
