from django.contrib import admin
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from listening.programmes.forms import SessionLocalTimesForm
from listening.programmes.models import (
    AgendaItem,
    ListeningSession,
    OutcomeDocument,
    Participation,
    Programme,
    Theme,
)


class ThemeInline(TranslationTabularInline[Theme, Programme]):
    model = Theme
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin[Programme]):
    list_display = ["name", "slug", "is_sample"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin[Theme]):
    list_display = ["name", "programme", "axis", "position"]
    list_filter = ["programme", "axis"]
    search_fields = ["name"]


class AgendaItemInline(TranslationTabularInline[AgendaItem, ListeningSession]):
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
class ListeningSessionAdmin(TranslationAdmin[ListeningSession]):
    form = SessionLocalTimesForm  # times typed and shown in the session's own zone
    list_display = ["title", "programme", "axis", "format", "status", "local_start"]
    list_filter = ["programme", "status", "axis", "format", "themes"]
    search_fields = ["title", "summary"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    inlines = [AgendaItemInline, ParticipationInline, OutcomeDocumentInline]

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, obj: ListeningSession) -> str:
        local = obj.starts_at.astimezone(obj.local_timezone)
        return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({obj.timezone})"
