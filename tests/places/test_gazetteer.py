import pytest

from listening.places.gazetteer import GazetteerError, country_code, find_city
from listening.places.regions import WorldRegion


def test_find_city_resolves_name_and_country():
    place = find_city("Durban", "ZA")
    assert place.geonames_id == 1007311
    assert place.region == WorldRegion.AFRICA
    assert place.latitude == pytest.approx(-29.86, abs=0.01)


def test_find_city_accepts_country_name_and_accentless_spelling():
    place = find_city("Bogota", "Colombia")
    assert place.name == "Bogotá"
    assert place.region == WorldRegion.LATIN_AMERICA


def test_find_city_ambiguous_lists_candidates():
    with pytest.raises(GazetteerError) as excinfo:
        find_city("Valencia")
    countries = {place.country for place in excinfo.value.candidates}
    assert {"ES", "VE"} <= countries
    assert "ambiguous" in str(excinfo.value)
    assert "GeoNames 2509954" in str(excinfo.value)


def test_find_city_geonames_id_picks_one_candidate():
    assert find_city("Valencia", geonames_id=2509954).country == "ES"


def test_find_city_unknown_names_the_country():
    with pytest.raises(GazetteerError, match=r"No city called 'Atlantis' in France \(FR\)"):
        find_city("Atlantis", "FR")


def test_country_code_unknown_is_clear():
    with pytest.raises(GazetteerError, match="Unknown country 'Narnia'"):
        country_code("Narnia")


@pytest.mark.parametrize(
    ("name", "country", "region"),
    [
        ("Kazan", "RU", WorldRegion.EURASIA),
        ("Istanbul", "TR", WorldRegion.MIDDLE_EAST_WEST_ASIA),
        ("Toronto", "CA", WorldRegion.NORTH_AMERICA),
        ("Mexico City", "MX", WorldRegion.LATIN_AMERICA),
        ("Daejeon", "KR", WorldRegion.ASIA_PACIFIC),
        ("Lisbon", "PT", WorldRegion.EUROPE),
    ],
)
def test_find_city_world_region_follows_uclg_sections(name, country, region):
    assert find_city(name, country).region == region
