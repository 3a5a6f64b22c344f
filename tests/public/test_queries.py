"""Every list page runs the same number of queries for 1 item as for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listening.programmes.models import Role, SessionStatus
from tests.factories import (
    AgendaItemFactory,
    CityFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db


def _voices(count: int) -> None:
    theme = ThemeFactory()
    for _ in range(count):
        VoiceFactory(themes=[theme], city=CityFactory())


def _sessions(count: int) -> None:
    theme = ThemeFactory()
    for n in range(count):
        starts = timezone.now() + dt.timedelta(days=n + 1)
        ListeningSessionFactory(
            themes=[theme],
            status=SessionStatus.PLANNED,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )


def _home(count: int) -> None:
    _sessions(count)
    _voices(count)


def _people(count: int) -> None:
    session = ListeningSessionFactory()
    for _ in range(count):
        ParticipationFactory(session=session, person=PersonFactory(city=CityFactory()))


def _organisations(count: int) -> None:
    session = ListeningSessionFactory()
    for _ in range(count):
        ParticipationFactory(
            session=session, person=None, organisation=OrganisationFactory(), role=Role.PARTNER
        )


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/", _home),
        ("/sessions/", _sessions),
        ("/sessions.ics", _sessions),
        ("/voices/", _voices),
        ("/voices/?q=shaded&region=africa", _voices),
        ("/cities/", _voices),
        ("/cities.geojson", _voices),
        ("/people/", _people),
        ("/organisations/", _organisations),
        ("/fr/voices/", _voices),
    ],
)
def test_list_page_queries_do_not_grow_with_items(client, path, make):
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    make(49)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many]


def test_session_page_queries_do_not_grow_with_speakers_and_voices(client):
    session = ListeningSessionFactory(themes=[ThemeFactory()])

    def add(count: int) -> None:
        for _ in range(count):
            ParticipationFactory(session=session)
            ParticipationFactory(
                session=session, person=None, organisation=OrganisationFactory(), role=Role.PARTNER
            )
            VoiceFactory(session=session)
            AgendaItemFactory(session=session)

    add(1)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/sessions/{session.slug}/")
    add(49)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/sessions/{session.slug}/")
    assert len(many) == len(one)
