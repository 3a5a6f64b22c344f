from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from listening.live.models import PollKind
from listening.people.models import PersonKind
from listening.places.models import City


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,  # the service gives the precise message for the room's own limit
    )
    city = forms.ModelChoiceField(
        label=_("Your city (optional)"), queryset=City.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(
        label=_("You are (optional)"),
        choices=[("", "—"), *PersonKind.choices],
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].widget.attrs["maxlength"] = settings.LIVE_QUESTION_MAX_LENGTH


class PollForm(forms.Form):
    text = forms.CharField(label=_("Poll question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices)
    choices = forms.CharField(
        label=_("Choices, one per line (single choice only)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines()]


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    city = forms.ModelChoiceField(
        label=_("City (optional)"), queryset=City.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(
        label=_("You are (optional)"), choices=[("", "—"), *PersonKind.choices], required=False
    )
    consent_listed = forms.BooleanField(
        label=_("You may list my name among the participants of this session."), required=False
    )
    consent_contact = forms.BooleanField(
        label=_("You may contact me by email after the session."), required=False
    )
