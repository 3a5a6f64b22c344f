"""Content translated per language (django-modeltranslation).

A statement's own words stay in `text` (what everyone votes on, what Polis exports carry);
`translation` holds its other languages, with no fallback: a reader without one sees the
original only.
"""

from modeltranslation.translator import TranslationOptions, register

from listening.conversations.models import Conversation, Statement


@register(Conversation)
class ConversationTranslation(TranslationOptions):
    fields = ("topic", "description")


@register(Statement)
class StatementTranslation(TranslationOptions):
    fields = ("translation",)
    fallback_languages = {"default": ()}
