"""schema.org JSON-LD for public pages, serialised so that no text can close its <script>."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from listening.programmes.models import ListeningSession, Participation, SessionFormat

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_MODES: dict[str, str] = {
    SessionFormat.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    SessionFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    SessionFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def session_event(session: ListeningSession, speakers: list[Participation], url: str) -> SafeString:
    """An Event; `speakers` must already be the public (consented) participations."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "description": session.summary,
        # With the session's own UTC offset, as schema.org and search engines expect.
        "startDate": session.starts_at.astimezone(session.local_timezone).isoformat(),
        "endDate": session.ends_at.astimezone(session.local_timezone).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": _MODES.get(session.format, _MODES[SessionFormat.ONLINE]),
        "url": url,
        "inLanguage": list(session.languages or []),
        "organizer": {"@type": "Organization", "name": session.programme.name},
    }
    if session.format != SessionFormat.IN_PERSON:
        data["location"] = {"@type": "VirtualLocation", "url": session.recording_url or url}
    performers = []
    for participation in speakers:
        person = participation.person
        if person is None or not person.consent_listed:
            continue
        entry: dict[str, Any] = {"@type": "Person", "name": person.name}
        if person.organisation is not None:
            entry["affiliation"] = {"@type": "Organization", "name": person.organisation.name}
        performers.append(entry)
    if performers:
        data["performer"] = performers
    return json_ld_script(data)
