"""Speed and memory of compute_opinions, with red-dwarf run in the same benchmark.

    .venv/bin/python benchmarks/opinions_speed.py [--cases bowling,20k,100k,1m]
        [--peer-cases bowling,20k] [--csv-cases bowling,20k,100k,1m] [--csv-dir DIR]

``--cases ''`` skips the compute (and red-dwarf) runs, e.g. to time reading CSV only.

Each case runs in a fresh child process so that its peak RSS (``ru_maxrss``) is its own.
Compute stages are timed from the vote matrix in memory; reading the CSV export is timed
separately: a synthetic case is first written as a Polis export by one child, then read
into the vote matrix by another, so the reader's peak RSS is its own. red-dwarf 0.4.0 runs
from ``.venv-peer`` (see benchmarks/README.md); without that venv the peer columns say
"not run".
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


def child_compute(case: str, save: str | None, method: str) -> dict[str, Any]:
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
        run = compute_opinions(matrix, moderated_out=moderated, seed=0, method=method)
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


# Synthetic exports are written as Polis writes votes.csv: ordered by comment then voter,
# 13-digit millisecond timestamps, a datetime text, and a few re-votes (an earlier row for
# the same pair with another value, which the reader must drop).
CSV_CHUNK = 1_000_000
REVOTE_EVERY = 200
_DATETIME = b"Wed Jun 18 08:16:54 WIB 2014"
_T0 = 1_600_000_000_000


def _digits(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ASCII digits of non-negative ints, right-aligned, and the mask of significant ones."""
    width = max(1, len(str(int(x.max())))) if x.size else 1
    pow10 = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    chars = ((x[:, None] // pow10) % 10 + 48).astype(np.uint8)
    ndigits = 1 + np.searchsorted(pow10[::-1][1:], x, side="right")
    return chars, np.arange(width) >= (width - ndigits)[:, None]


_VOTE_TEXT = np.frombuffer(b"-1 0 1", dtype=np.uint8).reshape(3, 2)
_VOTE_MASK = np.array([[True, True], [False, True], [False, True]])


def _csv_lines(ts: np.ndarray, comment: np.ndarray, voter: np.ndarray, vote: np.ndarray) -> bytes:
    """``ts,datetime,comment,voter,vote`` lines formatted with numpy, no loop per row."""
    n = ts.size
    parts: list[tuple[np.ndarray, np.ndarray]] = []

    def const(text: bytes) -> None:
        chars = np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (n, len(text)))
        parts.append((chars, np.ones((n, len(text)), dtype=bool)))

    parts.append(_digits(ts))
    const(b"," + _DATETIME + b",")
    parts.append(_digits(comment))
    const(b",")
    parts.append(_digits(voter))
    const(b",")
    parts.append((_VOTE_TEXT[vote + 1], _VOTE_MASK[vote + 1]))
    const(b"\n")
    chars = np.concatenate([c for c, _ in parts], axis=1)
    mask = np.concatenate([m for _, m in parts], axis=1)
    return chars[mask].tobytes()


def write_export(case: str, folder: Path) -> dict[str, Any]:
    """Write a synthetic case as a Polis export (votes.csv and comments.csv) into ``folder``."""
    t = time.perf_counter()
    matrix, _ = _matrix(case)
    n_votes = matrix.n_votes
    n, m = matrix.shape
    csc = matrix.votes.tocsc()
    del matrix
    comment = np.repeat(np.arange(m, dtype=np.int64), np.diff(csc.indptr))
    voter = csc.indices.astype(np.int64)
    vote = csc.data.astype(np.int64)
    del csc
    rng = np.random.default_rng(1)
    rows = 0
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "votes.csv").open("wb") as fh:
        fh.write(b"timestamp,datetime,comment-id,voter-id,vote\n")
        for lo in range(0, n_votes, CSV_CHUNK):
            hi = min(n_votes, lo + CSV_CHUNK)
            c, p, v = comment[lo:hi], voter[lo:hi], vote[lo:hi]
            ts = _T0 + rng.integers(10**6, 10**10, hi - lo)
            # A re-vote: an earlier row for the same pair, with another value.
            again = np.flatnonzero(rng.random(hi - lo) < 1 / REVOTE_EVERY)
            order = np.argsort(np.concatenate([np.arange(hi - lo), again]), kind="stable")
            ts = np.concatenate([ts, ts[again] - rng.integers(1, 10**6, again.size)])[order]
            c = np.concatenate([c, c[again]])[order]
            p = np.concatenate([p, p[again]])[order]
            v = np.concatenate([v, (v[again] + 2) % 3 - 1])[order]
            fh.write(_csv_lines(ts, c, p, v))
            rows += ts.size
    with (folder / "comments.csv").open("w") as fh:
        fh.write("timestamp,comment-id,moderated\n")
        fh.writelines(f"0,{j},1\n" for j in range(m))
    return {
        "write_s": time.perf_counter() - t,
        "rows": rows,
        "votes": n_votes,
        "participants": n,
        "mb": (folder / "votes.csv").stat().st_size / 1e6,
    }


def child_csv(folder: Path) -> dict[str, Any]:
    """Time reading a Polis export folder into the vote matrix, in a fresh process."""
    from listening.analysis import read_polis_export

    t = time.perf_counter()
    exp = read_polis_export(folder)
    matrix = exp.matrix(include_moderated=True)
    load = time.perf_counter() - t
    return {
        "load_s": load,
        "votes": matrix.n_votes,
        "us_per_vote": 1e6 * load / max(matrix.n_votes, 1),
        "peak_rss_mb": _peak_mb(),
    }


def run_csv(case: str, keep: str | None) -> dict[str, Any]:
    spec = CASES[case]
    if "export" in spec:
        return run_child(["--child", "csv", "--dir", str(OPENDATA / spec["export"])])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) / case if keep else Path(tmp) / case
        written: dict[str, Any] = {}
        if not (folder / "votes.csv").is_file():
            written = run_child(["--child", "csv-write", "--case", case, "--dir", str(folder)])
            if "error" in written:
                return written
        read = run_child(["--child", "csv", "--dir", str(folder)])
        return {**read, **{k: v for k, v in written.items() if k != "votes"}}


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
    parser.add_argument("--cases", default="bowling,20k,100k,1m", help="compute cases ('' none)")
    parser.add_argument("--peer-cases", default="bowling,20k", help="red-dwarf cases ('' none)")
    parser.add_argument(
        "--csv-cases", default="bowling,20k,100k,1m", help="read-CSV cases ('' none)"
    )
    parser.add_argument(
        "--csv-dir", help="keep the written synthetic exports here (reused when present)"
    )
    parser.add_argument("--method", default="polis", help="compute_opinions(method=...)")
    parser.add_argument("--child", choices=["compute", "csv", "csv-write"])
    parser.add_argument("--case")
    parser.add_argument("--dir")
    parser.add_argument("--save")
    args = parser.parse_args()
    if args.child == "compute":
        print(json.dumps(child_compute(args.case, args.save, args.method)))
        return
    if args.child == "csv":
        print(json.dumps(child_csv(Path(args.dir))))
        return
    if args.child == "csv-write":
        print(json.dumps(write_export(args.case, Path(args.dir))))
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )

    def selected(text: str) -> list[str]:
        names = [c for c in text.split(",") if c]
        unknown = sorted(set(names) - set(CASES))
        if unknown:
            parser.error(f"unknown case {', '.join(unknown)}; cases: {', '.join(CASES)}")
        return names

    compute_cases = selected(args.cases)
    peer_cases = set(selected(args.peer_cases))
    csv_cases = set(selected(args.csv_cases))
    rows = []
    for case in [c for c in CASES if c in compute_cases or c in csv_cases]:
        ours: dict[str, Any] = {}
        peer: dict[str, Any] = {"error": "not run"}
        if case in compute_cases:
            with tempfile.TemporaryDirectory() as tmp:
                npz = str(Path(tmp) / "votes.npz") if case in peer_cases else None
                child_args = ["--child", "compute", "--case", case, "--method", args.method]
                if npz:
                    child_args += ["--save", npz]
                ours = run_child(child_args)
                if npz and "error" not in ours:
                    peer = run_peer(npz)
        csv = run_csv(case, args.csv_dir) if case in csv_cases else {}
        rows.append((case, ours, peer, csv))
        print(json.dumps({"case": case, "ours": ours, "peer": peer, "csv": csv}), flush=True)

    if any(ours for _, ours, _, _ in rows):
        print()
        print(
            "| case | votes | ours: compute | ours: peak RSS | read CSV | red-dwarf run_pipeline "
            "| red-dwarf peak RSS | speed-up | target |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for case, ours, peer, csv in rows:
            if not ours:
                continue
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
                f"| {ours['peak_rss_mb']:.0f} MB | {load} | {p_t} | {p_m} | {speed} "
                f"| {TARGETS[case]} |"
            )

    measured = [(case, csv) for case, _, _, csv in rows if csv]
    if measured:
        print()
        print(
            "| case | votes.csv rows | final votes | read CSV | µs per vote | peak RSS "
            "| written in |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
    for case, csv in measured:
        if "error" in csv:
            print(f"| {CASES[case]['label']} | | | {csv['error']} | | | |")
            continue
        rows_text = f"{csv['rows']:,}" if "rows" in csv else ""
        written = f"{csv['write_s']:.0f} s" if "write_s" in csv else ""
        print(
            f"| {CASES[case]['label']} | {rows_text} | {csv['votes']:,} | {csv['load_s']:.2f} s "
            f"| {csv['us_per_vote']:.2f} | {csv['peak_rss_mb']:.0f} MB | {written} |"
        )


if __name__ == "__main__":
    main()
