"""HostileInputMiddleware: NUL characters in addresses, oversized API bodies (docs/security.md)."""

import pytest

from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_nul_in_a_page_path_is_the_404_page(client):
    ConversationFactory(slug="healthy-cities")
    response = client.get("/conversations/healthy-cities%00/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_a_page_query_string_is_left_to_the_page(client):
    ConversationFactory(slug="healthy-cities")
    response = client.get("/conversations/healthy-cities/?page=1%00")
    assert response.status_code == 200


def test_nul_in_an_api_query_string_is_ignored_like_any_unknown_parameter(client):
    ConversationFactory(slug="healthy-cities")
    response = client.get("/api/conversations/healthy-cities?x=%00")
    assert response.status_code == 200


def test_large_get_body_is_not_refused(client, settings):
    settings.API_MAX_BODY_BYTES = 10
    ConversationFactory(slug="healthy-cities")
    response = client.generic(
        "GET", "/api/conversations/healthy-cities", "x" * 100, content_type="text/plain"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/conversations/healthy-cities/participants", "/conversations/"]
)
@pytest.mark.parametrize("length", ["lots", "-5", "1e3", "9" * 5000])
def test_malformed_content_length_is_400(client, path, length):
    ConversationFactory(slug="healthy-cities")
    response = client.post(
        path,
        "",
        content_type="application/json",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400
    assert "Content-Length" in response.content.decode()


def test_api_address_no_route_matches_is_a_json_404(client):
    response = client.get("/api/voices/-100")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
