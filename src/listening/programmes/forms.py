"""Form fields the admin shares for what programmes hold (languages as checkboxes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from listening.programmes.models import LANGUAGE_CODES, ListeningSession


def _language_name(code: str) -> str:
    try:
        info = get_language_info("zh-hans" if code == "zh" else code)
    except KeyError:
        return code
    return f"{info['name_translated']} ({info['name_local']})"


def language_choices() -> list[tuple[str, str]]:
    """The languages a session or conversation may use, English, French and Spanish first."""
    first = ["en", "fr", "es"]
    rest = sorted(LANGUAGE_CODES - set(first))
    return [(code, _language_name(code)) for code in [*first, *rest]]


class LanguagesField(forms.TypedMultipleChoiceField):
    """A list of language codes, ticked rather than typed as JSON."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("languages"))
        kwargs.setdefault("required", False)
        super().__init__(choices=language_choices, coerce=str, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return list(value) if isinstance(value, list | tuple) else value


class ListeningSessionForm(forms.ModelForm[ListeningSession]):
    languages = LanguagesField()

    class Meta:
        model = ListeningSession
        # The admin passes its own field list; every model field is editable there.
        fields = "__all__"  # noqa: DJ007
