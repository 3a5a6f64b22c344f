"""Organisers create and configure conversations here; moderation has its own pages."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from modeltranslation.admin import TranslationAdmin

from listening.conversations.models import (
    Conversation,
    InvitationCode,
    ModerationLog,
    Statement,
)


class InvitationCodeInline(admin.TabularInline[InvitationCode, Conversation]):
    model = InvitationCode
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(TranslationAdmin[Conversation]):
    list_display = ["topic", "slug", "programme", "session", "moderation", "is_closed", "links"]
    list_filter = ["moderation", "is_closed", "programme"]
    search_fields = ["topic", "slug", "description"]
    prepopulated_fields = {"slug": ["topic"]}
    autocomplete_fields = ["session"]
    inlines = [InvitationCodeInline]

    @admin.display(description="pages")
    def links(self, obj: Conversation) -> str:
        return format_html(
            '<a href="{}">public</a> · <a href="{}">moderate</a> · <a href="{}">results</a>',
            reverse("conversations:detail", args=[obj.slug]),
            reverse("conversations:moderate", args=[obj.slug]),
            reverse("conversations:results", args=[obj.slug]),
        )


@admin.register(Statement)
class StatementAdmin(TranslationAdmin[Statement]):
    """Read and search statements; approving and rejecting go through the moderation queue,
    so that every decision is in the audit log."""

    list_display = ["__str__", "conversation", "status", "is_seed", "votes_seen", "created_at"]
    list_filter = ["status", "is_seed", "conversation"]
    search_fields = ["text"]
    readonly_fields = ["conversation", "author", "status", "is_seed", "external_id", "created_at"]
    fields = ["conversation", "text", "status", "is_seed", "author", "external_id", "created_at"]
    fields += ["language", "translation"]  # the original's language; others side by side

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return (
            super()
            .get_queryset(request)
            .select_related("conversation")
            .annotate(vote_total=Count("votes"))
        )

    @admin.display(description="votes", ordering="vote_total")
    def votes_seen(self, obj: Statement) -> int:
        return int(getattr(obj, "vote_total", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin[ModerationLog]):
    list_display = ["at", "conversation", "actor", "action", "statement", "note"]
    list_filter = ["action", "conversation"]
    list_select_related = ["conversation", "actor", "statement"]
    search_fields = ["note", "statement__text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModerationLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ModerationLog | None = None) -> bool:
        return False
