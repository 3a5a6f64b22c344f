"""Sessions are typed and shown in their own time zone, and stored as the right instant."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from listening.programmes.models import ListeningSession
from tests.factories import ListeningSessionFactory, ProgrammeFactory, ThemeFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _admin_post_data(response) -> dict[str, object]:
    """What the admin's change form would send back unchanged (main form and inlines)."""
    form = response.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = field.widget
        if hasattr(widget, "widgets") and len(widget.widgets) == 2:  # SplitDateTimeWidget
            parts = widget.decompress(value)
            data[f"{name}_0"] = parts[0].isoformat() if parts[0] else ""
            data[f"{name}_1"] = parts[1].strftime("%H:%M:%S") if parts[1] else ""
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def _save(admin_client, session, **changes):
    url = reverse("admin:programmes_listeningsession_change", args=[session.pk])
    data = _admin_post_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


@pytest.fixture
def session():
    return ListeningSessionFactory(
        slug="bogota",
        timezone="America/Bogota",
        starts_at=dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
        themes=[ThemeFactory()],
    )


def test_admin_shows_times_in_the_session_zone(admin_client, session):
    url = reverse("admin:programmes_listeningsession_change", args=[session.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form["starts_at"].value() == dt.datetime(2026, 3, 20, 9, 0)  # 14:00 UTC in Bogotá
    assert form["ends_at"].value() == dt.datetime(2026, 3, 20, 11, 0)
    assert ("America/Bogota", "America/Bogota") in form.fields["timezone"].choices


def test_admin_time_typed_in_bogota_is_stored_west_of_utc(admin_client, session):
    response = _save(
        admin_client,
        session,
        starts_at_1="09:00:00",
        ends_at_1="11:00:00",
        timezone="America/Bogota",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC)
    assert session.ends_at == dt.datetime(2026, 3, 20, 16, 0, tzinfo=UTC)


def test_admin_time_typed_in_tokyo_is_stored_east_of_utc(admin_client, session):
    response = _save(
        admin_client,
        session,
        timezone="Asia/Tokyo",
        starts_at_0="2026-03-20",
        starts_at_1="09:00:00",
        ends_at_0="2026-03-20",
        ends_at_1="11:00:00",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 3, 20, 0, 0, tzinfo=UTC)
    assert session.ends_at == dt.datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
    assert session.timezone == "Asia/Tokyo"


def test_admin_session_across_the_paris_dst_change_lasts_two_hours(admin_client, session):
    # 29 March 2026, Paris: 02:00 becomes 03:00. 01:00–04:00 on the clock is two hours.
    response = _save(
        admin_client,
        session,
        timezone="Europe/Paris",
        starts_at_0="2026-03-29",
        starts_at_1="01:00:00",
        ends_at_0="2026-03-29",
        ends_at_1="04:00:00",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert session.ends_at - session.starts_at == dt.timedelta(hours=2)


def test_admin_refuses_the_hour_skipped_by_daylight_saving(admin_client, session):
    before = (session.starts_at, session.ends_at, session.timezone)
    response = _save(
        admin_client,
        session,
        timezone="Europe/Paris",
        starts_at_0="2026-03-29",
        starts_at_1="02:30:00",
        ends_at_0="2026-03-29",
        ends_at_1="05:00:00",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "does not exist in Europe/Paris" in str(errors["starts_at"])
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.timezone) == before


def test_admin_refuses_the_hour_repeated_when_clocks_go_back(admin_client, session):
    response = _save(
        admin_client,
        session,
        timezone="Europe/Paris",
        starts_at_0="2026-10-25",
        starts_at_1="01:00:00",
        ends_at_0="2026-10-25",
        ends_at_1="02:30:00",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "happens twice in Europe/Paris" in str(errors["ends_at"])
    assert "starts_at" not in errors


def test_admin_refuses_a_zone_that_is_not_iana(admin_client, session):
    response = _save(admin_client, session, timezone="Mars/Olympus")
    assert response.status_code == 200
    assert "timezone" in response.context["adminform"].form.errors
    assert ListeningSession.objects.get(pk=session.pk).timezone == "America/Bogota"


def test_admin_add_session_in_tokyo(admin_client):
    programme = ProgrammeFactory()
    theme = ThemeFactory(programme=programme)
    url = reverse("admin:programmes_listeningsession_add")
    data = _admin_post_data(admin_client.get(url))
    data.update(
        programme=programme.pk,
        title_en="Tokyo dialogue",
        slug="tokyo-dialogue",
        themes=[theme.pk],
        axis="people",
        format="online",
        status="planned",
        languages=["en"],
        timezone="Asia/Tokyo",
        starts_at_0="2026-07-01",
        starts_at_1="18:30:00",
        ends_at_0="2026-07-01",
        ends_at_1="20:00:00",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = ListeningSession.objects.get(slug="tokyo-dialogue")
    assert session.starts_at == dt.datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "offset"), [("America/Bogota", "-05:00"), ("Asia/Tokyo", "+09:00")]
)
def test_json_ld_carries_the_session_offset(client, zone, offset):
    session = ListeningSessionFactory(
        timezone=zone,
        starts_at=dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
    )
    page = client.get(f"/sessions/{session.slug}/").content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page, re.S).group(1))
    start = dt.datetime.fromisoformat(data["startDate"])
    assert data["startDate"].endswith(offset)
    assert start == session.starts_at  # the same instant


@pytest.mark.parametrize("zone", ["America/Bogota", "Asia/Tokyo", "Europe/Paris"])
def test_ics_carries_tzid_with_its_vtimezone_and_the_right_instant(client, zone):
    session = ListeningSessionFactory(
        timezone=zone,
        starts_at=dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC),
    )
    body = client.get(f"/sessions/{session.slug}.ics").content
    assert f"DTSTART;TZID={zone}:".encode() in body
    calendar = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
    event = calendar.walk("VEVENT")[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == session.starts_at and end == session.ends_at
    assert start.utcoffset() == session.starts_at.astimezone(ZoneInfo(zone)).utcoffset()


def test_session_page_shows_local_time_and_marks_it_for_the_visitor_zone(client):
    session = ListeningSessionFactory(
        timezone="America/Bogota",
        starts_at=dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC),
        ends_at=dt.datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
    )
    page = client.get(f"/sessions/{session.slug}/").content.decode()
    assert 'datetime="2026-03-20T09:00:00-05:00" data-zone="America/Bogota"' in page
    assert "9 a.m." in page or "09:00" in page
    assert "local-time.js" in page


def test_admin_list_shows_the_local_start(admin_client, session):
    page = admin_client.get(reverse("admin:programmes_listeningsession_changelist")).content
    assert "(America/Bogota)" in page.decode()
    assert "9 a.m." in page.decode() or "09:00" in page.decode()
