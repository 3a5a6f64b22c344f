"""Admin forms of the programmes app: sessions' times in their own zone, languages as
checkboxes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from listening.programmes.models import LANGUAGE_CODES, ListeningSession, Programme
from listening.programmes.times import instant_to_local, local_to_instant, timezone_choices

TIME_FIELDS = ("starts_at", "ends_at")


class SessionLocalTimesForm(forms.ModelForm):  # type: ignore[type-arg]
    """Start and end are typed and shown in the session's own time zone, not the server's.

    Django reads a typed date-time in the active time zone (UTC here); this form takes the
    wall-clock time as typed and places it in the zone chosen in the same form. The admin
    builds the fields (ModelAdmin.get_form); another admin form for sessions can subclass this.
    """

    timezone = forms.TypedChoiceField(
        label=_("time zone"),
        choices=timezone_choices,
        initial="UTC",
        help_text=_("The start and end times are local times in this zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.timezone:
            for name in TIME_FIELDS:
                value = getattr(instance, name, None)
                if value is not None:
                    self.initial[name] = instant_to_local(value, instance.timezone)
        for name in TIME_FIELDS:
            if name in self.fields:
                self.fields[name].help_text = _("Local time in the session's time zone.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        zone_name = cleaned.get("timezone")
        if not zone_name:
            return cleaned
        for name in TIME_FIELDS:
            value = cleaned.get(name)
            if value is None:
                continue
            try:
                cleaned[name] = local_to_instant(value, zone_name)
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned


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


class ListeningSessionForm(SessionLocalTimesForm):
    languages = LanguagesField()

    class Meta:
        model = ListeningSession
        # The admin passes its own field list; every model field is editable there.
        fields = "__all__"  # noqa: DJ007


class ProgrammeForm(forms.ModelForm[Programme]):
    languages = LanguagesField(help_text=_("The languages its content is published in."))

    class Meta:
        model = Programme
        # The admin passes its own field list; every model field is editable there.
        fields = "__all__"  # noqa: DJ007
