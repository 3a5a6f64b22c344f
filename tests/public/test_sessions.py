import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from listening.programmes.models import Axis, OutcomeDocument, Role, SessionStatus
from listening.voices.models import VoiceStatus
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


def _json_ld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_session_index_lists_sessions_of_every_status(client):
    planned = ListeningSessionFactory(status=SessionStatus.PLANNED, title="Planned one")
    held = ListeningSessionFactory(status=SessionStatus.HELD, title="Held one")
    page = client.get("/sessions/").content.decode()
    assert planned.title in page
    assert held.title in page


def test_session_index_filters_by_theme_axis_status_and_year(client):
    theme = ThemeFactory()
    themed = ListeningSessionFactory(title="Themed", themes=[theme], axis=Axis.PLANET)
    old_start = timezone.now().replace(year=2020)
    old = ListeningSessionFactory(
        title="Old one",
        starts_at=old_start,
        ends_at=old_start + dt.timedelta(hours=1),
        status=SessionStatus.HELD,
    )
    for query, present, absent in [
        (f"theme={theme.slug}", themed, old),
        ("axis=planet", themed, old),
        ("status=held", old, themed),
        ("year=2020", old, themed),
    ]:
        page = client.get(f"/sessions/?{query}").content.decode()
        assert present.title in page, query
        assert absent.title not in page, query


def test_session_page_shows_agenda_speakers_partners_recording_and_published_voices(client):
    session = ListeningSessionFactory(recording_url="https://video.example.org/rec/1")
    AgendaItemFactory(session=session, title="Opening words")
    speaker = PersonFactory(
        name="Dr Amara Diop",
        city=CityFactory(name="Dakar"),
        organisation=OrganisationFactory(name="Université de Dakar"),
    )
    ParticipationFactory(session=session, person=speaker, role=Role.SPEAKER)
    ParticipationFactory(
        session=session,
        person=None,
        organisation=OrganisationFactory(name="Partner Network"),
        role=Role.PARTNER,
    )
    VoiceFactory(session=session, text="A published voice")
    VoiceFactory(session=session, text="A draft voice", status=VoiceStatus.DRAFT)
    OutcomeDocument.objects.create(
        session=session, title="Outcome report", url="https://example.org/report.pdf"
    )
    page = client.get(f"/sessions/{session.slug}/").content.decode()
    for text in [
        "Opening words",
        "Dr Amara Diop",
        "Dakar",
        "Université de Dakar",
        "Partner Network",
        "https://video.example.org/rec/1",
        "A published voice",
        "Outcome report",
        f"/sessions/{session.slug}.ics",
    ]:
        assert text in page, text
    assert "A draft voice" not in page


def test_session_page_never_shows_unlisted_people(client):
    session = ListeningSessionFactory()
    hidden = PersonFactory(name="Hidden Person", consent_listed=False, consent_quoted=False)
    for role in (Role.SPEAKER, Role.PARTICIPANT, Role.MODERATOR):
        ParticipationFactory(session=session, person=hidden, role=role)
    ParticipationFactory(session=session, person=PersonFactory(name="Listed Person"))
    page = client.get(f"/sessions/{session.slug}/").content.decode()
    assert "Hidden Person" not in page
    assert "Listed Person" in page
    performers = [p["name"] for p in _json_ld(page)["performer"]]
    assert performers == ["Listed Person"]


def test_session_page_json_ld_is_a_schema_org_event_that_cannot_close_its_script(client):
    session = ListeningSessionFactory(title="Cities </script><script>alert(1)</script>")
    page = client.get(f"/sessions/{session.slug}/").content.decode()
    data = _json_ld(page)
    assert data["@type"] == "Event"
    assert data["@context"] == "https://schema.org"
    assert data["name"] == session.title
    assert data["startDate"].startswith(str(session.starts_at.year))
    assert "<script>alert(1)</script>" not in page


def test_session_page_unknown_slug_is_404(client):
    assert client.get("/sessions/no-such-session/").status_code == 404
    assert client.get("/sessions/no-such-session.ics").status_code == 404


def test_sessions_ics_is_a_valid_calendar_of_every_session(client):
    sessions = ListeningSessionFactory.create_batch(3)
    ListeningSessionFactory(status=SessionStatus.PLANNED)
    response = client.get("/sessions.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 4
    assert {str(e["SUMMARY"]) for e in events} >= {s.title for s in sessions}
    assert calendar["VERSION"] == "2.0"
    assert "PRODID" in calendar
    for event in events:
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert event["UID"]
        assert event["DTSTAMP"]


def test_session_ics_has_one_event_without_people(client):
    session = ListeningSessionFactory()
    ParticipationFactory(session=session, person=PersonFactory(name="Speaker Name"))
    response = client.get(f"/sessions/{session.slug}.ics")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert str(event["URL"]).endswith(f"/sessions/{session.slug}/")
    assert b"Speaker Name" not in response.content
