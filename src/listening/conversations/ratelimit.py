"""A fixed-window rate limiter on Django's cache (Redis when configured, so limits hold across
worker processes; the per-process memory cache otherwise, with a warning at start-up when
several workers serve, see config/security.py).

Kept rather than django-ratelimit: the limits are counted in services (per participant and per
address, the same count for the web form and the API), not per view, and django-ratelimit's
core is this same add-then-incr on the cache (docs/security.md)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(scope: str, ident: str, *, limit: int, window: int) -> int | None:
    """Count one event for ``ident`` in ``scope``; seconds to wait if over ``limit``, else None.

    A limit of 0 or less means no limit, and so does ``RATELIMIT_ENABLE=0``. If the cache
    cannot be reached (Redis down), the event is let through and the error logged: votes keep
    being taken rather than every request failing with a 500.
    """
    if not settings.RATELIMIT_ENABLE or limit <= 0 or not ident:
        return None
    try:
        return _count(scope, ident, limit=limit, window=window)
    except Exception:  # the cache's client errors (redis.ConnectionError, ...) share no base
        logger.exception("Rate limit %s not counted: the cache cannot be reached", scope)
        return None


def _count(scope: str, ident: str, *, limit: int, window: int) -> int | None:
    now = time.time()
    start = int(now // window) * window
    key = f"rl:{scope}:{ident}:{start}"
    # add() is atomic (SET NX on Redis): only the first caller in a window creates the counter,
    # and incr() is atomic (INCR), so every worker sharing the cache counts the same events.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count == 1:
        # Redis's INCR recreates a key that expired between the backend's existence check and
        # the increment, without an expiry: give the window's first counter its timeout again.
        cache.touch(key, timeout=window + 1)
    if count > limit:
        return max(1, int(start + window - now + 0.999))
    return None
