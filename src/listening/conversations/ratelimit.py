"""A fixed-window rate limiter on Django's cache (Redis when configured, so limits hold across
worker processes; the per-process memory cache otherwise)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def hit(scope: str, ident: str, *, limit: int, window: int) -> int | None:
    """Count one event for ``ident`` in ``scope``; seconds to wait if over ``limit``, else None.

    A limit of 0 or less means no limit, and so does ``RATELIMIT_ENABLE=0``.
    """
    if not settings.RATELIMIT_ENABLE or limit <= 0 or not ident:
        return None
    now = time.time()
    start = int(now // window) * window
    key = f"rl:{scope}:{ident}:{start}"
    # add() is atomic: only the first caller in a window creates the counter.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int(start + window - now + 0.999))
    return None
