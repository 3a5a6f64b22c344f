"""Rate limits on a real Redis, counted by several processes at once (as gunicorn workers do).

Run by .ci/run with REDIS_URL set; skipped otherwise. No cache.clear(): the Redis database may
be shared, so each test counts under its own scope.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from listening.conversations import ratelimit

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="set REDIS_URL to a real Redis"),
]

# Each process hits the limiter `hits` times and prints how many hits passed.
WORKER = """
import sys
import django
django.setup()
from listening.conversations import ratelimit
scope, hits, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print(sum(ratelimit.hit(scope, "ip198.51.100.7", limit=limit, window=3600) is None
          for _ in range(hits)))
"""


def _workers(count: int, scope: str, hits: int, limit: int) -> list[int]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "listening.config.test_settings"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, scope, str(hits), str(limit)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    passed = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        passed.append(int(out))
    return passed


def test_redis_is_the_cache_the_limits_use():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_limit_is_shared_between_processes():
    scope = f"test-{uuid.uuid4().hex}"
    # This process spends 30 of 50; a second process with its own client gets the other 20.
    assert all(
        ratelimit.hit(scope, "ip198.51.100.7", limit=50, window=3600) is None for _ in range(30)
    )
    assert _workers(1, scope, 30, 50) == [20]
    assert ratelimit.hit(scope, "ip198.51.100.7", limit=50, window=3600) is not None


def test_limit_holds_exactly_under_concurrent_processes():
    scope = f"test-{uuid.uuid4().hex}"
    passed = _workers(4, scope, 60, 100)
    assert sum(passed) == 100, passed
