from __future__ import annotations

from django.db import transaction

from listening.places.gazetteer import find_city
from listening.places.models import City


@transaction.atomic
def city_add(*, name: str, country: str | None = None, geonames_id: int | None = None) -> City:
    """Resolve a city in the gazetteer and store it (once: adding it again returns the same row).

    Raises places.gazetteer.GazetteerError, with the candidates, when the name is unknown or
    ambiguous; its ``with_hint`` says how to choose in the caller's words.
    """
    place = find_city(name, country, geonames_id=geonames_id)
    city, _ = City.objects.get_or_create(
        geonames_id=place.geonames_id,
        defaults={
            "name": place.name,
            "country": place.country,
            "region": place.region,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "population": place.population,
            "timezone": place.timezone,
        },
    )
    return city
