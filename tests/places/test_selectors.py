import pytest
from django.utils import translation

from listening.places.regions import WorldRegion
from listening.places.selectors import (
    cities_by_region,
    cities_represented,
    countries_of_region,
    country_name,
    region_of_country,
)
from listening.places.worldmap import HEIGHT, WIDTH, marker_radius, project, world_countries
from listening.voices.models import VoiceStatus
from tests.factories import CityFactory, ParticipationFactory, PersonFactory, VoiceFactory

pytestmark = pytest.mark.django_db


def test_cities_represented_counts_published_voices_and_listed_participants():
    city = CityFactory(name="Durban")
    VoiceFactory.create_batch(2, city=city, speaker=None, attribution_consent=False)
    VoiceFactory(city=city, speaker=None, attribution_consent=False, status=VoiceStatus.DRAFT)
    ParticipationFactory(person=PersonFactory(city=city))
    [item] = [c for c in cities_represented() if c.city == city]
    assert (item.voices, item.participants, item.participation) == (2, 1, 3)


def test_cities_represented_never_reveals_an_unlisted_persons_city():
    hidden = CityFactory(name="Hidden town")
    ParticipationFactory(
        person=PersonFactory(city=hidden, consent_listed=False, consent_quoted=False)
    )
    VoiceFactory(city=hidden, speaker=None, attribution_consent=False, status=VoiceStatus.DRAFT)
    assert hidden not in [item.city for item in cities_represented()]


def test_cities_by_region_groups_by_region_then_country():
    VoiceFactory(city=CityFactory(name="Lyon", country="FR", region=WorldRegion.EUROPE))
    VoiceFactory(city=CityFactory(name="Durban", country="ZA", region=WorldRegion.AFRICA))
    groups = cities_by_region(cities_represented())
    assert [g.region for g in groups] == [WorldRegion.AFRICA, WorldRegion.EUROPE]
    assert groups[1].countries[0].name == "France"


def test_country_name_follows_the_active_language():
    with translation.override("fr"):
        assert country_name("ZA") == "Afrique du Sud"
    with translation.override("es"):
        assert country_name("DE") == "Alemania"
    assert country_name("ZA") == "South Africa"


def test_region_of_country_follows_uclg_sections():
    assert region_of_country("RU") == WorldRegion.EURASIA
    assert region_of_country("FR") == WorldRegion.EUROPE
    assert "KE" in countries_of_region(WorldRegion.AFRICA)


def test_project_keeps_points_inside_the_map():
    for lon, lat in [(-180, 0), (180, 0), (0, 85), (0, -58), (0, -90), (31, -29.9)]:
        x, y = project(lon, lat)
        assert 0 <= x <= WIDTH
        assert 0 <= y <= HEIGHT


def test_marker_radius_grows_with_participation():
    assert marker_radius(0, 10) < marker_radius(1, 10) < marker_radius(10, 10)
    assert marker_radius(5, 0) == 2.5


def test_world_countries_reads_natural_earth_shapes():
    countries = world_countries()
    if not countries:
        pytest.skip("vendor/world-atlas not copied: run `make assets`")
    assert len(countries) > 150
    assert all(c.path.startswith("M") for c in countries)
