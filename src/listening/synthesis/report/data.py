"""What "The voices we heard" shows, read through the apps' selectors so that the consent
and publication rules are the site's own: published voices only, a speaker named only as
``voices.selectors.speaker_display`` allows, listed people only, published key messages and
commitments only, opinion maps as ``conversations.selectors.opinion_public`` shows them.

The reads take a fixed number of queries however many sessions, voices, cities, people and
key messages there are, plus three per conversation with an opinion map.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from listening.conversations.models import Conversation
from listening.conversations.selectors import opinion_latest, opinion_public, statement_texts
from listening.people.models import Organisation, PersonKind
from listening.people.selectors import organisations_involved, people_listed
from listening.places.models import City
from listening.places.regions import WorldRegion
from listening.places.selectors import CityParticipation, RegionGroup, cities_by_region
from listening.programmes.models import ListeningSession, Participation, Programme
from listening.synthesis.selectors import (
    Evidence,
    PactChapter,
    evidence_for,
    pact,
    published_key_messages,
)
from listening.voices.models import Voice
from listening.voices.selectors import published_voices, speaker_display, voices_in_order

QUOTES_PER_SESSION = 3
QUOTES_SESSION_REPORT = 30
QUOTES_MAX = 150
EVIDENCE_SHOWN = 2
MAP_STATEMENTS = 3


class ReportError(ValueError):
    """A report that cannot be made (unknown programme, session or language)."""


@dataclass
class Quote:
    text: str
    translation: str
    speaker: str


@dataclass
class SessionQuotes:
    session: ListeningSession
    quotes: list[Quote]


@dataclass
class Counted:
    """A row of a chart: a label, published voices and listed participants."""

    label: str
    voices: int = 0
    participants: int = 0

    @property
    def total(self) -> int:
        return self.voices + self.participants


@dataclass
class MapStatement:
    text: str
    agree: int
    disagree: int
    seen: int


@dataclass
class OpinionMap:
    conversation: Conversation
    computed_at: Any
    participants: list[tuple[float, float, int | None]]
    centres: dict[str, tuple[float, float]]
    group_sizes: dict[str, int]
    participant_count: int
    vote_count: int
    consensus: list[MapStatement]
    representative: dict[str, list[MapStatement]]


@dataclass
class ReportData:
    programme: Programme
    session: ListeningSession | None
    generated_at: Any
    sessions: list[ListeningSession]
    voices_heard: int
    voices_published: int
    key_messages: list[Evidence]
    quotes: list[SessionQuotes]
    regions: list[RegionGroup]
    city_count: int
    organisations: list[Organisation]
    by_region: list[Counted]
    by_kind: list[Counted]
    opinion_maps: list[OpinionMap]
    chapters: list[PactChapter]
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def commitment_count(self) -> int:
        return sum(len(chapter.commitments) for chapter in self.chapters)


def report_target(programme_slug: str, session_slug: str | None = None) -> tuple[Programme, Any]:
    """The programme (and session) a report is about, or ReportError naming what is wrong."""
    programme = Programme.objects.filter(slug=programme_slug).first()
    if programme is None:
        known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True))
        raise ReportError(
            f"There is no programme {programme_slug!r} (programmes: {known or 'none yet'})."
        )
    if not session_slug:
        return programme, None
    session = ListeningSession.objects.filter(slug=session_slug).first()
    if session is None:
        raise ReportError(f"There is no listening session {session_slug!r}.")
    if session.programme_id != programme.pk:
        raise ReportError(
            f"The session {session_slug!r} belongs to the programme "
            f"{session.programme.slug!r}, not to {programme.slug!r}."
        )
    return programme, session


def _quotes(sessions: list[ListeningSession], *, per_session: int) -> list[SessionQuotes]:
    """The latest published voices of each session (ids first, then one read of the rows)."""
    picked: dict[int, list[int]] = defaultdict(list)
    total = 0
    rows = (
        published_voices()
        .filter(session__in=sessions)
        .order_by("session_id", "-published_at", "-id")
        .values_list("session_id", "id")
    )
    for session_id, voice_id in rows.iterator(chunk_size=5_000):
        if len(picked[session_id]) < per_session and total < QUOTES_MAX:
            picked[session_id].append(voice_id)
            total += 1
    voices = {v.pk: v for v in voices_in_order([pk for ids in picked.values() for pk in ids])}
    out = []
    for session in sessions:
        shown = [voices[pk] for pk in picked.get(session.pk, []) if pk in voices]
        if shown:
            out.append(SessionQuotes(session, [_quote(v) for v in shown]))
    return out


def _quote(voice: Voice) -> Quote:
    translation = (voice.translation or "").strip()
    if translation == voice.text.strip():
        translation = ""
    return Quote(text=voice.text, translation=translation, speaker=speaker_display(voice))


def _participation(
    sessions: list[ListeningSession],
) -> tuple[list[CityParticipation], dict[str, Counter[str]]]:
    """Cities of published voices and of listed participants, as the cities page counts them."""
    voices = published_voices().filter(session__in=sessions).order_by()
    people = people_listed().filter(participations__session__in=sessions).order_by()
    voices_by_city = dict(
        voices.exclude(city=None).values_list("city_id").annotate(n=Count("id")).order_by()
    )
    people_by_city = dict(
        people.exclude(city=None)
        .values_list("city_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    cities = City.objects.filter(pk__in=set(voices_by_city) | set(people_by_city)).order_by(
        "name", "id"
    )
    by_city = [
        CityParticipation(c, voices_by_city.get(c.pk, 0), people_by_city.get(c.pk, 0))
        for c in cities
    ]
    kinds = {
        "voices": Counter(
            dict(voices.values_list("speaker_kind").annotate(n=Count("id")).order_by())
        ),
        "participants": Counter(
            dict(people.values_list("kind").annotate(n=Count("id", distinct=True)).order_by())
        ),
    }
    return by_city, kinds


def _by_region(cities: list[CityParticipation]) -> list[Counted]:
    rows = {region.value: Counted(str(region.label)) for region in WorldRegion}
    for item in cities:
        row = rows[item.city.region]
        row.voices += item.voices
        row.participants += item.participants
    return list(rows.values())


def _by_kind(kinds: dict[str, Counter[str]]) -> list[Counted]:
    return [
        Counted(str(kind.label), kinds["voices"][kind.value], kinds["participants"][kind.value])
        for kind in PersonKind
    ]


def _organisations(sessions: list[ListeningSession]) -> list[Organisation]:
    """Organisations that took part in these sessions themselves or through a listed member."""
    direct = Participation.objects.filter(session__in=sessions, organisation__isnull=False)
    members = people_listed().filter(participations__session__in=sessions)
    return list(
        organisations_involved().filter(
            Q(pk__in=direct.values("organisation_id"))
            | Q(pk__in=members.exclude(organisation=None).values("organisation_id"))
        )
    )


def _statement_row(texts: dict[str, str], figures: dict[str, Any], sid: str) -> MapStatement:
    f = figures.get(sid, {})
    return MapStatement(
        texts[sid], int(f.get("agree", 0)), int(f.get("disagree", 0)), int(f.get("seen", 0))
    )


def _opinion_map(conversation: Conversation) -> OpinionMap | None:
    snapshot = opinion_latest(conversation)
    if snapshot is None:
        return None
    result = opinion_public(conversation=conversation, snapshot=snapshot)
    texts = statement_texts(conversation=conversation)
    figures = result.get("statements", {})
    points = [
        (float(p["x"]), float(p["y"]), p.get("group"))
        for p in result.get("participants", {}).values()
        if p.get("in_conversation", True) and p.get("x") is not None and p.get("y") is not None
    ]
    groups = result.get("groups", {})
    consensus = [
        _statement_row(texts, figures, str(item["statement"]))
        for item in result.get("consensus", {}).get("agree", [])
        if str(item["statement"]) in texts
    ][:MAP_STATEMENTS]
    representative = {
        gid: [
            _statement_row(texts, figures, str(item["statement"]))
            for item in group.get("representative", [])
            if str(item["statement"]) in texts
        ][:MAP_STATEMENTS]
        for gid, group in groups.items()
    }
    return OpinionMap(
        conversation=conversation,
        computed_at=snapshot.computed_at,
        participants=points,
        centres={gid: tuple(g.get("center", (0.0, 0.0))) for gid, g in groups.items()},
        group_sizes={gid: int(g.get("size", 0)) for gid, g in groups.items()},
        participant_count=snapshot.participant_count,
        vote_count=snapshot.vote_count,
        consensus=consensus,
        representative=representative,
    )


def _key_messages(programme: Programme, session: ListeningSession | None) -> list[Evidence]:
    messages = published_key_messages().filter(programme=programme)
    if session is not None:
        messages = messages.filter(Q(session=session) | Q(voices__session=session)).distinct()
    evidence = evidence_for(list(messages.order_by("axis", "pk")))
    for ev in evidence.values():
        ev.voices = ev.voices[:EVIDENCE_SHOWN]
        ev.statements = ev.statements[:EVIDENCE_SHOWN]
    return list(evidence.values())


def _chapters(
    programme: Programme, key_messages: list[Evidence], session: ListeningSession | None
) -> list[PactChapter]:
    chapters = pact(programme)
    if session is None:
        return chapters
    # A session's report keeps the commitments its key messages led to.
    shown = {ev.key_message.pk for ev in key_messages}
    for chapter in chapters:
        chapter.commitments = [
            c for c in chapter.commitments if {e.key_message.pk for e in c.evidence} & shown
        ]
    return chapters


def report_data(*, programme: Programme, session: ListeningSession | None = None) -> ReportData:
    """Everything the report shows, in the active language."""
    if session is not None:
        sessions = [session]
    else:
        sessions = list(programme.sessions.select_related("venue_city").order_by("starts_at"))
    cities, kinds = _participation(sessions)
    key_messages = _key_messages(programme, session)
    conversations = Conversation.objects.order_by("opens_at", "pk")
    if session is not None:
        conversations = conversations.filter(session=session)
    else:
        conversations = conversations.filter(
            Q(programme=programme) | Q(session__programme=programme)
        )
    maps = [m for m in (_opinion_map(c) for c in conversations) if m is not None]
    all_voices = Voice.objects.filter(session__in=sessions)
    return ReportData(
        programme=programme,
        session=session,
        generated_at=timezone.now(),
        sessions=sessions,
        voices_heard=all_voices.count(),
        voices_published=published_voices().filter(session__in=sessions).count(),
        key_messages=key_messages,
        quotes=_quotes(
            sessions,
            per_session=QUOTES_SESSION_REPORT if session is not None else QUOTES_PER_SESSION,
        ),
        regions=cities_by_region(cities),
        city_count=len(cities),
        organisations=_organisations(sessions),
        by_region=_by_region(cities),
        by_kind=_by_kind(kinds),
        opinion_maps=maps,
        chapters=_chapters(programme, key_messages, session),
    )
