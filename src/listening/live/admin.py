from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from listening.live.models import LiveRoom, Poll, Question


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
