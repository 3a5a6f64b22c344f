"""Organisers create and configure conversations here; moderation has its own pages."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from listening.analysis import write_polis_export
from listening.conversations import selectors
from listening.conversations.models import (
    Conversation,
    InvitationCode,
    ModerationLog,
    Statement,
    StatementStatus,
    statement_key,
    statement_normalise,
)
from listening.conversations.services import StatementRejected, statement_seed
from listening.programmes.forms import LanguagesField


class ConversationForm(forms.ModelForm[Conversation]):
    """The conversation with its first statements: one seed statement a line."""

    languages = LanguagesField()
    seed_statements = forms.CharField(
        label=_("seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One statement a line. They are approved at once and are what the first visitors "
            "vote on; a conversation cannot open without any."
        ),
    )

    class Meta:
        model = Conversation
        # The admin passes its own field list; every model field is editable there.
        fields = "__all__"  # noqa: DJ007

    def clean_seed_statements(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["seed_statements"].splitlines()]
        texts: list[str] = []
        seen: dict[str, int] = {}
        if self.instance.pk:
            keys = Statement.objects.filter(conversation=self.instance).values_list(
                "text_key", flat=True
            )
            seen = dict.fromkeys(keys, 0)
        limit = getattr(settings, "STATEMENT_MAX_LENGTH", 400)
        errors = []
        for number, text in enumerate(lines, start=1):
            if not text:
                continue
            key = statement_key(text)
            if len(text) > limit:
                errors.append(
                    gettext("Line %(line)d has %(length)d characters; at most %(limit)d.")
                    % {"line": number, "length": len(text), "limit": limit}
                )
            elif not statement_normalise(text):
                errors.append(
                    gettext("Line %(line)d needs words, not only punctuation.") % {"line": number}
                )
            elif key in seen:
                errors.append(
                    gettext("Line %(line)d repeats a statement already in this conversation.")
                    % {"line": number}
                    if seen[key] == 0
                    else gettext("Line %(line)d repeats line %(first)d.")
                    % {"line": number, "first": seen[key]}
                )
            else:
                seen[key] = number
                texts.append(text)
        if errors:
            raise forms.ValidationError(errors)
        return texts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        now = timezone.now()
        opens = (
            not data.get("is_closed")
            and opens_at is not None
            and opens_at <= now
            and (closes_at is None or now < closes_at)
        )
        existing = (
            Statement.objects.filter(
                conversation=self.instance, status=StatementStatus.APPROVED
            ).exists()
            if self.instance.pk
            else False
        )
        if opens and not existing and "seed_statements" in data and not data["seed_statements"]:
            self.add_error(
                "seed_statements",
                gettext(
                    "A conversation cannot open without statements: add at least one seed "
                    "statement, or set the opening date later."
                ),
            )
        return data


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
    form = ConversationForm
    readonly_fields = ["links", "embed_code"]
    embed_fields = ("embed_allowed", "embed_origins", "embed_show_results", "embed_code")

    def get_fieldsets(self, request: HttpRequest, obj: Conversation | None = None) -> Any:
        """Every other field as Django lists it, then the embedding settings together."""
        fieldsets = super().get_fieldsets(request, obj)
        rest = [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f not in self.embed_fields]},
            )
            for name, options in fieldsets
        ]
        return [*rest, (_("Embedding on other sites"), {"fields": list(self.embed_fields)})]

    @admin.display(description=_("code to paste on the site"))
    def embed_code(self, obj: Conversation) -> str:
        if obj.pk is None or not obj.embed_allowed:
            return "—"
        return format_html(
            "<code>&lt;script src=&quot;{}&quot; data-conversation=&quot;{}&quot; async&gt;"
            "&lt;/script&gt;</code>",
            f"{settings.SITE_URL}/embed.js",
            obj.slug,
        )

    @admin.display(description=_("pages"))
    def links(self, obj: Conversation) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("conversations:detail", args=[obj.slug]),
            gettext("public page"),
            reverse("conversations:moderate", args=[obj.slug]),
            gettext("moderate"),
            reverse("conversations:results", args=[obj.slug]),
            gettext("results"),
            reverse("admin:conversations_conversation_polis", args=[obj.pk]),
            gettext("Polis export (zip)"),
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/polis-export.zip",
                self.admin_site.admin_view(self.polis_export),
                name="conversations_conversation_polis",
            )
        ]
        return own + super().get_urls()

    def polis_export(self, request: HttpRequest, pk: int) -> HttpResponse:
        """What `listening export-polis` writes, as one zip file."""
        conversation = get_object_or_404(Conversation, pk=pk)
        if not self.has_view_permission(request, conversation):
            return HttpResponse(status=403)
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as folder:
            write_polis_export(folder, **selectors.polis_export_data(conversation))
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(Path(folder).iterdir()):
                    archive.write(file, f"{conversation.slug}/{file.name}")
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{conversation.slug}-polis.zip"'
        return response

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        conversation = form.instance
        for text in form.cleaned_data.get("seed_statements") or []:
            try:
                statement_seed(conversation=conversation, text=text, actor=request.user)
            except StatementRejected as exc:
                self.message_user(request, f"{text!r}: {exc.message}", messages.WARNING)


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
