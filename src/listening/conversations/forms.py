from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from listening.conversations.models import (
    Constituency,
    Conversation,
    StatementStatus,
    VoteValue,
)
from listening.conversations.services.votes import ID_MAX


class VoteForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)
    vote = forms.TypedChoiceField(
        choices=VoteValue.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Choose agree, disagree or pass.")},
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One idea, in a sentence others can agree or disagree with."),
    )

    def __init__(
        self, *args: object, conversation: Conversation | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The conversation's own limits; statement_submit checks them again (with its message).
        limit = (
            conversation.statement_max_length
            if conversation is not None
            else getattr(settings, "STATEMENT_MAX_LENGTH", 400)
        )
        self.fields["text"].widget.attrs["maxlength"] = str(limit)
        if conversation is not None:
            self.fields["text"].widget.attrs["minlength"] = str(conversation.statement_min_length)
        self.fields["text"].validators.append(MaxLengthValidator(limit))


class ConstituencyForm(forms.Form):
    constituency = forms.ChoiceField(
        label=_("I take part as"),
        choices=[("", _("Prefer not to say")), *Constituency.choices],
        required=False,
    )


class InvitationForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=64)


class SeedStatementForm(forms.Form):
    text = forms.CharField(label=_("Seed statement"), widget=forms.Textarea(attrs={"rows": 2}))


class ModerationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *StatementStatus.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class BulkModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    statements = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: object, statement_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["statements"].choices = [(pk, pk) for pk in statement_ids]  # type: ignore[attr-defined]
