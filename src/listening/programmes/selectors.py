from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from listening.people.models import Person
from listening.places.models import City
from listening.programmes.models import ListeningSession, Participation, Programme, SessionStatus
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


def programme_sample_exists() -> bool:
    """Whether any programme holds sample data (the site then says so on every page)."""
    return Programme.objects.filter(is_sample=True).exists()


def listed_people() -> QuerySet[Person]:
    """People who consented to appear publicly: the only people any public page may show."""
    return Person.objects.filter(consent_listed=True)


def _programme_city_ids(programme: Programme) -> set[int]:
    """Ids of the cities represented: of listed people taking part and of published voices.

    Two narrow DISTINCT queries, merged in Python: one OR across both joins made the database
    multiply participations by voices (seconds at 100k voices).
    """
    from_people = Participation.objects.filter(
        session__programme=programme, person__consent_listed=True, person__city__isnull=False
    ).values_list("person__city_id", flat=True)
    from_voices = Voice.objects.filter(
        session__programme=programme, status=VoiceStatus.PUBLISHED, city__isnull=False
    ).values_list("city_id", flat=True)
    return set(from_people.distinct().order_by()) | set(from_voices.distinct().order_by())


def programme_counters(programme: Programme) -> ProgrammeCounters:
    city_ids = _programme_city_ids(programme)
    partner_ids = Participation.objects.filter(
        session__programme=programme, organisation__isnull=False
    ).values_list("organisation_id", flat=True)
    member_organisation_ids = Participation.objects.filter(
        session__programme=programme,
        person__consent_listed=True,
        person__organisation__isnull=False,
    ).values_list("person__organisation_id", flat=True)
    organisations = set(partner_ids.distinct().order_by()) | set(
        member_organisation_ids.distinct().order_by()
    )
    return ProgrammeCounters(
        sessions_held=ListeningSession.objects.filter(programme=programme, status__in=HELD).count(),
        voices_heard=Voice.objects.filter(
            session__programme=programme, status=VoiceStatus.PUBLISHED
        ).count(),
        cities=len(city_ids),
        countries=City.objects.filter(pk__in=city_ids)
        .values("country")
        .distinct()
        .order_by()
        .count(),
        organisations=len(organisations),
        experts=Participation.objects.filter(
            session__programme=programme, person__consent_listed=True
        )
        .values("person_id")
        .distinct()
        .order_by()
        .count(),
    )
