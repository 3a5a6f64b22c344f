"""Refuse to serve with an unsafe configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"


def ensure_safe_to_serve() -> None:
    """Called by every entry point that serves requests (WSGI, ASGI, runserver)."""
    if not settings.DEBUG and settings.SECRET_KEY == DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development default while DEBUG is off: set SECRET_KEY to a long "
            "random value (or DEBUG=1 on your own machine)."
        )
