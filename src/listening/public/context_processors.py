"""What every public page's frame needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from listening.programmes.selectors import programme_sample_exists


def sample_data(request: HttpRequest) -> dict[str, Any]:
    """``site_has_sample_data``: the footer says so on every page (one query, only if asked)."""
    return {"site_has_sample_data": SimpleLazyObject(programme_sample_exists)}
