"""Reads of listening sessions for the public site.

These belong with programmes.selectors; they live here until that module's owners take them
(see docs/public-site.md). Consent applies: only listed people appear as participants.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from listening.programmes.models import (
    AgendaItem,
    ListeningSession,
    OutcomeDocument,
    Participation,
    SessionStatus,
)


@dataclass(frozen=True)
class SessionFilters:
    theme: str = ""
    axis: str = ""
    status: str = ""
    year: int | None = None


def public_participations() -> QuerySet[Participation]:
    """Organisations, and people who consented to be listed; never anyone else."""
    return (
        Participation.objects.filter(Q(person__isnull=True) | Q(person__consent_listed=True))
        .select_related("person", "person__organisation", "person__city", "organisation")
        .order_by("position", "id")
    )


def session_list(filters: SessionFilters) -> QuerySet[ListeningSession]:
    sessions = (
        ListeningSession.objects.select_related("programme")
        .prefetch_related("themes")
        .order_by("-starts_at", "id")
    )
    if filters.theme:
        sessions = sessions.filter(themes__slug=filters.theme).distinct()
    if filters.axis:
        sessions = sessions.filter(axis=filters.axis)
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    if filters.year:
        sessions = sessions.filter(starts_at__year=filters.year)
    return sessions


def session_years() -> list[int]:
    return sorted({d.year for d in ListeningSession.objects.dates("starts_at", "year")})


def sessions_upcoming(limit: int = 3) -> list[ListeningSession]:
    return list(
        ListeningSession.objects.filter(status=SessionStatus.PLANNED, ends_at__gte=timezone.now())
        .prefetch_related("themes")
        .order_by("starts_at", "id")[:limit]
    )


def session_detail(slug: str) -> ListeningSession | None:
    """A session with its agenda, themes, outcome documents and public participations."""
    return (
        ListeningSession.objects.select_related("programme", "venue_city")
        .prefetch_related(
            "themes",
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "id")),
            Prefetch("outcome_documents", queryset=OutcomeDocument.objects.order_by("title")),
            Prefetch("participations", queryset=public_participations(), to_attr="public"),
        )
        .filter(slug=slug)
        .first()
    )


def sessions_for_calendar() -> QuerySet[ListeningSession]:
    return ListeningSession.objects.select_related("programme").order_by("starts_at", "id")
