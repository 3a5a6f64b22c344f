"""Numbers that machines read (SVG, JSON-LD, GeoJSON) are the same in every language."""

import json
import re

import pytest

from tests.factories import CityFactory, PersonFactory, VoiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    for i in range(3):
        city = CityFactory(latitude=-29.8587 + i, longitude=31.0218 + i * 1.5)
        VoiceFactory(speaker=PersonFactory(city=city), city=city)


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_world_map_coordinates_are_plain_numbers(client, cities, prefix):
    page = client.get(f"{prefix}/cities/").content.decode()
    svg = page[page.index('<svg class="world-map"') : page.index("</svg>")]
    values = re.findall(r'\b(?:cx|cy|r|width|height)="([^"]*)"', svg)
    assert len(values) >= 9
    for value in values:
        float(value)
    assert re.search(r'viewBox="[\d. ]+"', svg)


def test_world_map_identical_in_english_and_french(client, cities):
    def markers(prefix):
        page = client.get(f"{prefix}/cities/").content.decode()
        return re.findall(r'<circle class="marker" cx="([^"]*)" cy="([^"]*)" r="([^"]*)"', page)

    assert markers("/fr") == markers("") == markers("/es")


def test_geojson_and_json_ld_numbers_are_json_numbers(client, cities):
    features = client.get("/cities.geojson").json()["features"]
    assert all(isinstance(c, float) for f in features for c in f["geometry"]["coordinates"])
    voice_session = VoiceFactory().session
    page = client.get(f"/fr/sessions/{voice_session.slug}/").content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page, re.S).group(1))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d", data["startDate"])
