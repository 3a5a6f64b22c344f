"""The synthesis, read-only: ``GET /api/pact/``, ``/api/key-messages/``,
``/api/key-messages/<id>`` and ``/api/commitments/<id>``.

Only published key messages and published commitments; their evidence as on the public
pages (``synthesis.selectors``): an unpublished voice or a statement that is not approved
is counted but never shown, and a speaker who did not consent to be quoted appears only by
kind and city.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from listening.api.common import LANG_DESCRIPTION, Converted, Detail, Named, Pages
from listening.api.schemas import Id, QuerySchema
from listening.synthesis.models import Commitment, KeyMessage
from listening.synthesis.selectors import (
    Evidence,
    evidence_for,
    pact,
    pact_programmes,
    public_sources,
    published_key_messages,
)

router = Router(tags=["synthesis"])


class SessionRef(Schema):
    slug: str
    title: str


class CommitmentRef(Schema):
    id: int
    title: str
    status: str
    status_label: str
    url: str


class SourceOut(Schema):
    id: int
    title: str
    published_at: dt.datetime | None


class KeyMessageOut(Schema):
    id: int
    title: str
    text: str
    programme: Named
    session: SessionRef | None
    theme: Named | None
    axis: str
    axis_label: str
    published_at: dt.datetime | None
    voice_count: int
    statement_count: int
    commitments: list[CommitmentRef]
    made_from: list[SourceOut]
    url: str


class EvidenceVoiceOut(Schema):
    id: int
    text: str
    speaker: str
    url: str


class EvidenceStatementOut(Schema):
    id: int
    text: str
    conversation: str
    agree: int
    disagree: int
    passed: int
    seen: int
    bridging: float | None


class EvidenceOut(Schema):
    voice_count: int
    statement_count: int
    voices: list[EvidenceVoiceOut]
    statements: list[EvidenceStatementOut]


class KeyMessageDetailOut(KeyMessageOut):
    evidence: EvidenceOut


class ProgressOut(Schema):
    date: dt.date
    text: str
    status: str
    status_label: str


class KeyMessageChainOut(Schema):
    id: int
    title: str
    text: str
    url: str
    evidence: EvidenceOut
    made_from: list[SourceOut]


class CommitmentOut(Schema):
    id: int
    title: str
    text: str
    axis: str
    axis_label: str
    status: str
    status_label: str
    progress: list[ProgressOut]
    key_messages: list[KeyMessageChainOut]
    url: str


class CommitmentDetailOut(CommitmentOut):
    programme: Named


class ChapterOut(Schema):
    axis: str
    label: str
    description: str
    commitments: list[CommitmentOut]


class ProgrammePactOut(Schema):
    programme: Named
    chapters: list[ChapterOut]


class KeyMessageQuery(QuerySchema):
    # InputSchema: a NUL character in a filter is a 422 (PostgreSQL cannot compare it).
    programme: str = ""
    axis: str = ""
    theme: str = ""
    lang: str = ""


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {
        "voice_count": ev.voice_count,
        "statement_count": ev.statement_count,
        "voices": [
            {
                "id": v.pk,
                "text": v.text,
                "speaker": v.speaker,
                "url": reverse("public:voice", args=[v.pk]),
            }
            for v in ev.voices
        ],
        "statements": [
            {
                "id": s.pk,
                "text": s.text,
                "conversation": s.conversation,
                "agree": s.agree,
                "disagree": s.disagree,
                "passed": s.passed,
                "seen": s.seen,
                "bridging": s.bridging,
            }
            for s in ev.statements
        ],
    }


def _sources(made_from: list[KeyMessage]) -> list[dict[str, Any]]:
    return [{"id": s.pk, "title": s.title, "published_at": s.published_at} for s in made_from]


def _commitment_ref(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "url": reverse("api:commitment_one", kwargs={"pk": c.pk}),
    }


def _key_message(km: Any) -> dict[str, Any]:
    session = km.session
    theme = km.theme
    return {
        "id": km.pk,
        "title": km.title,
        "text": km.text,
        "programme": {"slug": km.programme.slug, "name": km.programme.name},
        "session": {"slug": session.slug, "title": session.title} if session else None,
        "theme": {"slug": theme.slug, "name": theme.name} if theme else None,
        "axis": km.axis,
        "axis_label": str(km.get_axis_display()) if km.axis else "",
        "published_at": km.published_at,
        "voice_count": km.voice_count,
        "statement_count": km.statement_count,
        "commitments": [_commitment_ref(c) for c in km.shown_commitments],
        "made_from": _sources(km.shown_sources),
        "url": reverse("api:key_message_one", kwargs={"pk": km.pk}),
    }


def _key_messages() -> Any:
    return (
        published_key_messages()
        .select_related("programme", "session", "theme")
        .annotate(
            voice_count=Count("voices", distinct=True),
            statement_count=Count("statements", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.filter(is_published=True).order_by("pk"),
                to_attr="shown_commitments",
            ),
            Prefetch("sources", queryset=public_sources(), to_attr="shown_sources"),
        )
        .order_by("pk")
    )


def _commitment(c: Commitment, evidence: list[Evidence]) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "text": c.text,
        "axis": c.axis,
        "axis_label": str(c.get_axis_display()),
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "progress": [
            {
                "date": u.date,
                "text": u.text,
                "status": u.status,
                "status_label": str(u.get_status_display()),
            }
            for u in c.updates.all()
        ],
        "key_messages": [
            {
                "id": ev.key_message.pk,
                "title": ev.key_message.title,
                "text": ev.key_message.text,
                "url": reverse("api:key_message_one", kwargs={"pk": ev.key_message.pk}),
                "evidence": _evidence(ev),
                "made_from": _sources(ev.made_from),
            }
            for ev in evidence
        ],
        "url": reverse("api:commitment_one", kwargs={"pk": c.pk}),
    }


@router.get(
    "/pact/",
    response={200: list[ProgrammePactOut], 422: Detail},
    summary="The Pact: each programme's published commitments by axis",
    description="Each commitment with its status, progress updates and the chain back to "
    "its published key messages and their evidence. " + LANG_DESCRIPTION,
)
def pact_index(request: HttpRequest, lang: str = "") -> list[dict[str, Any]]:
    out = []
    for programme in pact_programmes():
        chapters = [
            {
                "axis": chapter.axis,
                "label": str(chapter.label),
                "description": chapter.description or "",
                "commitments": [
                    _commitment(item.commitment, item.evidence) for item in chapter.commitments
                ],
            }
            for chapter in pact(programme)
        ]
        out.append(
            {"programme": {"slug": programme.slug, "name": programme.name}, "chapters": chapters}
        )
    return out


@router.get(
    "/key-messages/",
    response={200: list[KeyMessageOut], 422: Detail},
    summary="Published key messages",
    description="Filter by programme slug, axis (people, planet, government) or theme slug. "
    + LANG_DESCRIPTION,
)
@paginate(Pages)
def key_message_index(request: HttpRequest, filters: Query[KeyMessageQuery]) -> Any:
    rows = _key_messages()
    if filters.programme:
        rows = rows.filter(programme__slug=filters.programme)
    if filters.axis:
        rows = rows.filter(axis=filters.axis)
    if filters.theme:
        rows = rows.filter(theme__slug=filters.theme)
    return Converted(rows, _key_message)


@router.get(
    "/key-messages/{int:pk}",
    response={200: KeyMessageDetailOut, 404: Detail, 422: Detail},
    url_name="key_message_one",
    summary="One published key message with its evidence",
    description="The published voices and approved conversation statements that support it, "
    "with their vote figures; the counts include what is not shown. " + LANG_DESCRIPTION,
)
def key_message_one(request: HttpRequest, pk: Id, lang: str = "") -> dict[str, Any]:
    km = _key_messages().filter(pk=pk).first()
    if km is None:
        raise HttpError(404, "There is no such published key message.")
    return {**_key_message(km), "evidence": _evidence(evidence_for([km])[km.pk])}


@router.get(
    "/commitments/{int:pk}",
    response={200: CommitmentDetailOut, 404: Detail, 422: Detail},
    url_name="commitment_one",
    summary="One published commitment and the chain back to its key messages",
    description=LANG_DESCRIPTION,
)
def commitment_one(request: HttpRequest, pk: Id, lang: str = "") -> dict[str, Any]:
    commitment = (
        Commitment.objects.filter(pk=pk, is_published=True)
        .select_related("programme")
        .prefetch_related("updates")
        .first()
    )
    if commitment is None:
        raise HttpError(404, "There is no such published commitment.")
    messages = list(
        published_key_messages().filter(commitments=commitment).distinct().order_by("pk")
    )
    evidence = evidence_for(messages)
    programme = commitment.programme
    return {
        **_commitment(commitment, [evidence[km.pk] for km in messages]),
        "programme": {"slug": programme.slug, "name": programme.name},
    }
