"""2-D PCA of the mean-imputed vote matrix, without ever densifying it.

Polis (math/src/polismath/math/pca.clj) replaces every unseen cell by its column mean, centres
the columns and finds the top two components by power iteration. After imputation the centred
matrix is *sparse*: an unseen cell becomes ``mean - mean = 0``. So the centred matrix keeps the
vote matrix's sparsity pattern with entries ``vote - column_mean`` and the components are the
top right singular vectors of that sparse matrix. We find them exactly (Lanczos on the Gram
operator, or a dense eigen-decomposition of the small statements x statements Gram matrix).

Participants are projected as Polis's ``sparsity-aware-project-ptpt``: the dot product over
the cells they voted on, scaled by ``sqrt(n_statements / n_votes)`` so that someone who voted
on few statements is not pulled to the centre. A statement is placed where a participant who
agreed with it alone would be (Polis's ``pca-project-cmnts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import scipy.sparse.linalg as spla

FloatArray = npt.NDArray[np.float64]

# Up to this many statements the Gram matrix is formed densely (statements x statements only);
# above, Lanczos on the sparse Gram operator is faster.
DENSE_GRAM_MAX_STATEMENTS = 200


@dataclass(frozen=True)
class Projection:
    center: FloatArray  # per statement: mean vote among those who saw it
    components: FloatArray  # (2, n_statements), unit rows
    participants: FloatArray  # (n_participants, 2)
    statements: FloatArray  # (n_statements, 2)
    explained_variance: FloatArray  # (2,) eigenvalues of the centred Gram / n


def column_means(votes: sp.csr_matrix) -> FloatArray:
    m = votes.shape[1]
    seen = np.bincount(votes.indices, minlength=m).astype(np.float64)
    total = np.bincount(votes.indices, weights=votes.data.astype(np.float64), minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(seen > 0, total / np.maximum(seen, 1), 0.0)
    return mean


def centred(votes: sp.csr_matrix, center: FloatArray, dtype: type = np.float64) -> sp.csr_matrix:
    """The mean-imputed, centred matrix: same pattern, entries ``vote - mean``."""
    data = votes.data.astype(dtype) - center.astype(dtype)[votes.indices]
    return sp.csr_matrix((data, votes.indices, votes.indptr), shape=votes.shape)


def top_components(
    c: sp.csr_matrix,
    n_components: int = 2,
    *,
    seed: int = 0,
    start: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Top right singular vectors of ``c`` as rows, and the Gram eigenvalues (descending)."""
    n, m = c.shape
    k = min(n_components, n, m)
    comps = np.zeros((n_components, m))
    values = np.zeros(n_components)
    if k == 0 or c.nnz == 0:
        return comps, values
    if m <= DENSE_GRAM_MAX_STATEMENTS or k >= m - 1:
        gram = (c.T @ c).toarray() if sp.issparse(c) else c.T @ c
        gram = np.asarray(gram, dtype=np.float64)
        w, v = np.linalg.eigh(gram)
        order = np.argsort(w)[::-1][:k]
        comps[:k] = v[:, order].T
        values[:k] = np.maximum(w[order], 0.0)
    else:
        dtype = c.dtype
        ct = c.T.tocsr()

        def matvec(x: FloatArray) -> FloatArray:
            y = c @ x.astype(dtype, copy=False)
            return np.asarray(ct @ y, dtype=np.float64)

        op = spla.LinearOperator((m, m), matvec=matvec, dtype=np.float64)
        if start is not None and start.shape == (m,) and np.any(start):
            v0 = start.astype(np.float64)
        else:
            v0 = np.random.default_rng(seed).uniform(0.5, 1.5, size=m)
        w, v = spla.eigsh(op, k=k, which="LA", v0=v0, tol=1e-8, ncv=min(m, max(2 * k + 1, 20)))
        order = np.argsort(w)[::-1]
        comps[:k] = v[:, order].T
        values[:k] = np.maximum(w[order], 0.0)
    return comps, values


# Polis (pca.clj ``powerit-pca``): 100 power iterations per component, each on the matrix
# with the earlier components factored out; a cold run starts from the all-ones vector (the
# start Polis's maintainers pin for their cold-start references; Polis's own worker draws a
# random one, which after 100 iterations differs only where the eigengap is tiny), a warm run
# from the previous components.
POWER_ITERS = 100
# Polis computes the full PCA only up to these sizes (conversation.clj ``:ptpt-cutoff``,
# ``:cmt-cutoff``); above, its worker switches to a mini-batch PCA on unseeded random samples,
# which no two runs reproduce. There we take the exact components (the fixed point the power
# iteration converges to).
POWER_MAX_PARTICIPANTS = 10_000
POWER_MAX_STATEMENTS = 5_000


def power_components(
    c: sp.csr_matrix,
    n_components: int = 2,
    *,
    iters: int = POWER_ITERS,
    starts: FloatArray | None = None,
    seed: int = 0,
) -> tuple[FloatArray, FloatArray]:
    """Polis's power-iteration PCA of the centred matrix ``c``: top right singular vectors as
    rows, and their Gram eigenvalues (the norm of the last product)."""
    _n, m = c.shape
    comps = np.zeros((n_components, m))
    values = np.zeros(n_components)
    if m == 0 or c.nnz == 0:
        return comps, values
    dtype = c.dtype
    ct = c.T.tocsr()

    def gram(x: FloatArray) -> FloatArray:
        return np.asarray(ct @ (c @ x.astype(dtype, copy=False)), dtype=np.float64)

    # Products below this size are rounding noise of a zero product.
    scale = 1e-12 * float(np.dot(c.data, c.data))
    for i in range(min(n_components, m)):
        previous = comps[:i]

        def deflate(x: FloatArray, previous: FloatArray = previous) -> FloatArray:
            for p in previous:
                x = x - float(np.dot(p, x)) * p
            return x

        start = None if starts is None or i >= len(starts) else starts[i]
        if start is None or start.shape != (m,) or not np.any(start):
            start = np.ones(m)
        # A start orthogonal to every remaining component (e.g. the ones vector on perfectly
        # balanced votes) gives a zero product: start again from a seeded random vector, as
        # Polis's worker (a random start) would.
        for attempt in (start, np.random.default_rng(seed).uniform(0.5, 1.5, size=m)):
            found = _power_iteration(gram, deflate, attempt.astype(np.float64), iters, scale)
            if found is not None:
                comps[i], values[i] = found
                break
    return comps, values


def _power_iteration(
    gram: Callable[[FloatArray], FloatArray],
    deflate: Callable[[FloatArray], FloatArray],
    v: FloatArray,
    iters: int,
    tiny: float,
) -> tuple[FloatArray, float] | None:
    """Polis's ``power-iteration``: up to ``iters + 1`` products, stopping early when the
    eigenvalue estimate repeats exactly. None when the product vanishes (below ``tiny`` for
    a unit vector)."""
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        return None
    v = v / norm
    last = 0.0
    for _ in range(iters + 1):
        w = deflate(gram(deflate(v)))
        value = float(np.linalg.norm(w))
        if not np.isfinite(value) or value <= tiny:
            return None
        v = w / value
        if value == last:
            break
        last = value
    return v, last


def orient(components: FloatArray, previous: FloatArray | None = None) -> FloatArray:
    """Fix each component's sign: agree with ``previous`` if given, else largest entry positive."""
    out = components.copy()
    for i in range(out.shape[0]):
        row = out[i]
        if not np.any(row):
            continue
        if previous is not None and previous.shape == out.shape and np.any(previous[i]):
            flip = float(np.dot(row, previous[i])) < 0
        else:
            j = int(np.argmax(np.abs(row)))
            flip = row[j] < 0
        if flip:
            out[i] = -row
    return out


def project(
    votes: sp.csr_matrix,
    *,
    seed: int = 0,
    previous_components: FloatArray | None = None,
    n_statements_for_scaling: int | None = None,
    extra_votes_per_participant: int = 0,
    dtype: type = np.float64,
    power_iteration: bool = False,
) -> Projection:
    """PCA of the mean-imputed matrix and Polis's sparsity-aware projections.

    ``n_statements_for_scaling`` and ``extra_votes_per_participant`` exist only to reproduce
    Polis's handling of moderated-out statements (they stay as all-zero columns there, so
    they count both as statements and as votes in the scaling factor).
    ``power_iteration`` finds the components as Polis does (:func:`power_components`)
    instead of exactly, within Polis's full-PCA sizes.
    """
    _n, m = votes.shape
    center = column_means(votes)
    c = centred(votes, center, dtype=dtype)
    n_rows, _ = votes.shape
    if power_iteration and n_rows <= POWER_MAX_PARTICIPANTS and m <= POWER_MAX_STATEMENTS:
        comps, values = power_components(c, 2, starts=previous_components, seed=seed)
    else:
        comps, values = top_components(c, 2, seed=seed, start=_first(previous_components))
    comps = orient(comps, previous_components)
    raw = np.asarray(c @ comps.T.astype(dtype), dtype=np.float64)
    counts = np.diff(votes.indptr).astype(np.float64) + extra_votes_per_participant
    m_scale = float(n_statements_for_scaling if n_statements_for_scaling is not None else m)
    scale = np.sqrt(m_scale / np.maximum(counts, 1.0))
    participants = raw * scale[:, None]
    statements = ((1.0 - center)[:, None] * comps.T) * np.sqrt(m_scale)
    return Projection(
        center=center,
        components=comps,
        participants=participants,
        statements=statements,
        explained_variance=values / max(int(np.count_nonzero(np.diff(votes.indptr))), 1),
    )


def _first(previous: FloatArray | None) -> FloatArray | None:
    if previous is None or previous.ndim != 2 or previous.shape[0] == 0:
        return None
    first: FloatArray = previous[0]
    return first
