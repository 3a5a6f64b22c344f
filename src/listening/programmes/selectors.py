from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from listening.people.models import Organisation, Person
from listening.places.models import City
from listening.programmes.models import ListeningSession, Programme, SessionStatus
from listening.voices.models import Voice, VoiceStatus

HELD = [SessionStatus.HELD, SessionStatus.PUBLISHED]


@dataclass(frozen=True)
class ProgrammeCounters:
    sessions_held: int
    voices_heard: int
    cities: int
    countries: int
    organisations: int
    experts: int


def programme_current() -> Programme | None:
    """The programme the home page presents: the one with the most recent session."""
    return (
        Programme.objects.order_by("-sessions__starts_at", "name").first()
        or Programme.objects.first()
    )


def listed_people() -> QuerySet[Person]:
    """People who consented to appear publicly: the only people any public page may show."""
    return Person.objects.filter(consent_listed=True)


def programme_cities(programme: Programme) -> QuerySet[City]:
    """Cities represented: those of listed people taking part and of published voices."""
    return City.objects.filter(
        Q(people__participations__session__programme=programme, people__consent_listed=True)
        | Q(voices__session__programme=programme, voices__status=VoiceStatus.PUBLISHED)
    ).distinct()


def programme_counters(programme: Programme) -> ProgrammeCounters:
    cities = programme_cities(programme)
    return ProgrammeCounters(
        sessions_held=ListeningSession.objects.filter(programme=programme, status__in=HELD).count(),
        voices_heard=Voice.objects.filter(
            session__programme=programme, status=VoiceStatus.PUBLISHED
        ).count(),
        cities=cities.count(),
        countries=cities.values("country").distinct().order_by().count(),
        organisations=Organisation.objects.filter(
            Q(participations__session__programme=programme)
            | Q(
                members__participations__session__programme=programme,
                members__consent_listed=True,
            )
        )
        .distinct()
        .count(),
        experts=listed_people()
        .filter(participations__session__programme=programme)
        .distinct()
        .count(),
    )
