"""Country and city names in the reader's language come from CLDR (Babel)."""

import pytest
from django.utils import translation

from listening.places.selectors import country_name
from listening.places.services import city_add
from tests.factories import CityFactory, PersonFactory, VoiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "korea", "palestine"),
    [
        ("en", "South Korea", "Palestinian Territories"),
        ("fr", "Corée du Sud", "Territoires palestiniens"),
        ("es", "Corea del Sur", "Territorios Palestinos"),
    ],
)
def test_country_names_are_the_common_cldr_names(language, korea, palestine):
    with translation.override(language):
        assert country_name("KR") == korea
        assert country_name("kr") == korea
        assert country_name("PS") == palestine
        assert "República" not in country_name("KR")


def test_unknown_country_code_is_shown_as_given():
    assert country_name("QQ") == "QQ"


def test_city_named_in_the_reader_language_where_cldr_has_it():
    cairo = city_add(name="Cairo", country="EG")
    mexico = city_add(name="Mexico City", country="MX")
    durban = city_add(name="Durban", country="ZA")
    with translation.override("fr"):
        assert (cairo.local_name, mexico.local_name, durban.local_name) == (
            "Le Caire",
            "Mexico",
            "Durban",
        )
    with translation.override("es"):
        assert (cairo.local_name, mexico.local_name) == ("El Cairo", "Ciudad de México")
    with translation.override("en"):
        assert (cairo.local_name, mexico.local_name) == ("Cairo", "Mexico City")


def test_a_city_that_shares_a_zone_keeps_its_own_name():
    # London, Ontario is in America/Toronto: never renamed after Toronto.
    city = CityFactory(name="London", country="CA", timezone="America/Toronto")
    with translation.override("es"):
        assert city.local_name == "London"


def test_pages_show_city_names_in_the_reader_language(client):
    cairo = city_add(name="Cairo", country="EG")
    person = PersonFactory(city=cairo)
    voice = VoiceFactory(speaker=person, city=cairo)
    page = client.get("/es/cities/").content.decode()
    assert "El Cairo" in page and "Egipto" in page
    page = client.get(f"/fr/voices/{voice.pk}/").content.decode()
    assert "Le Caire, Égypte" in page
    geojson = client.get("/cities.geojson", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert geojson["features"][0]["properties"]["name"] == "Cairo"
