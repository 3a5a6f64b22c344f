from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from listening.synthesis.models import Commitment, KeyMessage, ProgressUpdate, Revision
from listening.synthesis.services import SynthesisError, key_message_publish


class RevisionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Revision
    extra = 0
    can_delete = False
    fields = ("version", "action", "author", "changed_at", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeyMessage)
class KeyMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "programme", "axis", "status")
    list_filter = ("programme", "axis", "status")
    search_fields = ("title", "text")
    raw_id_fields = ("voices", "statements", "sources")
    readonly_fields = ("status", "published_at")
    inlines = [RevisionInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected key messages (they need evidence)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[KeyMessage]) -> None:
        for km in queryset:
            try:
                key_message_publish(key_message=km, author=request.user, reason="admin")  # type: ignore[arg-type]
            except SynthesisError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


class ProgressUpdateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgressUpdate
    extra = 0
    fields = ("date", "status", "text", "author")
    readonly_fields = ("author",)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "programme", "axis", "status", "is_published")
    list_filter = ("programme", "axis", "status", "is_published")
    search_fields = ("title", "text")
    filter_horizontal = ("key_messages",)
    inlines = [ProgressUpdateInline, RevisionInline]
