import pytest

from listening.places.models import City

pytestmark = pytest.mark.django_db


def test_admin_add_city_resolves_through_gazetteer(admin_client):
    response = admin_client.post(
        "/admin/places/city/add/", {"name": "Durban", "country_hint": "ZA"}
    )
    assert response.status_code == 302
    city = City.objects.get()
    assert (city.country, city.geonames_id) == ("ZA", 1007311)


def test_admin_add_ambiguous_city_shows_candidates(admin_client):
    response = admin_client.post(
        "/admin/places/city/add/", {"name": "Springfield", "country_hint": "US"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is ambiguous" in page
    assert page.count("Springfield, US (GeoNames") >= 2
    assert "Please give the GeoNames id of the one you mean." in page
    assert "--geonames-id" not in page  # command-line wording has no place in a form
    assert not City.objects.exists()


def test_admin_add_unknown_city_is_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/places/city/add/", {"name": "Atlantis", "country_hint": "GR"}
    )
    assert response.status_code == 200
    assert "No city called &#x27;Atlantis&#x27;" in response.content.decode()
    assert not City.objects.exists()
