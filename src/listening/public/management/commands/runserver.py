from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver

from listening.config.security import ensure_safe_to_serve


class Command(StaticRunserver):
    """Django's runserver, refusing the default secret key when DEBUG is off.

    Static files are served by WhiteNoise (as in production), not by runserver.
    """

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_safe_to_serve()
        options["use_static_handler"] = False
        super().handle(*args, **options)
