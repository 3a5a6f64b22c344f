from django.contrib import admin

from listening.programmes.forms import ListeningSessionForm
from listening.programmes.models import (
    AgendaItem,
    ListeningSession,
    OutcomeDocument,
    Participation,
    Programme,
    Theme,
)


class ThemeInline(admin.TabularInline[Theme, Programme]):
    model = Theme
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["name", "slug", "is_sample"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "programme", "axis", "position"]
    list_filter = ["programme", "axis"]
    search_fields = ["name"]


class AgendaItemInline(admin.TabularInline[AgendaItem, ListeningSession]):
    model = AgendaItem
    extra = 0


class OutcomeDocumentInline(admin.TabularInline[OutcomeDocument, ListeningSession]):
    model = OutcomeDocument
    extra = 0


class ParticipationInline(admin.TabularInline[Participation, ListeningSession]):
    model = Participation
    extra = 0
    autocomplete_fields = ["person", "organisation"]


@admin.register(ListeningSession)
class ListeningSessionAdmin(admin.ModelAdmin[ListeningSession]):
    list_display = ["title", "programme", "axis", "format", "status", "starts_at"]
    list_filter = ["programme", "status", "axis", "format", "themes"]
    search_fields = ["title", "summary"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    inlines = [AgendaItemInline, ParticipationInline, OutcomeDocumentInline]
    form = ListeningSessionForm
    autocomplete_fields = ["venue_city"]
