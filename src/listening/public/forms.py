"""Filter forms of the public pages: all GET, and a value that does not validate is ignored.

Choices are given by the view (from selectors), so an unknown theme, region or page number
never reaches a query: it simply filters nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from listening.people.models import OrganisationKind, PersonKind
from listening.places.regions import WorldRegion
from listening.programmes.models import Axis, SessionStatus

MAX_QUERY_LENGTH = 200


def _with_all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class FilterForm(forms.Form):
    """A form whose valid values filter; invalid ones are dropped without an error page."""

    def __init__(self, data: Any, **choices: list[tuple[str, str]]) -> None:
        super().__init__(data)
        for name, options in choices.items():
            self.fields[name].choices = _with_all(options)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.values())


class SessionFilterForm(FilterForm):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    axis = forms.ChoiceField(label=_("Axis"), required=False, choices=_with_all(Axis.choices))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_with_all(SessionStatus.choices)
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)


class VoiceFilterForm(FilterForm):
    q = forms.CharField(label=_("Search the voices"), required=False, strip=True)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    axis = forms.ChoiceField(label=_("Axis"), required=False, choices=_with_all(Axis.choices))
    session = forms.ChoiceField(label=_("Session"), required=False)
    region = forms.ChoiceField(
        label=_("World region"), required=False, choices=_with_all(WorldRegion.choices)
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    speaker_kind = forms.ChoiceField(
        label=_("Kind of speaker"), required=False, choices=_with_all(PersonKind.choices)
    )
    # Set by the links of the cities page and map ("the voices from this city").
    city = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "")[:MAX_QUERY_LENGTH]


class PeopleFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_with_all(PersonKind.choices))
    region = forms.ChoiceField(
        label=_("World region"), required=False, choices=_with_all(WorldRegion.choices)
    )
    country = forms.ChoiceField(label=_("Country"), required=False)


class OrganisationFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_with_all(OrganisationKind.choices)
    )
    region = forms.ChoiceField(
        label=_("World region"), required=False, choices=_with_all(WorldRegion.choices)
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
