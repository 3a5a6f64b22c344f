"""Cities represented, read-only: ``GET /api/cities/`` and ``/api/cities/<id>``.

The cities of published voices and of people listed with their consent (the public cities
page), with those counts; a city known only through an unlisted person is not shown.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from listening.api.common import LANG_DESCRIPTION, Detail, Pages
from listening.api.schemas import QuerySchema
from listening.places.selectors import CityParticipation, cities_represented, country_name

router = Router(tags=["cities"])


class CityOut(Schema):
    id: int
    name: str
    country: str
    country_name: str
    region: str
    region_label: str
    latitude: float
    longitude: float
    voices: int
    participants: int
    voices_api: str


class CityQuery(QuerySchema):
    region: str = ""
    country: str = ""
    lang: str = ""


def _city(item: CityParticipation) -> dict[str, Any]:
    city = item.city
    return {
        "id": city.pk,
        "name": city.name,
        "country": city.country,
        "country_name": country_name(city.country),
        "region": city.region,
        "region_label": str(city.get_region_display()),
        "latitude": city.latitude,
        "longitude": city.longitude,
        "voices": item.voices,
        "participants": item.participants,
        "voices_api": f"/api/voices/?city={city.pk}",
    }


def _represented(region: str = "", country: str = "", pk: int | None = None) -> list[Any]:
    return [
        item
        for item in cities_represented()
        if (not region or item.city.region == region)
        and (not country or item.city.country == country.upper())
        and (pk is None or item.city.pk == pk)
    ]


@router.get("/", response={200: list[CityOut], 422: Detail}, summary="Cities represented, by name")
@paginate(Pages)
def city_index(request: HttpRequest, filters: Query[CityQuery]) -> list[dict[str, Any]]:
    return [_city(item) for item in _represented(filters.region, filters.country)]


@router.get(
    "/{int:pk}",
    response={200: CityOut, 404: Detail},
    summary="One city represented",
    description=LANG_DESCRIPTION,
)
def city_one(request: HttpRequest, pk: int, lang: str = "") -> dict[str, Any]:
    found = _represented(pk=pk)
    if not found:
        raise HttpError(404, "There is no such city among those represented.")
    return _city(found[0])
