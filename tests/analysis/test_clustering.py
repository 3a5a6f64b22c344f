from __future__ import annotations

import numpy as np
import pytest

from listening.analysis import clustering


def _blobs(n: int = 30, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [rng.normal((-5, 0), 0.3, size=(n, 2)), rng.normal((5, 0), 0.3, size=(n, 2))]
    )


def test_first_distinct_skips_repeated_rows() -> None:
    pts = np.array([[0, 0], [0, 0], [1, 1], [0, 0], [2, 2]], dtype=float)
    assert clustering.first_distinct(pts, 2).tolist() == [0, 2]
    assert clustering.first_distinct(pts, 10).tolist() == [0, 2, 4]


def test_polis_kmeans_finds_two_blobs() -> None:
    pts = _blobs()
    init = pts[[0, 1]]  # both in the first blob: a bad start
    c = clustering.polis_kmeans(pts, init)
    assert len(c.centres) == 2
    assert len(set(c.labels[:30])) == 1
    assert len(set(c.labels[30:])) == 1
    assert c.labels[0] != c.labels[30]


def test_polis_kmeans_drops_empty_clusters() -> None:
    pts = np.array([[0.0, 0.0], [0.1, 0.0]])
    init = np.array([[0.0, 0.0], [0.1, 0.0], [100.0, 100.0]])
    c = clustering.polis_kmeans(pts, init)
    assert len(c.centres) == 2
    assert c.sizes.tolist() == [1, 1]


def test_polis_kmeans_weights_pull_centre() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0]])
    c = clustering.polis_kmeans(pts, pts[:1], weights=np.array([3.0, 1.0]))
    assert c.centres[0] == pytest.approx([0.25, 0.0])


def test_silhouette_near_one_for_far_tight_clusters() -> None:
    pts = _blobs()
    labels = np.array([0] * 30 + [1] * 30)
    assert clustering.silhouette(pts, labels) > 0.9


def test_silhouette_singleton_member_scores_zero() -> None:
    pts = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 1.0]])
    # members of the pair: a = 1, b = 10 or ~10.05; the singleton scores 0
    s = clustering.silhouette(pts, np.array([0, 1, 1]))
    b1 = 10.0
    b2 = float(np.hypot(10, 1))
    assert s == pytest.approx(((b1 - 1) / b1 + (b2 - 1) / b2) / 3)


def test_max_groups_grows_with_base_clusters() -> None:
    assert clustering.max_groups(11) == 2
    assert clustering.max_groups(12) == 3
    assert clustering.max_groups(100) == 5


def test_k_smoother_adopts_new_k_after_four_wins_in_a_row() -> None:
    s = clustering.KSmoother().update(2)
    assert s.smoothed_k == 2
    for _ in range(3):
        s = s.update(3)
        assert s.smoothed_k == 2
    s = s.update(3)
    assert s.smoothed_k == 3


def test_k_smoother_resets_count_when_winner_changes() -> None:
    s = clustering.KSmoother().update(2)
    for k in (3, 3, 4, 3, 3, 3):
        s = s.update(k)
    assert s.smoothed_k == 2
    assert s.update(3).smoothed_k == 3


def test_group_clusters_weighted_base_centres_into_two_groups() -> None:
    pts = _blobs(40)
    base = clustering.base_clusters(pts, k=20)
    groups = clustering.group_clusters(base)
    assert groups.k == 2
    labels = groups.base_labels[base.labels]
    assert len(set(labels[:40])) == 1
    assert len(set(labels[40:])) == 1
    assert set(groups.silhouettes) == {2, 3}


def test_base_clusters_warm_start_keeps_previous_centres_when_data_unchanged() -> None:
    pts = _blobs(40, seed=2)
    first = clustering.base_clusters(pts, k=10)
    again = clustering.base_clusters(pts, k=10, previous_centres=first.centres)
    assert np.allclose(np.sort(first.centres, axis=0), np.sort(again.centres, axis=0))


def test_cold_start_groups_never_isolate_a_single_participant() -> None:
    # One far-out participant: "it against everyone" has the lowest inertia, but a group of one
    # is not an opinion group, so the best clustering whose groups all hold 2+ wins.
    rng = np.random.default_rng(3)
    points = np.concatenate(
        [
            rng.normal((0.0, 0.0), 0.3, size=(40, 2)),
            rng.normal((4.0, 0.0), 0.3, size=(8, 2)),
            [[18.0, 0.0]],
        ]
    )
    weights = np.ones(len(points))
    init = points[clustering.first_distinct(points, 2)]
    c = clustering._best_of_starts(points, weights, init, 2, seed=0)
    sizes = np.bincount(c.labels, minlength=2)
    assert sizes.min() >= clustering.MIN_GROUP_PARTICIPANTS
    # The far participant goes with the small group, not alone.
    assert c.labels[-1] == c.labels[45]


def test_cold_start_groups_fall_back_when_no_start_is_admissible() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [50.0, 0.0]])
    weights = np.array([1.0, 1.0, 1.0])
    init = points[clustering.first_distinct(points, 2)]
    c = clustering._best_of_starts(points, weights, init, 2, seed=0)
    assert len(c.centres) == 2
    assert np.bincount(c.labels).tolist() in ([2, 1], [1, 2])


def test_polis_exact_kmeans_tie_goes_to_the_later_centre() -> None:
    from listening.analysis.clustering import polis_kmeans

    points = np.array([[0.0, 0.0], [-1.0, 0.0], [1.0, 0.0]])
    fit = polis_kmeans(points, points[1:], max_iters=0, exact=True)
    assert fit.labels[0] == fit.labels[2]
    loose = polis_kmeans(points, points[1:], max_iters=0)
    assert loose.labels[0] == loose.labels[1]


def test_polis_exact_kmeans_ties_over_nine_clusters_follow_clojures_map_order() -> None:
    from listening.analysis.clojure_order import hash_map_rank
    from listening.analysis.clustering import polis_kmeans

    ring = [(5, 0), (-5, 0), (0, 5), (0, -5), (3, 4), (-3, 4), (3, -4), (-3, -4)]
    ring += [(4, 3), (-4, 3), (4, -3), (-4, -3)]
    centres = np.array(ring, dtype=np.float64)  # all exactly 5 from the origin
    points = np.vstack([centres, [[0.0, 0.0]]])
    fit = polis_kmeans(points, centres, max_iters=0, exact=True)
    rank = hash_map_rank(list(range(12)))
    assert rank is not None
    winner = int(np.argmax(rank))  # the last cluster Clojure's map walk reaches
    assert winner != 11
    assert np.allclose(fit.centres[fit.labels[-1]], centres[winner] / 2)
