"""Public reads of the synthesis: the Pact and the chain from a commitment back to voices
and statements. Only published things are shown; an unpublished voice or a statement that
is not approved counts but is never shown; speakers appear as ``speaker_display`` allows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from listening.conversations.models import (
    OpinionSnapshot,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from listening.programmes.models import Axis, Programme
from listening.synthesis.models import Commitment, KeyMessage, KeyMessageStatus
from listening.voices.models import Voice, VoiceStatus
from listening.voices.selectors import speaker_display


@dataclass
class ShownVoice:
    pk: int
    text: str
    speaker: str


@dataclass
class ShownStatement:
    pk: int
    text: str
    conversation: str
    agree: int = 0
    disagree: int = 0
    passed: int = 0
    seen: int = 0
    bridging: float | None = None

    @classmethod
    def of(cls, statement: Statement, figures: dict[str, Any]) -> ShownStatement:
        """A statement with its figures from the latest opinion map (``result["statements"]``)."""
        return cls(
            pk=statement.pk,
            text=statement.text,
            conversation=statement.conversation.topic,
            agree=int(figures.get("agree", 0)),
            disagree=int(figures.get("disagree", 0)),
            passed=int(figures.get("pass", 0)),
            seen=int(figures.get("seen", 0)),
            bridging=float(figures["bridging"]) if "bridging" in figures else None,
        )


@dataclass
class Evidence:
    key_message: KeyMessage
    voices: list[ShownVoice] = field(default_factory=list)
    statements: list[ShownStatement] = field(default_factory=list)
    voice_count: int = 0  # every supporting voice, shown or not
    statement_count: int = 0
    # Lineage: the earlier key messages this one was merged or split from (public ones only).
    made_from: list[KeyMessage] = field(default_factory=list)


@dataclass
class PactCommitment:
    commitment: Commitment
    evidence: list[Evidence]


@dataclass
class PactChapter:
    axis: str
    label: str
    description: str
    commitments: list[PactCommitment]


def published_key_messages() -> QuerySet[KeyMessage]:
    return KeyMessage.objects.filter(status=KeyMessageStatus.PUBLISHED)


def public_sources() -> QuerySet[KeyMessage]:
    """Key messages that may be named as the source of a merge or split: those that were
    published before they were retired (a key message is never unpublished, so a publication
    date means the public saw it); a draft merged away is never named."""
    return KeyMessage.objects.filter(published_at__isnull=False).order_by("pk")


def _latest_figures(conversation_ids: set[int]) -> dict[int, dict[str, Any]]:
    figures: dict[int, dict[str, Any]] = {}
    for snap in OpinionSnapshot.objects.filter(conversation_id__in=conversation_ids).order_by(
        "conversation_id", "-computed_at", "-pk"
    ):
        figures.setdefault(snap.conversation_id, (snap.result or {}).get("statements", {}))
    return figures


def evidence_for(key_messages: list[KeyMessage]) -> dict[int, Evidence]:
    """The shown and counted evidence of each key message, in a fixed number of queries."""
    ids = [km.pk for km in key_messages]
    out = {km.pk: Evidence(key_message=km) for km in key_messages}
    voice_links = KeyMessage.voices.through.objects.filter(keymessage_id__in=ids).select_related(
        "voice__speaker", "voice__city"
    )
    for link in voice_links.order_by("voice_id"):
        ev = out[link.keymessage_id]
        ev.voice_count += 1
        voice: Voice = link.voice
        if voice.status == VoiceStatus.PUBLISHED:
            ev.voices.append(ShownVoice(voice.pk, voice.text, speaker_display(voice)))
    statement_links = list(
        KeyMessage.statements.through.objects.filter(keymessage_id__in=ids)
        .select_related("statement__conversation")
        .order_by("statement_id")
    )
    figures = _latest_figures({sl.statement.conversation_id for sl in statement_links})
    for slink in statement_links:
        ev = out[slink.keymessage_id]
        ev.statement_count += 1
        statement: Statement = slink.statement
        if statement.status != StatementStatus.APPROVED:
            continue
        f = figures.get(statement.conversation_id, {}).get(str(statement.pk), {})
        ev.statements.append(ShownStatement.of(statement, f))
    sources = KeyMessage.sources.through.objects.filter(
        from_keymessage_id__in=ids, to_keymessage__in=public_sources()
    ).select_related("to_keymessage")
    for source in sources.order_by("to_keymessage_id"):
        out[source.from_keymessage_id].made_from.append(source.to_keymessage)
    return out


def pact(programme: Programme) -> list[PactChapter]:
    """The programme's published commitments by axis, each with its chain of evidence."""
    commitments = list(
        Commitment.objects.filter(programme=programme, is_published=True)
        .prefetch_related(
            Prefetch("key_messages", queryset=published_key_messages(), to_attr="shown_messages"),
            "updates",
        )
        .order_by("axis", "pk")
    )
    messages = {km.pk: km for c in commitments for km in c.shown_messages}
    evidence = evidence_for(list(messages.values()))
    by_axis: dict[str, list[PactCommitment]] = defaultdict(list)
    for c in commitments:
        by_axis[c.axis].append(PactCommitment(c, [evidence[km.pk] for km in c.shown_messages]))
    return [
        PactChapter(axis=value, label=label, description=description, commitments=by_axis[value])
        for value, label, description in programme.axes()
    ]


def pact_programmes() -> list[Programme]:
    """Programmes with at least one published commitment."""
    return list(Programme.objects.filter(commitments__is_published=True).distinct().order_by("pk"))


@dataclass
class VoiceDestination:
    key_message: KeyMessage
    commitments: list[Commitment]


def voice_destinations(voice: Voice) -> list[VoiceDestination]:
    """Where a voice went: the published key messages it supports and their public commitments."""
    messages = (
        published_key_messages()
        .filter(voices=voice)
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.filter(is_published=True),
                to_attr="shown_commitments",
            )
        )
        .order_by("pk")
    )
    return [VoiceDestination(km, km.shown_commitments) for km in messages]


__all__ = ["Axis", "pact", "pact_programmes", "voice_destinations"]


# --- "Where did my statements go": a conversation participant's own statements and votes ---


@dataclass
class StatementDestination:
    """One statement the participant wrote or voted on, and where it went."""

    statement: ShownStatement
    wrote: bool
    vote: int | None  # the participant's own current vote (-1, 0, 1), if any
    destinations: list[VoiceDestination]


@dataclass
class ParticipantDestinations:
    statements: list[StatementDestination]
    written: int = 0  # statements the participant wrote
    voted: int = 0  # statements the participant voted on


def participant_destinations(participant: Participant) -> ParticipantDestinations:
    """For the statements ``participant`` wrote or voted on, the published key messages each
    supports and their published commitments, with the statement's vote figures.

    Only this participant's own statements and votes are read; nobody else's participation
    appears (figures are the conversation's totals from its latest opinion map). A statement
    the participant voted on but did not write is shown only while it is approved.
    """
    written_ids = set(Statement.objects.filter(author=participant).values_list("pk", flat=True))
    votes = dict(Vote.objects.filter(participant=participant).values_list("statement_id", "value"))
    ids = written_ids | set(votes)
    result = ParticipantDestinations(statements=[], written=len(written_ids), voted=len(votes))
    if not ids:
        return result
    messages = list(
        published_key_messages()
        .filter(statements__in=ids)
        .distinct()
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.filter(is_published=True).order_by("pk"),
                to_attr="shown_commitments",
            )
        )
        .order_by("pk")
    )
    if not messages:
        return result
    links = KeyMessage.statements.through.objects.filter(
        keymessage_id__in=[km.pk for km in messages], statement_id__in=ids
    ).values_list("statement_id", "keymessage_id")
    by_statement: dict[int, list[int]] = defaultdict(list)
    for statement_id, km_id in links:
        by_statement[statement_id].append(km_id)
    by_pk = {km.pk: km for km in messages}
    statements = (
        Statement.objects.filter(pk__in=by_statement, conversation=participant.conversation)
        .select_related("conversation")
        .order_by("pk")
    )
    figures = _latest_figures({participant.conversation_id}).get(participant.conversation_id, {})
    for statement in statements:
        wrote = statement.pk in written_ids
        if not wrote and statement.status != StatementStatus.APPROVED:
            continue
        f = figures.get(str(statement.pk), {})
        shown = ShownStatement.of(statement, f)
        destinations = [
            VoiceDestination(by_pk[km_id], by_pk[km_id].shown_commitments)
            for km_id in sorted(by_statement[statement.pk])
        ]
        result.statements.append(
            StatementDestination(shown, wrote, votes.get(statement.pk), destinations)
        )
    return result
