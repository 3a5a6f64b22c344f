from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from listening.dataio.admin import SpreadsheetMixin
from listening.dataio.export import Audience
from listening.dataio.opendata import opendata_zip
from listening.dataio.services import PublishBusyError, opendata_publish, opendata_schedule
from listening.programmes.forms import ListeningSessionForm, ProgrammeForm
from listening.programmes.models import (
    AgendaItem,
    ListeningSession,
    OutcomeDocument,
    Participation,
    Programme,
    Theme,
)
from listening.programmes.resources import ListeningSessionResource


class ThemeInline(TranslationTabularInline[Theme, Programme]):
    model = Theme
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin[Programme]):
    form = ProgrammeForm  # languages as checkboxes
    list_display = ["name", "slug", "is_sample"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]
    readonly_fields = ["data"]
    actions = ["publish_open_data"]

    @admin.action(description=_("Publish open data now"), permissions=["change"])
    def publish_open_data(self, request: HttpRequest, queryset: QuerySet[Programme]) -> None:
        """Build the public files of /open-data/ again: in the background when a worker thread
        or Celery builds them (OPENDATA_JOBS), otherwise here and now."""
        background = settings.OPENDATA_JOBS in {"thread", "celery"}
        for programme in queryset:
            if background:
                opendata_schedule(programme=programme, now=True)
                self.message_user(
                    request,
                    gettext(
                        "The open data of “%(name)s” is being built; /open-data/ will serve "
                        "it in a few minutes."
                    )
                    % {"name": programme.name},
                )
                continue
            try:
                build = opendata_publish(programme=programme)
            except PublishBusyError:
                self.message_user(
                    request,
                    gettext("The open data of “%(name)s” is being built already.")
                    % {"name": programme.name},
                    messages.WARNING,
                )
                continue
            if build is None:
                self.message_user(
                    request,
                    gettext("“%(name)s” has no session yet, so it has no open data to publish.")
                    % {"name": programme.name},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    ngettext(
                        "The open data of “%(name)s” is published: %(count)d file.",
                        "The open data of “%(name)s” is published: %(count)d files.",
                        len(build.files),
                    )
                    % {"name": programme.name, "count": len(build.files)},
                )

    @admin.display(description=_("data"))
    def data(self, obj: Programme) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:programmes_programme_data", args=[obj.pk])
        return format_html(
            '<a href="{}?audience=organisers">{}</a> · <a href="{}?audience=public">{}</a>',
            url,
            gettext("Everything, for organisers (zip)"),
            url,
            gettext("The public export (zip)"),
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/data.zip",
                self.admin_site.admin_view(self.download_data),
                name="programmes_programme_data",
            )
        ]
        return own + super().get_urls()

    def download_data(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The programme's data in one zip: every file `listening export-data` writes
        (docs/data-formats.md describes them; docs/data.md says what each audience gets)."""
        programme = get_object_or_404(Programme, pk=pk)
        if not self.has_view_permission(request, programme):
            return HttpResponse(status=403)
        audience: Audience = "public" if request.GET.get("audience") == "public" else "organisers"
        response = HttpResponse(
            opendata_zip(programme, audience=audience), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="{programme.slug}-{audience}.zip"'
        return response


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
class ListeningSessionAdmin(SpreadsheetMixin, TranslationAdmin[ListeningSession]):
    form = ListeningSessionForm  # times in the session's own zone, languages as checkboxes
    resource_classes = [ListeningSessionResource]
    list_display = ["title", "programme", "axis", "format", "status", "local_start"]
    list_filter = ["programme", "status", "axis", "format", "themes"]
    search_fields = ["title", "summary"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    inlines = [AgendaItemInline, ParticipationInline, OutcomeDocumentInline]
    autocomplete_fields = ["venue_city"]

    @admin.display(description=_("starts (local time)"), ordering="starts_at")
    def local_start(self, obj: ListeningSession) -> str:
        local = obj.starts_at.astimezone(obj.local_timezone)
        return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({obj.timezone})"
