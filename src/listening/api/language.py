"""The API answers in the reader's language: `?lang=fr`, else the Accept-Language header.

The site's pages take their language from the URL (/fr/...); the API has no prefix, and
Django's LocaleMiddleware gives unprefixed paths the default language. Translated content
(modeltranslation fields) then reads in the language activated here, with its fallbacks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


def _requested(request: HttpRequest) -> str | None:
    codes = {code for code, _name in settings.LANGUAGES}
    asked = str(request.GET.get("lang", "")).strip().lower()
    if asked in codes:
        return asked
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for language, _quality in parse_accept_lang_header(header):
        code = str(language).split("-")[0]
        if code in codes:
            return code
    return None


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = _requested(request) or settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response
