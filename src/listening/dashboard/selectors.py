"""What the organisers' dashboard shows, in a fixed number of queries however much data there
is: what needs attention, recent activity, and counts per session and theme."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from listening.conversations.models import Conversation, ModerationLog, Statement, StatementStatus
from listening.people.models import Person
from listening.programmes.models import (
    ListeningSession,
    OutcomeDocument,
    Participation,
    Programme,
    Theme,
)
from listening.voices.models import Voice, VoiceStatus

RECENT = 10


@dataclass
class Attention:
    pending_statements: list[Conversation] = field(default_factory=list)
    empty_conversations: list[Conversation] = field(default_factory=list)
    voices_unpublished: int = 0
    voices_awaiting_consent: int = 0
    people_awaiting_consent: int = 0
    sessions_without_report: list[ListeningSession] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            sum(c.pending for c in self.pending_statements)  # type: ignore[attr-defined]
            + len(self.empty_conversations)
            + self.voices_unpublished
            + self.voices_awaiting_consent
            + self.people_awaiting_consent
            + len(self.sessions_without_report)
        )


def attention() -> Attention:
    now = timezone.now()
    conversations = list(
        Conversation.objects.annotate(
            pending=Count("statements", filter=Q(statements__status=StatementStatus.PENDING)),
            approved=Count("statements", filter=Q(statements__status=StatementStatus.APPROVED)),
        )
        .filter(Q(pending__gt=0) | Q(approved=0, is_closed=False))
        .order_by("-pending", "topic")
    )
    return Attention(
        pending_statements=[c for c in conversations if c.pending],
        empty_conversations=[c for c in conversations if not c.approved],
        voices_unpublished=Voice.objects.exclude(status=VoiceStatus.PUBLISHED).count(),
        voices_awaiting_consent=Voice.objects.filter(
            speaker__isnull=False, attribution_consent=False
        ).count(),
        people_awaiting_consent=Person.objects.filter(consent_listed=False)
        .filter(Exists(Participation.objects.filter(person=OuterRef("pk"))))
        .count(),
        sessions_without_report=list(
            ListeningSession.objects.filter(ends_at__lt=now)
            .exclude(Exists(OutcomeDocument.objects.filter(session=OuterRef("pk"))))
            .order_by("-ends_at")[:RECENT]
        ),
    )


def recent_activity() -> dict[str, list[Any]]:
    return {
        "changes": list(
            LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[
                :RECENT
            ]
        ),
        "statements": list(
            Statement.objects.filter(is_seed=False)
            .select_related("conversation")
            .order_by("-created_at", "-id")[:RECENT]
        ),
        "moderation": list(
            ModerationLog.objects.select_related("conversation", "actor", "statement")[:RECENT]
        ),
    }


def programme_counts() -> list[dict[str, Any]]:
    """Per programme: its sessions and themes with voices (published / all) and people."""
    programmes = list(Programme.objects.order_by("name"))
    sessions = ListeningSession.objects.annotate(
        voices_all=Count("voices", distinct=True),
        voices_published=Count(
            "voices", filter=Q(voices__status=VoiceStatus.PUBLISHED), distinct=True
        ),
        people=Count(
            "participations", filter=Q(participations__person__isnull=False), distinct=True
        ),
        partners=Count(
            "participations", filter=Q(participations__organisation__isnull=False), distinct=True
        ),
        documents=Count("outcome_documents", distinct=True),
    ).order_by("-starts_at")
    themes = Theme.objects.annotate(
        session_count=Count("sessions", distinct=True),
        voices_all=Count("voices", distinct=True),
        voices_published=Count(
            "voices", filter=Q(voices__status=VoiceStatus.PUBLISHED), distinct=True
        ),
    ).order_by("position", "name")
    by_programme: dict[int, dict[str, Any]] = {
        p.pk: {"programme": p, "sessions": [], "themes": []} for p in programmes
    }
    for session in sessions:
        by_programme[session.programme_id]["sessions"].append(session)
    for theme in themes:
        by_programme[theme.programme_id]["themes"].append(theme)
    return list(by_programme.values())
