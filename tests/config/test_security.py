import logging

import pytest

from listening.config.security import ensure_safe_to_serve, limits_warning, server_workers

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["/srv/.venv/bin/gunicorn", "listening.config.wsgi", "-w", "4"], {}, 4),
        (["/srv/.venv/bin/gunicorn", "-w4", "listening.config.wsgi"], {}, 4),
        (["/srv/.venv/bin/gunicorn", "--workers=3", "listening.config.wsgi"], {}, 3),
        (["/srv/.venv/bin/gunicorn", "listening.config.wsgi"], {"WEB_CONCURRENCY": "5"}, 5),
        (["/srv/.venv/bin/gunicorn", "x"], {"GUNICORN_CMD_ARGS": "--workers 2"}, 2),
        (["/usr/lib/python3/site-packages/gunicorn/__main__.py", "-w", "2", "x"], {}, 2),
        (["uvicorn", "listening.config.asgi:application", "--workers", "8"], {}, 8),
        (["/srv/.venv/bin/gunicorn", "listening.config.wsgi"], {}, 1),
        (["/srv/.venv/bin/listening", "runserver", "--workers", "4"], {}, 1),
        ([], {"WEB_CONCURRENCY": "4"}, 1),
    ],
)
def test_server_workers_read_from_command_line_and_environment(argv, environ, expected):
    assert server_workers(argv, environ) == expected


def test_limits_warning_several_workers_on_local_memory_is_loud(settings):
    settings.CACHES = LOCMEM
    warning = limits_warning(4)
    assert "RATE LIMITS DO NOT HOLD" in warning
    assert "REDIS_URL" in warning


def test_limits_warning_one_worker_or_redis_is_silent(settings):
    settings.CACHES = LOCMEM
    assert limits_warning(1) == ""
    settings.CACHES = REDIS
    assert limits_warning(4) == ""


def test_ensure_safe_to_serve_under_four_gunicorn_workers_logs_the_warning(
    settings, monkeypatch, caplog
):
    settings.CACHES = LOCMEM
    monkeypatch.setattr("sys.argv", ["/srv/.venv/bin/gunicorn", "-w", "4", "x"])
    with caplog.at_level(logging.WARNING, logger="listening.security"):
        ensure_safe_to_serve()
    assert any("RATE LIMITS DO NOT HOLD" in r.getMessage() for r in caplog.records)
