"""Base clusters, opinion groups, silhouette and k-smoothing, after Polis's clusters.clj.

Polis clusters in two levels: participants' 2-D projections into (up to) 100 *base clusters*
by k-means, then the base-cluster centres, weighted by their sizes, into 2..5 *opinion groups*;
the number of groups is the one with the best silhouette over the base centres, smoothed
across runs. A participant's group is the group of their base cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from .clojure_order import ARRAY_MAP_MAX, hash_map_rank

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BASE_K = 100
MAX_GROUPS = 5
BASE_ITERS = 100
# Polis passes :cluster-iters to kmeans, which reads :max-iters, so group k-means runs with
# the default of 20 iterations.
GROUP_ITERS = 20
SAME_CLUSTERING_THRESHOLD = 0.01
K_SMOOTHING_BUFFER = 4
# Above this many participants, base clusters are fitted on a sample, then everyone is
# assigned and the centres refined with a few full passes.
BASE_SAMPLE_SIZE = 50_000
# Below this many points the small, exactly-Polis k-means is used; above it scikit-learn's
# Lloyd (same algorithm, compiled), single-threaded so results do not depend on threads.
SMALL_KMEANS_MAX_POINTS = 4_000


@dataclass
class Clustering:
    labels: IntArray  # index into centres, per point
    centres: FloatArray  # (k, 2)
    sizes: IntArray  # points per cluster (unweighted)


def first_distinct(points: FloatArray, k: int) -> IntArray:
    """Indices of the first ``k`` distinct rows, in order (Polis's init-clusters)."""
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k].astype(np.int64)


def _nearest(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    """Nearest centre per point (first on ties) and the squared distance to it."""
    n = len(points)
    labels = np.empty(n, dtype=np.int64)
    best = np.empty(n)
    step = max(1, 4_000_000 // max(len(centres), 1))
    cx = centres[:, 0]
    cy = centres[:, 1]
    for lo in range(0, n, step):
        px = points[lo : lo + step, 0:1]
        py = points[lo : lo + step, 1:2]
        d = (px - cx) ** 2
        d += (py - cy) ** 2
        lab = np.argmin(d, axis=1)
        labels[lo : lo + step] = lab
        best[lo : lo + step] = np.take_along_axis(d, lab[:, None], axis=1)[:, 0]
    return labels, best


def _weighted_centres(
    points: FloatArray, labels: IntArray, k: int, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    wsum = np.bincount(labels, weights=weights, minlength=k)
    cx = np.bincount(labels, weights=weights * points[:, 0], minlength=k)
    cy = np.bincount(labels, weights=weights * points[:, 1], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        centres = np.stack([cx / wsum, cy / wsum], axis=1)
    return centres, np.asarray(wsum, dtype=np.float64)


def polis_kmeans(
    points: FloatArray,
    init_centres: FloatArray,
    *,
    weights: FloatArray | None = None,
    max_iters: int = BASE_ITERS,
    exact: bool = False,
) -> Clustering:
    """Lloyd's k-means as Polis runs it: empty clusters are dropped, and it stops when every
    (sorted) centre moved less than 0.01, or after ``max_iters`` further steps.

    ``exact`` keeps more of Polis's rules (clusters.clj): its distance formula and tie order
    (:func:`_nearest_polis`), and the stop test compares the sorted centres pairwise only as
    far as the shorter list goes (``utils/zip``), so a step that drops an empty cluster can
    still end the loop."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    centres = np.asarray(init_centres, dtype=np.float64).copy()
    labels = np.zeros(len(points), dtype=np.int64)
    ids = np.arange(len(centres), dtype=np.int64)  # cluster ids, kept as clusters drop out
    for _ in range(max_iters + 1):
        if exact:
            labels = _nearest_polis(points, centres, ids)
        else:
            labels, _ = _nearest(points, centres)
        new, wsum = _weighted_centres(points, labels, len(centres), w)
        alive = wsum > 0
        new = new[alive]
        ids = ids[alive]
        remap = np.cumsum(alive) - 1
        labels = remap[labels]
        if exact:
            done = _same(centres, new, truncate=True)
        else:
            done = len(new) == len(centres) and _same(centres, new)
        centres = new
        if done:
            break
    sizes = np.bincount(labels, minlength=len(centres)).astype(np.int64)
    return Clustering(labels=labels, centres=centres, sizes=sizes)


def _nearest_polis(points: FloatArray, centres: FloatArray, ids: IntArray) -> IntArray:
    """Nearest centre as Polis's ``add-to-closest`` finds it: distances as
    ``sqrt(max(0, |p|² + |c|² - 2 p·c))`` (vectorz's formula, whose cancellation makes
    near-coincident points tie at exactly 0), the clusters walked in the order of Clojure's
    map of cluster id to cluster (insertion order up to 8 clusters, hash order above), and
    a tie won by the later one (``min-key``)."""
    k = len(centres)
    scan = np.arange(k)
    if k > ARRAY_MAP_MAX:
        rank = hash_map_rank(ids.tolist())
        if rank is not None:
            scan = np.argsort(rank, kind="stable")
    # One pass per centre over 2-D points is faster than an n x k matrix here.
    px, py = points[:, 0], points[:, 1]
    norms = px * px + py * py
    best = np.full(len(points), np.inf)
    labels = np.zeros(len(points), dtype=np.int64)
    for j in scan.tolist():
        cx, cy = float(centres[j, 0]), float(centres[j, 1])
        d2 = (norms + (cx * cx + cy * cy)) - 2.0 * (px * cx + py * cy)
        d = np.sqrt(np.where(d2 < 0.0, 0.0, d2))
        take = d <= best
        best = np.where(take, d, best)
        labels[take] = j
    return labels


def _same(a: FloatArray, b: FloatArray, *, truncate: bool = False) -> bool:
    sa = a[np.lexsort((a[:, 1], a[:, 0]))]
    sb = b[np.lexsort((b[:, 1], b[:, 0]))]
    if truncate:
        n = min(len(sa), len(sb))
        sa, sb = sa[:n], sb[:n]
    return bool(np.all(np.sqrt(((sa - sb) ** 2).sum(axis=1)) < SAME_CLUSTERING_THRESHOLD))


def _fill_centres(points: FloatArray, centres: FloatArray, k: int) -> FloatArray:
    """Warm start: keep distinct previous centres, add the most distal points up to ``k``."""
    if len(centres):
        centres = np.unique(centres, axis=0)
    n_distinct = len(np.unique(points, axis=0))
    target = min(k, n_distinct)
    centres = centres[:target]
    if len(centres) == 0:
        return points[first_distinct(points, target)]
    _, d = _nearest(points, centres)
    out = [centres]
    while sum(len(c) for c in out) < target:
        i = int(np.argmax(d))
        if d[i] <= 0:
            break
        new = points[i : i + 1]
        out.append(new)
        d = np.minimum(d, ((points - new) ** 2).sum(axis=1))
    return np.concatenate(out, axis=0)


def base_clusters(
    points: FloatArray,
    *,
    k: int = BASE_K,
    previous_centres: FloatArray | None = None,
    seed: int = 0,
    exact: bool = False,
) -> Clustering:
    """Cluster participants' projections (in canonical order) into at most ``k`` base clusters.

    ``exact``: Polis's tie and stop rules (see :func:`polis_kmeans`) up to
    ``SMALL_KMEANS_MAX_POINTS`` participants."""
    n = len(points)
    if n == 0:
        return Clustering(np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int64))
    if previous_centres is not None and len(previous_centres):
        init = _fill_centres(points, np.asarray(previous_centres, dtype=np.float64), k)
    else:
        init = points[first_distinct(points, k)]
    if n <= SMALL_KMEANS_MAX_POINTS:
        return polis_kmeans(points, init, max_iters=BASE_ITERS, exact=exact)
    fit_points = points
    if n > BASE_SAMPLE_SIZE:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(n, size=BASE_SAMPLE_SIZE, replace=False))
        fit_points = points[sample]
    centres = _sk_lloyd(fit_points, init, BASE_ITERS)
    if fit_points is not points:
        centres = _sk_lloyd(points, centres, 3)
    labels, _ = _nearest(points, centres)
    centres, wsum = _weighted_centres(points, labels, len(centres), np.ones(n))
    alive = wsum > 0
    remap = np.cumsum(alive) - 1
    labels = remap[labels]
    centres = centres[alive]
    sizes = np.bincount(labels, minlength=len(centres)).astype(np.int64)
    return Clustering(labels=labels, centres=centres, sizes=sizes)


def _sk_lloyd(points: FloatArray, init: FloatArray, max_iter: int) -> FloatArray:
    km = KMeans(
        n_clusters=len(init), init=init, n_init=1, max_iter=max_iter, tol=0.0, algorithm="lloyd"
    )
    with threadpool_limits(limits=1, user_api="openmp"):
        km.fit(points)
    return np.asarray(km.cluster_centers_, dtype=np.float64)


def silhouette(centres: FloatArray, labels: IntArray, weights: FloatArray | None = None) -> float:
    """Mean silhouette over the base centres (unweighted, Polis's ``silhouette``)."""
    n = len(centres)
    if n < 2:
        return 0.0
    dist = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    scores = np.zeros(n)
    w = np.ones(n) if weights is None else weights
    sums = np.stack([(dist[:, labels == g] * w[labels == g]).sum(axis=1) for g in groups], axis=1)
    counts = np.array([w[labels == g].sum() for g in groups], dtype=np.float64)
    own = np.searchsorted(groups, labels)
    for i in range(n):
        g = own[i]
        if (labels == labels[i]).sum() <= 1:
            scores[i] = 0.0
            continue
        a = sums[i, g] / (counts[g] - (1 if weights is None else 0))
        others = [sums[i, h] / counts[h] for h in range(len(groups)) if h != g]
        b = min(others)
        denom = max(a, b)
        scores[i] = 0.0 if denom == 0 else (b - a) / denom
    return float(np.average(scores, weights=w))


def max_groups(n_base: int, max_k: int = MAX_GROUPS) -> int:
    return min(max_k, 2 + n_base // 12)


@dataclass
class KSmoother:
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, this_k: int, buffer: int = K_SMOOTHING_BUFFER) -> KSmoother:
        same = self.last_k is not None and this_k == self.last_k
        count = self.last_k_count + 1 if same else 1
        smoothed = this_k if count >= buffer or self.smoothed_k is None else self.smoothed_k
        return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)


@dataclass
class GroupClustering:
    k: int
    base_labels: IntArray  # group index per base cluster
    centres: FloatArray
    silhouettes: dict[int, float] = field(default_factory=dict)
    centres_by_k: dict[int, FloatArray] = field(default_factory=dict)
    smoother: KSmoother = field(default_factory=KSmoother)


def group_clusters(
    base: Clustering,
    *,
    previous_by_k: dict[int, FloatArray] | None = None,
    smoother: KSmoother | None = None,
    max_k: int = MAX_GROUPS,
    seed: int = 0,
    polis: bool = False,
) -> GroupClustering:
    """Weighted k-means of base centres for k = 2..max, pick k by silhouette, smooth k.

    ``polis``: a cold start is Polis's single start (the first k distinct base centres, in
    base-cluster order) with its exact tie and stop rules, not the best of several starts."""
    centres = base.centres
    weights = base.sizes.astype(np.float64)
    smoother = smoother or KSmoother()
    n_distinct = len(np.unique(centres, axis=0)) if len(centres) else 0
    if n_distinct < 2:
        labels = np.zeros(len(centres), dtype=np.int64)
        centre = (
            (centres * weights[:, None]).sum(axis=0, keepdims=True) / max(weights.sum(), 1.0)
            if len(centres)
            else np.zeros((0, 2))
        )
        return GroupClustering(k=1, base_labels=labels, centres=centre, smoother=smoother)
    results: dict[int, Clustering] = {}
    scores: dict[int, float] = {}
    for k in range(2, max_groups(len(centres), max_k) + 1):
        prev = (previous_by_k or {}).get(k)
        if prev is not None and len(prev):
            init = _fill_centres(centres, np.asarray(prev, dtype=np.float64), k)
            clustering = polis_kmeans(
                centres, init, weights=weights, max_iters=GROUP_ITERS, exact=polis
            )
        else:
            init = centres[first_distinct(centres, k)]
            if polis:
                clustering = polis_kmeans(
                    centres, init, weights=weights, max_iters=GROUP_ITERS, exact=True
                )
            else:
                clustering = _best_of_starts(centres, weights, init, k, seed)
        results[k] = clustering
        scores[k] = silhouette(centres, clustering.labels)
    # max-key keeps the last of equal maxima, i.e. the largest such k.
    best = max(scores.items(), key=lambda kv: (kv[1], kv[0]))[0]
    new_smoother = smoother.update(best)
    chosen_k = new_smoother.smoothed_k if new_smoother.smoothed_k in results else best
    assert chosen_k is not None
    chosen = results[chosen_k]
    return GroupClustering(
        k=len(chosen.centres),
        base_labels=chosen.labels,
        centres=chosen.centres,
        silhouettes=scores,
        centres_by_k={k: c.centres for k, c in results.items()},
        smoother=new_smoother,
    )


# Cold starts only (no previous clustering for this k): Polis's own start plus this many
# seeded k-means++ starts; the lowest weighted inertia wins. Polis itself warm-starts from
# its previous run, which a single cold run cannot reproduce (see docs/analysis.md). With 10
# starts the winner still depended on the seed on flat landscapes (15-per-hour-seattle);
# from 30 on it no longer does on any of the open-data conversations.
N_STARTS = 30
# A cold-start clustering is admissible only if every group holds at least this many
# participants: otherwise the lowest inertia is often "one far-out participant against
# everyone else", which is not an opinion group (bg2050-volunteers). If no start gives an
# admissible clustering, the lowest inertia overall wins.
MIN_GROUP_PARTICIPANTS = 2


def _inertia(points: FloatArray, weights: FloatArray, c: Clustering) -> float:
    d = ((points - c.centres[c.labels]) ** 2).sum(axis=1)
    return float((weights * d).sum())


def _plus_plus(
    points: FloatArray, weights: FloatArray, k: int, rng: np.random.Generator
) -> FloatArray:
    """Weighted k-means++ seeding."""
    first = int(rng.choice(len(points), p=weights / weights.sum()))
    chosen = [first]
    d = ((points - points[first]) ** 2).sum(axis=1)
    while len(chosen) < k:
        w = weights * d
        total = w.sum()
        if total <= 0:
            break
        nxt = int(rng.choice(len(points), p=w / total))
        chosen.append(nxt)
        d = np.minimum(d, ((points - points[nxt]) ** 2).sum(axis=1))
    return points[chosen]


def _best_of_starts(
    points: FloatArray, weights: FloatArray, init: FloatArray, k: int, seed: int
) -> Clustering:
    """Polis's start plus seeded k-means++ starts; the admissible clustering (every group
    with at least ``MIN_GROUP_PARTICIPANTS``) of lowest weighted inertia wins."""
    candidates = [polis_kmeans(points, init, weights=weights, max_iters=GROUP_ITERS)]
    rng = np.random.default_rng([seed, k])
    for _ in range(N_STARTS):
        start = _plus_plus(points, weights, k, rng)
        if len(start) < k:
            break
        c = polis_kmeans(points, start, weights=weights, max_iters=BASE_ITERS)
        if len(c.centres) == k:
            candidates.append(c)
    admissible = [c for c in candidates if _smallest_group(c, weights) >= MIN_GROUP_PARTICIPANTS]
    best = candidates[0]
    best_inertia = _inertia(points, weights, best)
    best_ok = bool(admissible) and admissible[0] is best
    for c in candidates[1:]:
        ok = any(c is a for a in admissible)
        inertia = _inertia(points, weights, c)
        better = inertia < best_inertia - 1e-9 * max(best_inertia, 1.0)
        if (ok and not best_ok) or (ok == best_ok and better):
            best, best_inertia, best_ok = c, inertia, ok
    return best


def _smallest_group(c: Clustering, weights: FloatArray) -> float:
    if len(c.centres) == 0:
        return 0.0
    return float(np.bincount(c.labels, weights=weights, minlength=len(c.centres)).min())
