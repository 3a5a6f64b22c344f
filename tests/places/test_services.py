import pytest
from django.core.management import CommandError, call_command

from listening.places.gazetteer import GazetteerError
from listening.places.models import City
from listening.places.services import city_add

pytestmark = pytest.mark.django_db


def test_city_add_stores_gazetteer_facts_once():
    first = city_add(name="Durban", country="ZA")
    again = city_add(name="durban", country="za")
    assert first.pk == again.pk
    assert City.objects.count() == 1
    assert first.population > 1_000_000
    assert first.timezone == "Africa/Johannesburg"


def test_city_add_unknown_saves_nothing():
    with pytest.raises(GazetteerError):
        city_add(name="Atlantis", country="GR")
    assert not City.objects.exists()


def test_city_add_command_prints_the_city(capsys):
    call_command("city-add", "Durban", "--country", "ZA")
    assert "Durban, ZA — Africa" in capsys.readouterr().out


def test_city_add_command_ambiguous_is_a_command_error():
    with pytest.raises(CommandError, match="ambiguous") as excinfo:
        call_command("city-add", "Valencia")
    assert str(excinfo.value).endswith("Please give --country (and if needed --geonames-id).")
    assert not City.objects.exists()


def test_city_add_command_ambiguous_in_a_country_asks_for_the_geonames_id():
    with pytest.raises(CommandError, match=r"Please give --geonames-id\.$"):
        call_command("city-add", "Springfield", "--country", "US")
