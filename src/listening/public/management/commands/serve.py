"""`listening serve`: the server `make run` starts — uvicorn, HTTP and WebSockets from one
ASGI application (the live rooms need both).

One process by default: the in-memory channel layer, rate limits and job debounce live in
it. With ``--workers N`` (N > 1), set ``REDIS_URL`` so that every worker shares them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.config.security import ensure_safe_to_serve

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve the platform (HTTP and WebSockets) with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        ensure_safe_to_serve()
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several workers need REDIS_URL: without it each worker keeps its own live "
                "rooms' events and rate limits. Set REDIS_URL or use --workers 1."
            )
        self.stdout.write(
            f"Listening on http://{options['host']}:{options['port']}/ "
            f"({workers} worker{'s' if workers > 1 else ''}); Ctrl+C stops."
        )
        uvicorn.run(
            "listening.config.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=workers,
            lifespan="off",
            log_level="warning",
            # The TLS proxy in front sets X-Forwarded-*; uvicorn must not trust it by itself.
            proxy_headers=False,
        )
