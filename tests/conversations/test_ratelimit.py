import pytest
from django.core.cache import cache

from listening.conversations import ratelimit


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_hit_under_the_limit_passes_then_waits():
    assert ratelimit.hit("vote", "p1", limit=2, window=60) is None
    assert ratelimit.hit("vote", "p1", limit=2, window=60) is None
    wait = ratelimit.hit("vote", "p1", limit=2, window=60)
    assert wait is not None
    assert 1 <= wait <= 60


def test_hit_scopes_and_identities_are_separate():
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None
    assert ratelimit.hit("vote", "p2", limit=1, window=60) is None
    assert ratelimit.hit("statement", "p1", limit=1, window=60) is None


def test_hit_disabled_or_unlimited_never_waits(settings):
    assert all(ratelimit.hit("vote", "p1", limit=0, window=60) is None for _ in range(5))
    assert all(ratelimit.hit("vote", "", limit=1, window=60) is None for _ in range(5))
    settings.RATELIMIT_ENABLE = False
    assert all(ratelimit.hit("vote", "p1", limit=1, window=60) is None for _ in range(5))


def test_hit_new_window_starts_over(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None
    assert ratelimit.hit("vote", "p1", limit=1, window=60) == 20
    now[0] += 60
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None
