from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from listening.dataio.admin import SpreadsheetMixin
from listening.people.models import Organisation, Person
from listening.people.resources import OrganisationResource, PersonResource


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetMixin, TranslationAdmin[Organisation]):
    resource_classes = [OrganisationResource]
    list_display = ["name", "kind", "country", "is_sample"]
    list_filter = ["kind", "country", "is_sample"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(SpreadsheetMixin, admin.ModelAdmin[Person]):
    resource_classes = [PersonResource]
    list_display = ["name", "kind", "organisation", "city", "consent_listed", "consent_quoted"]
    list_filter = ["kind", "consent_listed", "consent_quoted", "is_sample", "city__region"]
    search_fields = ["name", "title", "organisation__name"]
    list_select_related = ["organisation", "city"]
    autocomplete_fields = ["organisation", "city"]
    prepopulated_fields = {"slug": ["name"]}
