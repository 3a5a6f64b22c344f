"""Cells to values, each refusing bad input with a sentence that names the value."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import Model
from import_export import widgets

from listening.places.gazetteer import GazetteerError
from listening.places.models import City
from listening.places.services import city_add

SEPARATOR = ";"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row by its slug; an unknown slug is a ValueError naming it."""

    def __init__(self, model: type[Model], noun: str) -> None:
        super().__init__(model, field="slug")
        self.noun = noun

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        slug = _text(value)
        if not slug:
            return None
        found = self.get_queryset(slug, row, **kwargs).filter(slug=slug).first()
        if found is None:
            raise ValueError(f"There is no {self.noun} with the slug {slug!r}.")
        return found


class CityWidget(widgets.Widget):
    """A city as "Durban, ZA" (or "Durban" when the name is unique), or a GeoNames id; found
    in the gazetteer and added to the cities when it is not there yet."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> City | None:
        text = _text(value)
        if not text:
            return None
        if text.isdigit():
            city = City.objects.filter(geonames_id=int(text)).first()
            if city is None:
                raise ValueError(f"No city with the GeoNames id {text} has been added yet.")
            return city
        name, _comma, country = text.rpartition(",") if "," in text else (text, "", "")
        name, country = name.strip(), country.strip()
        known = City.objects.filter(name__iexact=name)
        if country:
            known = known.filter(country=country.upper())
        if len(found := list(known[:2])) == 1:
            return found[0]  # already among the cities
        try:
            return city_add(name=name, country=country or None)
        except GazetteerError as exc:
            raise ValueError(
                exc.with_hint(
                    country='the country code after a comma ("Durban, ZA")',
                    geonames_id="the city's GeoNames id instead of its name",
                )
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return f"{value.name}, {value.country}" if value else ""


class ThemesWidget(widgets.ManyToManyWidget):
    """Theme slugs separated by ";", looked up in the row's programme."""

    def __init__(self) -> None:
        from listening.programmes.models import Theme

        super().__init__(Theme, separator=SEPARATOR, field="slug")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        from listening.programmes.models import Theme

        slugs = [s.strip() for s in _text(value).split(SEPARATOR) if s.strip()]
        if not slugs:
            return Theme.objects.none()
        programme = _text((row or {}).get("programme"))
        themes = Theme.objects.filter(slug__in=slugs)
        if programme:
            themes = themes.filter(programme__slug=programme)
        elif row and _text(row.get("session")):
            themes = themes.filter(programme__sessions__slug=_text(row["session"]))
        found = {t.slug for t in themes}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise ValueError(
                f"Unknown theme(s) in this programme: {', '.join(missing)} "
                "(give theme slugs separated by ';')."
            )
        return themes

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return SEPARATOR.join(t.slug for t in value.all()) if value is not None else ""


class ListWidget(widgets.Widget):
    """A list of codes written "en; fr" (a JSON list field)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        return [
            s.strip() for s in _text(value).replace(",", SEPARATOR).split(SEPARATOR) if s.strip()
        ]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return SEPARATOR.join(value or [])


class YesNoWidget(widgets.Widget):
    """yes / no (also true / false, 1 / 0; empty is no)."""

    YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
    NO = {"no", "n", "false", "0", "non", ""}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"{value!r} is not yes or no.")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class LocalDateTimeWidget(widgets.Widget):
    """A date and time as on the clock where the session happens (its ``timezone`` column):
    "2026-03-02 09:00". A time the clocks skip (daylight saving) is refused."""

    FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.datetime | None:
        zone_name = _text((row or {}).get("timezone")) or "UTC"
        try:
            zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"Cannot read the time: the time zone {zone_name!r} is not an IANA name "
                "such as Africa/Johannesburg."
            ) from None
        if isinstance(value, dt.datetime):  # an XLSX date cell
            naive = value.replace(tzinfo=None)
        else:
            text = _text(value)
            if not text:
                return None
            for fmt in self.FORMATS:
                try:
                    naive = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(
                    f"{text!r} is not a date and time: write it as YYYY-MM-DD HH:MM, "
                    f"the time in {zone_name}."
                )
        aware = naive.replace(tzinfo=zone)
        if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
            raise ValueError(
                f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that "
                "hour (daylight saving)."
            )
        return aware

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        # Resources write the session's local time with a dehydrate method (they know the zone).
        return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M}" if value else ""


class OffsetWidget(widgets.Widget):
    """A time in the recording, hh:mm:ss."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.timedelta | None:
        from listening.voices.services import parse_offset

        if isinstance(value, dt.time):
            return dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
        return parse_offset(_text(value) or None)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if not value:
            return ""
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
