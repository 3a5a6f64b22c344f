"""Listening sessions, read-only: ``GET /api/sessions/`` and ``/api/sessions/<slug>``.

The same selectors and filters as the public pages; only people who consented to be listed
appear among a session's participants.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from listening.api.common import (
    LANG_DESCRIPTION,
    Converted,
    Detail,
    Named,
    Pages,
)
from listening.api.schemas import QuerySchema
from listening.public.selectors import SessionFilters, session_detail, session_list

router = Router(tags=["sessions"])


class ThemeOut(Schema):
    slug: str
    name: str


class SessionOut(Schema):
    slug: str
    title: str
    programme: Named
    axis: str
    axis_label: str
    status: str
    status_label: str
    format: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    languages: list[str]
    summary: str
    themes: list[ThemeOut]
    url: str


class ParticipantOut(Schema):
    role: str
    role_label: str
    kind: str  # "person" or "organisation"
    slug: str
    name: str


class AgendaOut(Schema):
    starts_at: dt.time | None
    title: str
    description: str


class DocumentOut(Schema):
    title: str
    url: str
    language: str


class SessionDetailOut(SessionOut):
    recording_url: str
    agenda: list[AgendaOut]
    participants: list[ParticipantOut]
    outcome_documents: list[DocumentOut]


class SessionQuery(QuerySchema):
    theme: str = ""
    axis: str = ""
    status: str = ""
    year: Annotated[int, Field(ge=1, le=9999)] | None = None
    lang: str = ""


def _session(session: Any) -> dict[str, Any]:
    return {
        "slug": session.slug,
        "title": session.title,
        "programme": {"slug": session.programme.slug, "name": session.programme.name},
        "axis": session.axis,
        "axis_label": str(session.get_axis_display()),
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "format": session.format,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "timezone": session.timezone,
        "languages": list(session.languages or []),
        "summary": session.summary,
        "themes": [{"slug": t.slug, "name": t.name} for t in session.themes.all()],
        "url": reverse("public:session", args=[session.slug]),
    }


@router.get(
    "/", response={200: list[SessionOut], 422: Detail}, summary="Listening sessions, newest first"
)
@paginate(Pages)
def session_index(request: HttpRequest, filters: Query[SessionQuery]) -> list[dict[str, Any]]:
    found = session_list(
        SessionFilters(
            theme=filters.theme, axis=filters.axis, status=filters.status, year=filters.year
        )
    )
    return Converted(found, _session)  # type: ignore[return-value]


@router.get(
    "/{slug}",
    response={200: SessionDetailOut, 404: Detail},
    summary="One session with its agenda, participants and outcome documents",
    description=LANG_DESCRIPTION,
)
def session_one(request: HttpRequest, slug: str, lang: str = "") -> dict[str, Any]:
    session = session_detail(slug)
    if session is None:
        raise HttpError(404, "There is no such session.")
    participants = []
    for item in session.public:  # type: ignore[attr-defined]
        who = item.person or item.organisation
        participants.append(
            {
                "role": item.role,
                "role_label": str(item.get_role_display()),
                "kind": "person" if item.person_id else "organisation",
                "slug": who.slug,
                "name": who.name,
            }
        )
    return {
        **_session(session),
        "recording_url": session.recording_url,
        "agenda": [
            {"starts_at": a.starts_at, "title": a.title, "description": a.description}
            for a in session.agenda_items.all()
        ],
        "participants": participants,
        "outcome_documents": [
            {
                "title": d.title,
                "url": d.url or (d.file.url if d.file else ""),
                "language": d.language,
            }
            for d in session.outcome_documents.all()
        ],
    }
