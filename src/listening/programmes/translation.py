"""Content translated per language (django-modeltranslation): title_en, title_fr, title_es ..."""

from modeltranslation.translator import TranslationOptions, register

from listening.programmes.models import AgendaItem, ListeningSession, Programme, Theme


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description", "axis_people", "axis_planet", "axis_government")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ListeningSession)
class ListeningSessionTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")
