from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format

from listening.places.selectors import country_name
from listening.programmes import content_languages
from listening.public.navigation import real_link as _real_link
from listening.voices.models import Voice
from listening.voices.selectors import speaker_display

register = template.Library()


@register.filter
def number(value: Any) -> str:
    """A number with the active language's grouping (1,234 · 1 234 · 1.234)."""
    if value in (None, ""):
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def reader_translation(obj: Any) -> str:
    return content_languages.reader_translation(obj)


@register.filter
def original_language(obj: Any) -> str:
    """The name, in the reader's language, of the language a voice or statement is in."""
    return content_languages.language_name(str(getattr(obj, "language", "") or ""))


@register.filter
def speaker(voice: Voice) -> str:
    return speaker_display(voice)


@register.filter
def country(code: str) -> str:
    return country_name(code) if code else ""


@register.filter
def real_link(url: str) -> str:
    """The link, or "" when it points at a placeholder domain such as example.org."""
    return _real_link(url or "")


@register.simple_tag(takes_context=True)
def url_in_language(context: template.Context, language: str) -> str:
    """The current page in another language (the path only: same host)."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def url_in_default_language(context: template.Context) -> str:
    """The current page without a language prefix, for the language switcher's `next`.

    Django's set_language runs with the default language active (its URL has no prefix), so it
    can translate an unprefixed path but not a /fr/ or /es/ one.
    """
    return url_in_language(context, settings.LANGUAGE_CODE)
