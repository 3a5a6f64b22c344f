"""Speed and memory of `listening.analysis.topics.find_themes` on 100,000 texts.

    .venv/bin/python benchmarks/themes.py DIR [--n 100000] [--k 12]

Texts are drawn (with replacement, seeded) from the English comments of the Polis exports in
DIR, each with two of its words swapped so that few texts are exact copies. Prints the time
and the peak resident memory of the process (target: 100,000 texts in <= 60 s and <= 2 GB).
With ``--method semantic`` (the optional extra) the sentence encoding is timed on its own
first, then ``find_themes`` on those vectors.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import time
from pathlib import Path

import numpy as np

from listening.analysis.topics import find_themes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=12)
    parser.add_argument(
        "--method",
        choices=["lsa", "semantic"],
        default="lsa",
        help="semantic needs the optional extra (make semantic); its encoding is timed apart",
    )
    args = parser.parse_args()
    pool: list[str] = []
    for path in sorted(args.dir.glob("*/comments.csv")):
        if "austria" in path.parent.name:  # German
            continue
        with path.open(encoding="utf-8", newline="") as f:
            pool += [t for r in csv.DictReader(f) if (t := (r.get("comment-body") or "").strip())]
    rng = np.random.default_rng(0)
    texts = []
    for i in rng.integers(0, len(pool), args.n):
        words = pool[i].split()
        if len(words) > 2:
            a, b = rng.integers(0, len(words), 2)
            words[a], words[b] = words[b], words[a]
        texts.append(" ".join(words))
    embed = None
    if args.method == "semantic":
        from listening.analysis.embeddings import encoder

        load = os.getloadavg()[0]
        start, cpu_start = time.perf_counter(), time.process_time()
        vectors = encoder().encode(texts)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        tokens = sum(len(ids) for ids in encoder().tokenize(texts))
        print(
            f"encoding (model load included): {took:.1f} s wall, {cpu:.1f} s CPU,"
            f" {tokens} tokens, {args.n / took:.0f} texts/s;"
            f" load average before: {load:.1f} on {os.cpu_count()} cores"
        )
        row = {t: i for i, t in enumerate(texts)}

        def embed(batch: list[str]) -> np.ndarray:
            return vectors[[row[t] for t in batch]]

    load = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), time.process_time()
    result = find_themes(texts, k=args.k, seed=0, method=args.method, embed=embed)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.n} texts ({len(pool)} distinct sources), k={args.k}")
    print(
        f"find_themes: {took:.1f} s wall, {cpu:.1f} s CPU (all threads),"
        f" peak RSS {peak_mib:.0f} MiB"
    )
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    for theme in result.themes:
        print(f"  {theme.size:>6}  {theme.label}")


if __name__ == "__main__":
    main()
