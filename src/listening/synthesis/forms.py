from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from listening.programmes.models import Axis


class ThemeAcceptForm(forms.Form):
    """Keep a theme: the organiser names it and ticks its voices (the voices of several
    suggestions to merge them, some of one to split it)."""

    name = forms.CharField(label=_("Theme name"), max_length=200)
    axis = forms.ChoiceField(label=_("Axis"), choices=Axis.choices)
    voices = forms.TypedMultipleChoiceField(label=_("Voices"), coerce=int, choices=())

    def __init__(self, *args: Any, voice_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voices"].choices = [(pk, str(pk)) for pk in voice_ids]  # type: ignore[attr-defined]


class KeyMessageFromStatementForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
