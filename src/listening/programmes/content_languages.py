"""Translated content: which language columns a row has, and which its programme allows.

The per-language columns come from django-modeltranslation (each app's `translation.py`);
this module only reads its registry, so models can check their translations in `clean()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def translated_fields(model: type[models.Model]) -> dict[str, list[tuple[str, str]]]:
    """{field: [(column, language), ...]} for a model registered for translation, else {}."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        name: sorted((column.name, column.language) for column in columns)
        for name, columns in options.all_fields.items()
    }


def language_name(code: str) -> str:
    """`code`'s name in the active language, cased for the middle of a sentence (CLDR via
    Babel: "Spanish", "espagnol", "español")."""
    try:
        reader = Locale.parse((get_language() or settings.LANGUAGE_CODE).replace("-", "_"))
        return str(reader.languages.get(code) or code)
    except (UnknownLocaleError, ValueError):
        return code


def unused_language_errors(
    instance: models.Model, languages: Iterable[str] | None
) -> dict[str, ValidationError]:
    """A message for each filled translation column in a language the programme does not use.

    `languages` is the programme's list; None (no programme yet) checks nothing.
    """
    if languages is None:
        return {}
    allowed = set(languages)
    errors: dict[str, ValidationError] = {}
    for columns in translated_fields(type(instance)).values():
        for column, language in columns:
            value = getattr(instance, column, None)
            if language in allowed or not (value or "").strip():
                continue
            errors[column] = ValidationError(
                _(
                    "The programme does not use %(language)s: remove this text or add the "
                    "language to the programme's languages."
                ),
                code="unused_language",
                params={"language": language_name(language)},
            )
    return errors


def check_translations(instance: models.Model, programme: models.Model | None) -> None:
    """Raise (by field) if `instance` has text in a language its programme does not use."""
    languages = getattr(programme, "languages", None)
    if not isinstance(languages, list):
        return
    errors = unused_language_errors(instance, languages)
    if errors:
        raise ValidationError(errors)


def reader_translation(obj: object) -> str:
    """A voice's or statement's translation into the active language; "" when the reader
    reads its original language or nobody has translated it (the original always shows)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if getattr(obj, "language", language) == language:
        return ""
    return str(getattr(obj, f"translation_{language}", "") or "")
