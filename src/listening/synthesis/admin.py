from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from listening.programmes.models import Programme
from listening.synthesis.models import (
    Commitment,
    KeyMessage,
    KeyMessageStatus,
    ProgressUpdate,
    Revision,
)
from listening.synthesis.services import (
    SplitPart,
    SynthesisError,
    check_evidence,
    check_key_messages,
    key_message_publish,
    key_message_split,
    key_messages_merge,
    revision_record,
)

SPLIT_PARTS_DEFAULT = 2
SPLIT_PARTS_MAX = 6


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


class KeyMessageSplitForm(forms.Form):
    """A title and a share of the original's evidence (voices and statements) per part."""

    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def __init__(self, *args: Any, key_message: KeyMessage, parts: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.voices = {v.pk: v for v in key_message.voices.order_by("pk")}
        self.statements = {s.pk: s for s in key_message.statements.order_by("pk")}
        self.parts = parts
        for i in range(parts):
            self.fields[f"title_{i}"] = forms.CharField(
                label=_("Title of part %(n)d") % {"n": i + 1}, max_length=300
            )
            self.fields[f"voices_{i}"] = forms.TypedMultipleChoiceField(
                label=_("Its voices"),
                choices=[(pk, v.text[:120]) for pk, v in self.voices.items()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"statements_{i}"] = forms.TypedMultipleChoiceField(
                label=_("Its statements"),
                choices=[(pk, s.text[:120]) for pk, s in self.statements.items()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def part_fields(self, i: int) -> list[Any]:
        return [self[f"title_{i}"], self[f"voices_{i}"], self[f"statements_{i}"]]

    def split_parts(self) -> list[SplitPart]:
        data = self.cleaned_data
        return [
            SplitPart(
                title=data[f"title_{i}"],
                voices=[self.voices[pk] for pk in data[f"voices_{i}"]],
                statements=[self.statements[pk] for pk in data[f"statements_{i}"]],
            )
            for i in range(self.parts)
        ]


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
    actions = ["publish", "merge", "split"]
    form = KeyMessageForm
    change_form_template = "synthesis/admin_keymessage_change_form.html"
    change_list_template = "synthesis/admin_keymessage_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        split = path(
            "<int:pk>/split/",
            self.admin_site.admin_view(self.split_view),
            name="synthesis_keymessage_split",
        )
        return [split, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Links to each programme's suggested themes and key messages (/pact/organise/...).
        extra = {
            **(extra_context or {}),
            "organise_programmes": Programme.objects.order_by("name"),
        }
        return super().changelist_view(request, extra_context=extra)

    @admin.action(description=_("Split the selected key message into several (keeps lineage)"))
    def split(
        self, request: HttpRequest, queryset: QuerySet[KeyMessage]
    ) -> HttpResponseBase | None:
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(
                request, _("Select exactly one key message to split."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:synthesis_keymessage_split", args=[chosen[0].pk])
        )

    def split_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Share a key message's evidence among new key messages; each keeps it as source."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        km = get_object_or_404(KeyMessage, pk=pk)
        try:
            count = int(request.GET.get("parts", SPLIT_PARTS_DEFAULT))
        except ValueError:
            count = SPLIT_PARTS_DEFAULT
        count = min(max(count, 2), SPLIT_PARTS_MAX)
        form = KeyMessageSplitForm(request.POST or None, key_message=km, parts=count)
        if km.status == KeyMessageStatus.RETIRED:
            self.message_user(
                request,
                _("A key message that was already merged or split cannot be split."),
                messages.ERROR,
            )
        elif request.method == "POST" and form.is_valid():
            try:
                made = key_message_split(
                    key_message=km,
                    parts=form.split_parts(),
                    author=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"] or str(_("split in the admin")),
                )
            except SynthesisError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Split into %(count)d key messages: %(titles)s.")
                    % {"count": len(made), "titles": ", ".join(f"“{m.title}”" for m in made)},
                )
                return HttpResponseRedirect(reverse("admin:synthesis_keymessage_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Split “%(title)s”") % {"title": km.title},
            "key_message": km,
            "form": form,
            "parts": [form.part_fields(i) for i in range(count)],
            "more_parts": count + 1 if count < SPLIT_PARTS_MAX else None,
        }
        return render(request, "synthesis/admin_split.html", context)

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
