from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from listening.places.gazetteer import GazetteerError, find_city
from listening.places.models import City


class CityAddForm(forms.ModelForm[City]):
    """Adding a city asks only for its name and country; GeoNames fills in the rest."""

    country_hint = forms.CharField(
        label=_("Country"),
        max_length=60,
        help_text=_("ISO 3166-1 code (ZA) or name (South Africa)"),
    )
    geonames_hint = forms.IntegerField(
        label=_("GeoNames id"),
        required=False,
        help_text=_("Only when several cities match: the number shown after “GeoNames”."),
    )

    class Meta:
        model = City
        fields = ["name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, country = data.get("name"), data.get("country_hint")
        if name and country:
            try:
                place = find_city(name, country, geonames_id=data.get("geonames_hint"))
            except GazetteerError as exc:
                raise forms.ValidationError(
                    exc.with_hint(
                        country=gettext("the country"),
                        geonames_id=gettext("the GeoNames id of the one you mean"),
                    )
                ) from None
            if City.objects.filter(geonames_id=place.geonames_id).exists():
                raise forms.ValidationError(
                    gettext("%(city)s is already listed.")
                    % {"city": f"{place.name} ({place.country})"}
                )
            for field in ("name", "country", "region", "latitude", "longitude", "population"):
                setattr(self.instance, field, getattr(place, field))
            self.instance.geonames_id = place.geonames_id
            self.instance.timezone = place.timezone
        return data


@admin.register(City)
class CityAdmin(admin.ModelAdmin[City]):
    list_display = ["name", "country", "region", "population", "geonames_id"]
    list_filter = ["region", "country"]
    search_fields = ["name", "country"]
    readonly_fields = ["country", "region", "latitude", "longitude", "population", "geonames_id"]

    def get_form(
        self, request: HttpRequest, obj: City | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[City]]:
        if obj is None:
            kwargs["form"] = CityAddForm
            kwargs["fields"] = ["name", "country_hint", "geonames_hint"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: City | None = None) -> list[str]:
        return self.readonly_fields if obj else []

    def get_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: City | None = None
    ) -> list[str]:
        if obj is None:
            return ["name", "country_hint", "geonames_hint"]
        return ["name", *self.readonly_fields, "timezone"]
