"""Refuse to serve with an unsafe configuration; warn loudly about a weak one."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"

logger = logging.getLogger("listening.security")

# Cache backends whose counters every process sees and increments atomically.
SHARED_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)
SERVERS = ("gunicorn", "uvicorn")


def ensure_safe_to_serve() -> None:
    """Called by every entry point that serves requests (WSGI, ASGI, runserver)."""
    if not settings.DEBUG and settings.SECRET_KEY == DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development default while DEBUG is off: set SECRET_KEY to a long "
            "random value (or DEBUG=1 on your own machine)."
        )
    warning = limits_warning(server_workers(sys.argv, os.environ))
    if warning:
        logger.warning(warning)


def _count(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def server_workers(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """How many worker processes gunicorn or uvicorn was told to start (1 if neither runs us).

    Read from the command line (``-w 4``, ``--workers=4``), ``GUNICORN_CMD_ARGS`` and
    ``WEB_CONCURRENCY``, the places both servers take it from; workers set in a gunicorn
    configuration file are not seen, so docs/operations.md says to set ``REDIS_URL`` whenever
    more than one process serves.
    """
    # `python -m gunicorn` leaves .../gunicorn/__main__.py in argv[0].
    program = os.path.normpath(argv[0]).split(os.sep)[-2:] if argv else []
    if not any(part.startswith(SERVERS) for part in program):
        return 1
    args = list(argv[1:]) + environ.get("GUNICORN_CMD_ARGS", "").split()
    workers = _count(environ.get("WEB_CONCURRENCY", "")) or 1
    for i, arg in enumerate(args):
        following = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-w", "--workers"):
            workers = _count(following) or workers
        elif arg.startswith("--workers="):
            workers = _count(arg.partition("=")[2]) or workers
        elif arg.startswith("-w") and arg[2:].isdigit():
            workers = _count(arg[2:])
    return workers


def limits_warning(workers: int) -> str:
    """The warning to print when rate limits cannot hold across ``workers`` processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if workers <= 1 or backend in SHARED_CACHES or not settings.RATELIMIT_ENABLE:
        return ""
    line = "!" * 78
    return (
        f"\n{line}\n"
        f"RATE LIMITS DO NOT HOLD: {workers} worker processes share no cache ({backend}).\n"
        f"Each worker counts on its own, so a client gets up to {workers} times every limit.\n"
        "Set REDIS_URL=redis://host:6379/0 (or run one worker); see docs/operations.md.\n"
        f"{line}"
    )


def frame_ancestors_allow(response: HttpResponseBase, origins: Sequence[str]) -> HttpResponseBase:
    """Let the listed origins (and only them) show ``response`` in a frame.

    Every other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``. The
    embed's pages (docs/embedding.md) replace the first with the organiser's origins and drop
    the second (X-Frame-Options cannot name sites; browsers that know CSP ignore it when
    ``frame-ancestors`` is set, older ones would refuse every frame). ``["*"]`` is for the
    embed's message pages only (unknown conversation, embedding turned off), which hold text
    and no form. No origin at all: framing stays refused.
    """
    response._csp_replace = {"frame-ancestors": list(origins) or ["'none'"]}  # type: ignore[attr-defined]
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response
