"""Synthetic conversations: planted opinion groups, skewed statement popularity.

``generate(n_participants, n_statements, n_votes)`` returns a VoteMatrix built directly in
CSR form (chunk by chunk, so 50M votes fit comfortably in memory) and the planted group of
each participant. Statement popularity follows a Zipf-like law (a few statements are seen by
almost everyone, most by few); each group has a stance per statement and a participant
follows their group's stance with probability ``fidelity``, otherwise votes at random.

    python benchmarks/synthetic.py 20000 1000 750000
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from listening.analysis import VoteMatrix

CHUNK = 50_000


def generate(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    *,
    n_groups: int = 3,
    fidelity: float = 0.8,
    zipf: float = 0.8,
    seed: int = 0,
) -> tuple[VoteMatrix, npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (np.arange(n_statements) + 10.0) ** zipf
    popularity /= popularity.sum()
    cdf = np.cumsum(popularity)
    group_sizes = rng.dirichlet(np.full(n_groups, 3.0))
    group = rng.choice(n_groups, size=n_participants, p=group_sizes).astype(np.int64)
    stance = rng.choice(
        np.array([-1, 0, 1], dtype=np.int8), size=(n_groups, n_statements), p=[0.4, 0.2, 0.4]
    )
    # Votes per participant: log-normal around the mean, at least 1, at most n_statements.
    mean = n_votes / n_participants
    per = rng.lognormal(np.log(mean) - 0.5, 1.0, size=n_participants)
    per = np.clip(np.round(per * mean / per.mean()), 1, n_statements).astype(np.int64)
    indptr = [np.zeros(1, dtype=np.int64)]
    indices: list[npt.NDArray[np.int32]] = []
    data: list[npt.NDArray[np.int8]] = []
    total = 0
    for lo in range(0, n_participants, CHUNK):
        hi = min(n_participants, lo + CHUNK)
        k = per[lo:hi]
        # Oversample, drop repeated (participant, statement) pairs, keep k per participant.
        rows = np.repeat(np.arange(hi - lo, dtype=np.int64), np.minimum(2 * k, n_statements))
        cols = np.searchsorted(cdf, rng.random(rows.size) * cdf[-1]).clip(0, n_statements - 1)
        key = np.unique(rows * n_statements + cols)
        r = key // n_statements
        starts = np.searchsorted(r, np.arange(hi - lo))
        key = key[(np.arange(key.size) - starts[r]) < k[r]]
        r = key // n_statements
        c = (key % n_statements).astype(np.int32)
        planted = stance[group[lo:hi][r], c]
        noise = rng.random(key.size) > fidelity
        vals = np.where(noise, rng.integers(-1, 2, key.size), planted).astype(np.int8)
        counts = np.bincount(r, minlength=hi - lo)
        indptr.append(total + np.cumsum(counts))
        total += key.size
        indices.append(c)
        data.append(vals)
    ip = np.concatenate(indptr)
    mat = sp.csr_matrix(
        (
            np.concatenate(data),
            np.concatenate(indices),
            ip.astype(np.int64 if total >= 2**31 else np.int32),
        ),
        shape=(n_participants, n_statements),
    )
    mat.has_sorted_indices = True
    return VoteMatrix(mat, list(range(n_participants)), list(range(n_statements))), group


def main() -> None:
    n, m, v = (int(x) for x in sys.argv[1:4])
    matrix, _ = generate(n, m, v)
    print(matrix)


if __name__ == "__main__":
    main()
