"""Organisations and people in spreadsheets (docs/data.md): one row each, by slug."""

from __future__ import annotations

from typing import Any

from import_export import fields

from listening.dataio.resources import ListeningResource
from listening.dataio.widgets import CityWidget, SlugWidget, YesNoWidget
from listening.people.models import Organisation, Person


class OrganisationResource(ListeningResource):
    required_columns = ("slug", "name", "kind")
    unique_columns = ("slug",)

    class Meta(ListeningResource.Meta):
        model = Organisation
        fields = ("slug", "name", "kind", "country", "website")
        import_id_fields = ("slug",)


class PersonResource(ListeningResource):
    """Everything an organiser keeps, consent included (the organisers' export)."""

    required_columns = ("slug", "name", "kind")
    unique_columns = ("slug",)
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=SlugWidget(Organisation, "organisation"),
    )
    city = fields.Field(attribute="city", column_name="city", widget=CityWidget())
    consent_listed = fields.Field(
        attribute="consent_listed", column_name="consent_listed", widget=YesNoWidget()
    )
    consent_quoted = fields.Field(
        attribute="consent_quoted", column_name="consent_quoted", widget=YesNoWidget()
    )

    class Meta(ListeningResource.Meta):
        model = Person
        fields: tuple[str, ...] = (
            "slug",
            "name",
            "title",
            "organisation",
            "city",
            "kind",
            "consent_listed",
            "consent_quoted",
        )
        import_id_fields = ("slug",)


class PublicPersonResource(PersonResource):
    """What the public may know of a listed person: no consent columns (all are listed)."""

    class Meta(PersonResource.Meta):
        fields = ("slug", "name", "title", "organisation", "city", "kind")

    def get_export_fields(self, selected_fields: Any = None) -> list[fields.Field]:
        return [
            f for f in super().get_export_fields(selected_fields) if "consent" not in f.column_name
        ]
