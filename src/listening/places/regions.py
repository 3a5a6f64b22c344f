"""The seven world regions of the network of local and regional governments (UCLG's sections).

A country's region follows its GeoNames continent, with the exceptions that UCLG's regional
sections make: the Eurasia section (Russia, the Caucasus and Central Asia), the Middle East &
West Asia section, North America (Canada and the United States only) and Latin America
(Mexico, Central America and the Caribbean). See docs/data.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorldRegion(models.TextChoices):
    AFRICA = "africa", _("Africa")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")
    EURASIA = "eurasia", _("Eurasia")
    EUROPE = "europe", _("Europe")
    LATIN_AMERICA = "latin_america", _("Latin America")
    MIDDLE_EAST_WEST_ASIA = "mewa", _("Middle East & West Asia")
    NORTH_AMERICA = "north_america", _("North America")


_BY_CONTINENT = {
    "AF": WorldRegion.AFRICA,
    "AS": WorldRegion.ASIA_PACIFIC,
    "OC": WorldRegion.ASIA_PACIFIC,
    "EU": WorldRegion.EUROPE,
    "SA": WorldRegion.LATIN_AMERICA,
    "NA": WorldRegion.LATIN_AMERICA,
    "AN": WorldRegion.ASIA_PACIFIC,
}

_EXCEPTIONS = {
    **dict.fromkeys(
        ["RU", "BY", "KZ", "KG", "TJ", "TM", "UZ", "AM", "AZ", "GE", "MD"], WorldRegion.EURASIA
    ),
    **dict.fromkeys(
        [
            "TR",
            "IR",
            "IQ",
            "SY",
            "LB",
            "JO",
            "PS",
            "IL",
            "SA",
            "AE",
            "QA",
            "KW",
            "BH",
            "OM",
            "YE",
            "AF",
            "CY",
        ],
        WorldRegion.MIDDLE_EAST_WEST_ASIA,
    ),
    **dict.fromkeys(["US", "CA", "BM", "PM", "GL"], WorldRegion.NORTH_AMERICA),
}


def region_for_country(country_code: str, continent_code: str) -> WorldRegion:
    return _EXCEPTIONS.get(
        country_code.upper(), _BY_CONTINENT.get(continent_code, WorldRegion.EUROPE)
    )
