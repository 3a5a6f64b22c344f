import csv

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from listening.live.models import LiveRoom, Poll, Question, Registration, RegistrationDesk
from listening.live.services import registrations_set_attended


class PollInline(admin.TabularInline[Poll, LiveRoom]):
    model = Poll
    extra = 0
    fields = ["text", "kind", "choices", "status"]
    readonly_fields = ["status"]


@admin.register(LiveRoom)
class LiveRoomAdmin(admin.ModelAdmin[LiveRoom]):
    list_display = ["code", "session", "premoderate", "is_open", "opened_at", "moderation_link"]
    list_filter = ["is_open", "premoderate"]
    search_fields = ["code", "session__title"]
    autocomplete_fields = ["session"]
    readonly_fields = ["code", "opened_by", "opened_at", "closed_at", "current_question"]
    fields = [
        "session",
        "code",
        "premoderate",
        "is_open",
        "current_question",
        "opened_by",
        "opened_at",
        "closed_at",
    ]
    inlines = [PollInline]

    @admin.display(description=_("moderation"))
    def moderation_link(self, room: LiveRoom) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("live:moderate", args=[room.code]), _("Moderate")
        )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            from listening.live.services import room_open

            created = room_open(
                session=obj.session, premoderate=obj.premoderate, actor=request.user
            )
            obj.pk, obj.code, obj.opened_at = created.pk, created.code, created.opened_at
            obj._state.adding = False
            return
        super().save_model(request, obj, form, change)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["text", "room", "status", "upvote_count", "is_answered", "created_at"]
    list_filter = ["status", "is_answered"]
    search_fields = ["text", "room__code"]
    readonly_fields = ["room", "author", "upvote_count", "merged_into", "created_at"]


@admin.register(RegistrationDesk)
class RegistrationDeskAdmin(admin.ModelAdmin[RegistrationDesk]):
    list_display = ["session", "is_open", "capacity"]
    autocomplete_fields = ["session"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ["name", "email", "session", "status", "city", "kind", "attended", "created_at"]
    list_filter = ["status", "attended", "session"]
    search_fields = ["name", "email", "session__title"]
    readonly_fields = ["cancel_token_hash", "created_at"]
    actions = ["mark_attended", "mark_absent", "export_csv"]

    @admin.action(description=_("Mark as attended"))
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        count = registrations_set_attended(registrations=queryset, attended=True)
        self.message_user(request, _("%(count)d marked as attended.") % {"count": count})

    @admin.action(description=_("Mark as absent"))
    def mark_absent(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        registrations_set_attended(registrations=queryset, attended=False)

    @admin.action(description=_("Download as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Registration]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "session",
                "name",
                "email",
                "city",
                "kind",
                "status",
                "attended",
                "consent_listed",
                "consent_contact",
                "registered",
            ]
        )
        for r in queryset.select_related("session", "city"):
            writer.writerow(
                [
                    r.session.slug,
                    r.name,
                    r.email,
                    r.city.name if r.city else "",
                    r.kind,
                    r.status,
                    r.attended,
                    r.consent_listed,
                    r.consent_contact,
                    r.created_at.isoformat(),
                ]
            )
        return response
