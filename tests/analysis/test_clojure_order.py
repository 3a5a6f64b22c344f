from __future__ import annotations

import numpy as np

from listening.analysis.clojure_order import hash_long, hash_map_rank


def test_hash_map_rank_walks_nine_integers_in_clojures_order() -> None:
    # (keys (into {} (map vector (range 9) (range 9)))) in Clojure: (0 7 1 4 6 3 2 5 8)
    rank = hash_map_rank(list(range(9)))
    assert rank is not None
    assert np.argsort(rank).tolist() == [0, 7, 1, 4, 6, 3, 2, 5, 8]


def test_hash_map_rank_small_maps_keep_insertion_order() -> None:
    rank = hash_map_rank([5, 3, 9, 1])
    assert rank is not None
    assert rank.tolist() == [0, 1, 2, 3]


def test_hash_map_rank_gives_up_on_non_integer_ids() -> None:
    assert hash_map_rank([f"p{i}" for i in range(12)]) is None


def test_hash_long_of_zero_is_zero_and_values_are_32_bit() -> None:
    h = hash_long(np.array([0, 1, -1, 2**40], dtype=np.int64))
    assert h[0] == 0
    assert all(int(v) < 2**32 for v in h)
    assert len(set(h.tolist())) == 4
