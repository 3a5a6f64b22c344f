"""Listening sessions in spreadsheets (docs/data.md): one row a session, by slug; times are
written as on the clock of the session's time zone."""

from __future__ import annotations

from typing import Any

from import_export import fields

from listening.dataio.resources import ListeningResource
from listening.dataio.widgets import (
    CityWidget,
    ListWidget,
    LocalDateTimeWidget,
    SlugWidget,
    ThemesWidget,
)
from listening.people.models import Organisation, Person
from listening.programmes.models import ListeningSession, Programme, Role

SEPARATOR = ";"


class ListeningSessionResource(ListeningResource):
    required_columns = (
        "programme",
        "slug",
        "title",
        "axis",
        "starts_at",
        "ends_at",
        "timezone",
        "format",
    )
    unique_columns = ("slug",)
    programme = fields.Field(
        attribute="programme",
        column_name="programme",
        widget=SlugWidget(Programme, "programme"),
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=ThemesWidget())
    starts_at = fields.Field(
        attribute="starts_at", column_name="starts_at", widget=LocalDateTimeWidget()
    )
    ends_at = fields.Field(attribute="ends_at", column_name="ends_at", widget=LocalDateTimeWidget())
    languages = fields.Field(attribute="languages", column_name="languages", widget=ListWidget())
    venue_city = fields.Field(attribute="venue_city", column_name="venue_city", widget=CityWidget())
    speakers = fields.Field(column_name="speakers")
    partners = fields.Field(column_name="partners")

    class Meta(ListeningResource.Meta):
        model = ListeningSession
        fields = (
            "programme",
            "slug",
            "title",
            "themes",
            "axis",
            "starts_at",
            "ends_at",
            "timezone",
            "format",
            "languages",
            "status",
            "summary",
            "recording_url",
            "venue_city",
            "venue_address",
            "online_url",
            "speakers",
            "partners",
        )
        import_id_fields = ("slug",)

    # Speakers and partners: slugs separated by ";", added to the session (never removed).

    def _slugs(self, row: Any, column: str) -> list[str]:
        return [s.strip() for s in str(row.get(column) or "").split(SEPARATOR) if s.strip()]

    def import_instance(self, instance: ListeningSession, row: Any, **kwargs: Any) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for column, model, noun in (
            ("speakers", Person, "person"),
            ("partners", Organisation, "organisation"),
        ):
            slugs = self._slugs(row, column)
            found = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            missing = [s for s in slugs if s not in found]
            if missing:
                errors[column] = [f"There is no {noun} with the slug(s) {', '.join(missing)}."]
        try:
            ThemesWidget().clean(row.get("themes"), row=row)
        except ValueError as exc:
            errors["themes"] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance: ListeningSession, row: Any, **kwargs: Any) -> None:
        from listening.programmes.services import participation_add

        super().after_save_instance(instance, row, **kwargs)
        start = instance.participations.count()
        for position, slug in enumerate(self._slugs(row, "speakers"), start=start):
            person = Person.objects.get(slug=slug)
            participation_add(session=instance, person=person, role=Role.SPEAKER, position=position)
        for position, slug in enumerate(self._slugs(row, "partners"), start=start + 100):
            organisation = Organisation.objects.get(slug=slug)
            participation_add(
                session=instance, organisation=organisation, role=Role.PARTNER, position=position
            )

    def _local(self, session: ListeningSession, value: Any) -> str:
        return f"{value.astimezone(session.local_timezone):%Y-%m-%d %H:%M}" if value else ""

    def dehydrate_starts_at(self, session: ListeningSession) -> str:
        return self._local(session, session.starts_at)

    def dehydrate_ends_at(self, session: ListeningSession) -> str:
        return self._local(session, session.ends_at)

    def _participants(self, session: ListeningSession, role: str, public: bool) -> str:
        rows = [p for p in session.participations.all() if p.role == role]
        if role == Role.PARTNER:
            return SEPARATOR.join(p.organisation.slug for p in rows if p.organisation)
        return SEPARATOR.join(
            p.person.slug for p in rows if p.person and (p.person.consent_listed or not public)
        )

    def dehydrate_speakers(self, session: ListeningSession) -> str:
        return self._participants(session, Role.SPEAKER, public=self.public)

    def dehydrate_partners(self, session: ListeningSession) -> str:
        return self._participants(session, Role.PARTNER, public=self.public)

    public = False


class PublicListeningSessionResource(ListeningSessionResource):
    """Speakers who did not consent to be listed are left out."""

    public = True
