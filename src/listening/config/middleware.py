"""Refuse, before any view runs, input that no view can handle (docs/security.md).

- A NUL character in the path names nothing (PostgreSQL cannot even compare it): 404.
- A Content-Length that is not a number: 400 (as gunicorn answers it).
- An API POST whose body is over ``API_MAX_BODY_BYTES``: 413, before the body is read.

API answers are JSON ``{"detail": ...}`` like every other API error; pages get Django's own
404 and 400 pages. Query strings are left to the views, whose forms refuse NUL characters
(tests/public/test_bad_input.py). Lone surrogates cannot reach the path or a form (Django
decodes both as UTF-8 with replacement); in JSON bodies the API's input schemas refuse them
(``listening.api.schemas``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_MAX_BODY_BYTES_DEFAULT = 64 * 1024
_LENGTH = re.compile(r"[0-9]{1,18}")


def api_max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", API_MAX_BODY_BYTES_DEFAULT))


def _content_length(request: HttpRequest) -> int | None:
    """The declared body length; None when the header is not a number of at most 18 digits
    (gunicorn refuses such requests itself; Django's own reading would raise ValueError, a 500)."""
    value = str(request.META.get("CONTENT_LENGTH") or "0").strip()
    return int(value) if _LENGTH.fullmatch(value) else None


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX)
        length = _content_length(request)
        if length is None:
            message = _("The Content-Length header is not a number.")
            if is_api:
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        if "\x00" in request.path_info:
            if is_api:
                return JsonResponse({"detail": _("There is nothing at this address.")}, status=404)
            raise Http404(_("There is nothing at this address."))
        if is_api and request.method not in SAFE_METHODS:
            limit = api_max_body_bytes()
            if length > limit:
                return JsonResponse(
                    {
                        "detail": _("The request body is over the limit of %(limit)d bytes.")
                        % {"limit": limit}
                    },
                    status=413,
                )
        response = self.get_response(request)
        if (
            is_api
            and response.status_code == 404
            and "json" not in response.get("Content-Type", "")
        ):
            # An address no API route matches (e.g. /api/voices/-1): JSON like every API answer.
            return JsonResponse({"detail": _("There is nothing at this address.")}, status=404)
        return response
