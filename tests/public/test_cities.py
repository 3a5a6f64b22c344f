import json
import re

import pytest

from listening.places.regions import WorldRegion
from tests.factories import CityFactory, ParticipationFactory, PersonFactory, VoiceFactory

pytestmark = pytest.mark.django_db


def test_city_index_draws_one_marker_per_city_and_a_table(client):
    cities = [CityFactory(name=f"City {n}") for n in range(3)]
    for city in cities:
        VoiceFactory(city=city)
    page = client.get("/cities/").content.decode()
    assert page.count('class="marker"') == 3
    assert '<svg class="world-map"' in page
    assert 'role="group"' in page
    assert '<desc id="map-desc">3 cities' in page
    for city in cities:
        # The table row and the map marker both lead to the city's voices.
        assert f'<td><a href="/voices/?city={city.pk}">{city.name}</a></td>' in page
        assert f'<a href="/voices/?city={city.pk}" aria-label="Voices from {city.name}">' in page


def test_city_index_marker_size_grows_with_participation(client):
    big = CityFactory(name="Big")
    small = CityFactory(name="Small")
    VoiceFactory.create_batch(9, city=big)
    VoiceFactory(city=small)
    page = client.get("/cities/").content.decode()
    radius = {int(pk): float(r) for r, pk in re.findall(r'r="([\d.]+)" data-city="(\d+)"', page)}
    assert radius[big.pk] > radius[small.pk]


def test_city_index_groups_table_by_region(client):
    VoiceFactory(city=CityFactory(name="Lyon", country="FR", region=WorldRegion.EUROPE))
    page = client.get("/cities/").content.decode()
    assert '<h3 id="region-europe">Europe</h3>' in page
    assert "France" in page


def test_cities_geojson_lists_each_city_with_its_participation(client):
    city = CityFactory(name="Durban", latitude=-29.86, longitude=31.03)
    VoiceFactory.create_batch(2, city=city)
    response = client.get("/cities.geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    [feature] = [f for f in data["features"] if f["properties"]["name"] == "Durban"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [31.03, -29.86]}
    assert feature["properties"]["voices"] == 2


def test_cities_never_show_the_city_of_an_unlisted_person(client):
    hidden = CityFactory(name="Hiddenville")
    ParticipationFactory(
        person=PersonFactory(city=hidden, consent_listed=False, consent_quoted=False)
    )
    assert "Hiddenville" not in client.get("/cities/").content.decode()
    assert "Hiddenville" not in client.get("/cities.geojson").content.decode()
