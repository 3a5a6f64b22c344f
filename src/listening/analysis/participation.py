"""Who is *in the conversation*: Polis's rule from conversation.clj (``:in-conv``).

A participant is in once they have voted on at least ``min(7, n_statements)`` statements.
While fewer than 15 are in, the most active voters are added until there are 15. Once in,
always in: the set from the previous run is kept.

One difference from Polis: a participant who has cast no vote at all is never added by the
top-up (Polis could add them in a conversation with fewer than 15 voters), so that an
abstaining participant changes nothing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MIN_VOTES = 7
GREEDY_N = 15


def in_conversation(
    vote_counts: npt.NDArray[np.int64],
    n_statements: int,
    *,
    previously_in: npt.NDArray[np.bool_] | None = None,
    rank: npt.NDArray[np.int64] | None = None,
    min_votes: int = MIN_VOTES,
    greedy_n: int = GREEDY_N,
) -> npt.NDArray[np.bool_]:
    """Boolean mask over participants.

    ``rank`` gives each participant's position in the canonical order, used to break ties
    in the top-up (earlier first); by default the row order.
    """
    counts = np.asarray(vote_counts, dtype=np.int64)
    n = len(counts)
    mask = counts >= min(min_votes, n_statements)
    mask &= counts > 0
    if previously_in is not None:
        mask |= previously_in
    missing = greedy_n - int(mask.sum())
    if missing > 0:
        position = np.arange(n) if rank is None else np.asarray(rank, dtype=np.int64)
        candidates = np.flatnonzero(~mask & (counts > 0))
        chosen = candidates[np.lexsort((position[candidates], -counts[candidates]))][:missing]
        mask[chosen] = True
    return mask
