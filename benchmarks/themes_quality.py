"""Quality of `listening.analysis.topics` on the Polis openData conversations.

Pools the English comments of several conversations (each about one subject), finds k themes
with k = the number of conversations, and prints the normalised mutual information (NMI)
between the themes and the conversation each comment came from, next to two plain baselines.

    .venv/bin/python benchmarks/themes_quality.py DIR [--seeds 3]

DIR is a folder of Polis exports (one sub-folder per conversation with `comments.csv`).
The settings of `topics.py` were chosen on TUNE only (see docs/analysis.md for what else was
looked at). For scale, it also prints a supervised ceiling that cheats on purpose: logistic
regression trained on the answers (5-fold cross-validated) on the same stemmed TF-IDF terms
that `topics.py` clusters — what those features can tell apart at best.

With the optional extra `semantic` installed (`make semantic`), a column for
`method="semantic"` (sentence embeddings) is added, with the same ceiling on its vectors;
each text is encoded once (the first set takes the encoding time, shown in its line).
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import normalized_mutual_info_score
from sklearn.model_selection import cross_val_predict

from listening.analysis import embeddings
from listening.analysis.topics import Analyzer, _vectorise, find_themes

TUNE = [
    "american-assembly.bowling-green",
    "march-on.operation-marchin-orders",
    "canadian-electoral-reform",
    "football-concussions",
    "scoop-hivemind.taxes",
]
REPORT = [
    "15-per-hour-seattle",
    "bg2050-volunteers",
    "london.youth.policing",
    "scoop-hivemind.affordable-housing",
    "scoop-hivemind.freshwater",
    "ssis.land-bank-farmland.2rumnecbeh.2021-08-01",
]
# The nine conversations the baseline figures refer to (three of them are in TUNE).
NINE = [*REPORT[:3], "canadian-electoral-reform", "football-concussions", *REPORT[3:5],
        "scoop-hivemind.taxes", REPORT[5]]  # fmt: skip


def load(root: Path, names: list[str]) -> tuple[list[str], np.ndarray]:
    texts: list[str] = []
    truth: list[int] = []
    for i, name in enumerate(names):
        with (root / name / "comments.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                text = (row.get("comment-body") or "").strip()
                if text:
                    texts.append(text)
                    truth.append(i)
    return texts, np.array(truth)


def baseline_kmeans(texts: list[str], k: int, seed: int) -> np.ndarray:
    x = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return np.asarray(KMeans(k, n_init=1, random_state=seed).fit_predict(x))


def baseline_nmf(texts: list[str], k: int, seed: int) -> np.ndarray:
    x = TfidfVectorizer(stop_words="english").fit_transform(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w = NMF(k, random_state=seed).fit_transform(x)
    return np.asarray(w.argmax(axis=1))


def ours(texts: list[str], k: int, seed: int) -> np.ndarray:
    return find_themes(texts, k=k, seed=seed).assignments


_vectors: dict[str, np.ndarray] = {}


def embed_cached(texts: list[str]) -> np.ndarray:
    """The semantic extra's vectors, each text encoded once for every set and seed."""
    from listening.analysis.embeddings import encoder

    missing = [t for t in dict.fromkeys(texts) if t not in _vectors]
    if missing:
        _vectors.update(zip(missing, encoder().encode(missing), strict=True))
    return np.array([_vectors[t] for t in texts])


def semantic(texts: list[str], k: int, seed: int) -> np.ndarray:
    return find_themes(texts, k=k, seed=seed, method="semantic", embed=embed_cached).assignments


def supervised_ceiling(texts: list[str], truth: np.ndarray) -> float:
    x, _terms = _vectorise(texts, Analyzer("en"))
    model = LogisticRegression(C=10, max_iter=300)
    return float(normalized_mutual_info_score(truth, cross_val_predict(model, x, truth, cv=5)))


METHODS = {"TF-IDF + k-means": baseline_kmeans, "TF-IDF + NMF": baseline_nmf, "topics.py": ours}
if embeddings.available():
    METHODS["semantic"] = semantic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    sets = {"TUNE (5, settings chosen here)": TUNE, "REPORT (6, held out)": REPORT,
            "the nine of the issue": NINE}  # fmt: skip
    for title, names in sets.items():
        texts, truth = load(args.dir, names)
        print(f"\n{title}: {len(names)} conversations, {len(texts)} comments")
        for method, fn in METHODS.items():
            start = time.perf_counter()
            scores = [
                normalized_mutual_info_score(truth, fn(texts, len(names), seed))
                for seed in range(args.seeds)
            ]
            took = (time.perf_counter() - start) / args.seeds
            print(f"  {method:<18} NMI {np.mean(scores):.3f} (min {min(scores):.3f}) {took:.1f} s")
        ceiling = supervised_ceiling(texts, truth)
        print(f"  supervised ceiling NMI {ceiling:.3f} (trained on the answers)")
        result = find_themes(texts, k=len(names), seed=0)
        for theme in result.themes:
            print(f"    {theme.size:>5}  {theme.label}")
        if "semantic" in METHODS:
            x = embed_cached(texts)
            model = LogisticRegression(C=10, max_iter=500)
            found = cross_val_predict(model, x, truth, cv=5)
            ceiling = normalized_mutual_info_score(truth, found)
            print(f"  supervised ceiling on the sentence vectors NMI {ceiling:.3f}")
            result = find_themes(texts, k=len(names), seed=0, method="semantic", embed=embed_cached)
            for theme in result.themes:
                print(f"    {theme.size:>5}  {theme.label}")


if __name__ == "__main__":
    main()
