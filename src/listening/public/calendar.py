"""iCalendar (RFC 5545) export of listening sessions, built with the icalendar package.

People are never named in the feed: a calendar is copied far and wide, and consent is per page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from listening.programmes.models import ListeningSession, SessionStatus

PRODID = "-//Listening//Listening sessions//EN"


def session_event(session: ListeningSession, url: str, stamp: object) -> Event:
    event = Event()
    event.add("uid", f"listening-session-{session.pk}-{session.slug}")
    event.add("dtstamp", stamp)
    # In the session's own zone: the feed carries TZID (and a VTIMEZONE, added in build()), so
    # a calendar shows "09:00 Bogotá" as the organisers wrote it, and the instant stays exact.
    zone = session.local_timezone
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title)
    if session.summary:
        event.add("description", session.summary)
    event.add("url", url)
    event.add("status", "TENTATIVE" if session.status == SessionStatus.PLANNED else "CONFIRMED")
    event.add("categories", [str(session.get_axis_display())])
    event.add("location", str(session.get_format_display()))
    return event


def build(request: HttpRequest, sessions: Iterable[ListeningSession]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Listening sessions"))
    stamp = timezone.now()
    for session in sessions:
        url = request.build_absolute_uri(reverse("public:session", args=[session.slug]))
        calendar.add_component(session_event(session, url, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def response(
    request: HttpRequest, sessions: Iterable[ListeningSession], *, filename: str
) -> HttpResponse:
    reply = HttpResponse(build(request, sessions), content_type="text/calendar; charset=utf-8")
    reply["Content-Disposition"] = f'inline; filename="{filename}"'
    return reply
