from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from listening.synthesis.models import Commitment, KeyMessage, ProgressUpdate, Revision
from listening.synthesis.services import (
    SynthesisError,
    check_evidence,
    check_key_messages,
    key_message_publish,
    key_messages_merge,
    revision_record,
)


class KeyMessageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = KeyMessage
        fields = ["programme", "session", "theme", "axis", "title", "text", "voices",
                  "statements", "sources", "created_at"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme = data.get("programme")
        if programme is not None:
            check_evidence(
                programme, list(data.get("voices") or []), list(data.get("statements") or [])
            )
        return data


class CommitmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Commitment
        fields = ["programme", "axis", "title", "text", "status", "is_published",
                  "key_messages", "created_at"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme = data.get("programme")
        if programme is not None:
            check_key_messages(programme, list(data.get("key_messages") or []))
        return data


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
    actions = ["publish", "merge"]
    form = KeyMessageForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        revision_record(
            key_message=form.instance,
            action="changed in the admin" if change else "created in the admin",
            author=request.user,  # type: ignore[arg-type]
        )

    @admin.action(description=_("Publish the selected key messages (they need evidence)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[KeyMessage]) -> None:
        for km in queryset:
            try:
                key_message_publish(key_message=km, author=request.user, reason="admin")  # type: ignore[arg-type]
            except SynthesisError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("Merge the selected key messages into one (keeps lineage)"))
    def merge(self, request: HttpRequest, queryset: QuerySet[KeyMessage]) -> None:
        chosen = list(queryset.order_by("pk"))
        title = " / ".join(km.title for km in chosen)[:300]
        try:
            merged = key_messages_merge(
                key_messages=chosen,
                title=title,
                author=request.user,  # type: ignore[arg-type]
                reason=str(_("merged in the admin")),
            )
        except SynthesisError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request, _("Merged into “%(title)s”: edit its title.") % {"title": merged.title}
            )


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
    form = CommitmentForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        revision_record(
            commitment=form.instance,
            action="changed in the admin" if change else "created in the admin",
            author=request.user,  # type: ignore[arg-type]
        )
