import pytest

from listening.programmes.models import SessionStatus
from tests.factories import ListeningSessionFactory, VoiceFactory

pytestmark = pytest.mark.django_db


def test_home_shows_live_counters(client):
    session = ListeningSessionFactory(status=SessionStatus.PUBLISHED)
    VoiceFactory.create_batch(3, session=session)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert session.programme.name in page
    assert 'data-counter="voices_heard">3<' in page
    assert 'data-counter="sessions_held">1<' in page


def test_home_without_programme_explains_how_to_load_demo(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "listening demo" in response.content.decode()
