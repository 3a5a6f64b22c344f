"""The order in which Clojure walks a hash map with integer keys.

Polis's math runs on Clojure, and two of its steps walk a map whose iteration order decides
ties: who is topped up into the conversation among participants with the same number of
votes (``user-vote-counts``, a map of participant id to count), and which of several
equidistant cluster centres a point joins (the map of cluster id to cluster). A map of up to
8 entries is an array map (insertion order); a larger one is a hash array mapped trie, walked
by the key's 32-bit hash five bits at a time from the lowest (Clojure's ``Murmur3.hashLong``
for integers). ``CLOJURE_QUIRKS.md`` (Q17) in Polis's Python port records the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

ARRAY_MAP_MAX = 8
_MASK = np.uint64(0xFFFFFFFF)


def _rotl(x: U64, r: int) -> U64:
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & _MASK


def _mix_k1(k: U64) -> U64:
    k = (k * np.uint64(0xCC9E2D51)) & _MASK
    k = _rotl(k, 15)
    return (k * np.uint64(0x1B873593)) & _MASK


def _mix_h1(h: U64, k: U64) -> U64:
    h = h ^ k
    h = _rotl(h, 13)
    return (h * np.uint64(5) + np.uint64(0xE6546B64)) & _MASK


def _fmix(h: U64, length: int) -> U64:
    h = h ^ np.uint64(length)
    h = h ^ (h >> np.uint64(16))
    h = (h * np.uint64(0x85EBCA6B)) & _MASK
    h = h ^ (h >> np.uint64(13))
    h = (h * np.uint64(0xC2B2AE35)) & _MASK
    return h ^ (h >> np.uint64(16))


def hash_long(values: npt.NDArray[np.int64]) -> U64:
    """Clojure's ``hash`` of integers (``Murmur3.hashLong``), as unsigned 32-bit values."""
    x = np.asarray(values, dtype=np.int64).view(np.uint64)
    low = x & _MASK
    high = x >> np.uint64(32)
    h = _mix_h1(np.zeros_like(low), _mix_k1(low))
    h = _mix_h1(h, _mix_k1(high))
    out = _fmix(h, 8)
    out[x == 0] = 0
    return out


def hash_map_rank(ids: Sequence[Any]) -> IntArray | None:
    """Each id's position when Clojure walks a map holding exactly these keys (inserted in
    the given order); None if the ids are not all integers."""
    n = len(ids)
    if n <= ARRAY_MAP_MAX:
        return np.arange(n, dtype=np.int64)
    if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in ids):
        return None
    try:
        h = hash_long(np.asarray(ids, dtype=np.int64))
    except OverflowError:
        return None
    # The trie is keyed on 5-bit chunks of the hash, the lowest first.
    chunks = [(h >> np.uint64(5 * level)) & np.uint64(31) for level in range(7)]
    order = np.lexsort(tuple(reversed(chunks)))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank
