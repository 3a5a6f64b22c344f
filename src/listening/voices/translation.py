"""Content translated per language (django-modeltranslation).

A voice's words stay in `text`, in its original `language`; `translation` holds other
languages, with no fallback: a reader without one sees the original only.
"""

from modeltranslation.translator import TranslationOptions, register

from listening.voices.models import Voice


@register(Voice)
class VoiceTranslation(TranslationOptions):
    fields = ("translation",)
    fallback_languages = {"default": ()}
