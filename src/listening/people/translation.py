"""Content translated per language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from listening.people.models import Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("description",)
