"""Reads about people and organisations for public pages: consent is applied here, once.

A person who did not consent to be listed is never returned by any selector of this module.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from listening.people.models import Organisation, Person
from listening.places.selectors import countries_of_region
from listening.programmes.models import Participation


def _involved_participations() -> QuerySet[Participation]:
    return Participation.objects.filter(person__consent_listed=True)


def people_listed(*, kind: str = "", region: str = "", country: str = "") -> QuerySet[Person]:
    """Listed people who took part in a session, with organisation, city and sessions."""
    people = (
        Person.objects.filter(consent_listed=True)
        .filter(Exists(Participation.objects.filter(person=OuterRef("pk"))))
        .select_related("organisation", "city")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("session").order_by(
                    "-session__starts_at"
                ),
            )
        )
        .order_by("name", "id")
    )
    if kind:
        people = people.filter(kind=kind)
    if region:
        people = people.filter(city__region=region)
    if country:
        people = people.filter(city__country=country)
    return people


def organisations_involved(
    *, kind: str = "", region: str = "", country: str = ""
) -> QuerySet[Organisation]:
    """Organisations that took part in a session themselves or through a listed member.

    The same definition as the home page's counter (programmes.selectors.programme_counters).
    """
    organisations = Organisation.objects.filter(
        Exists(Participation.objects.filter(organisation=OuterRef("pk")))
        | Exists(_involved_participations().filter(person__organisation=OuterRef("pk")))
    ).order_by("name", "id")
    if kind:
        organisations = organisations.filter(kind=kind)
    if region:
        organisations = organisations.filter(country__in=sorted(countries_of_region(region)))
    if country:
        organisations = organisations.filter(country=country)
    return organisations


def people_countries() -> set[str]:
    """Countries of listed people who took part (for the country filter)."""
    return set(
        Person.objects.filter(
            Q(consent_listed=True) & Exists(Participation.objects.filter(person=OuterRef("pk")))
        )
        .exclude(city__isnull=True)
        .values_list("city__country", flat=True)
        .distinct()
    )


def organisations_countries() -> set[str]:
    return set(organisations_involved().exclude(country="").values_list("country", flat=True))


def person_public(slug: str) -> Person | None:
    """A listed person with organisation, city and the sessions they took part in; None if
    they did not consent to be listed (or there is no such person)."""
    return (
        Person.objects.filter(consent_listed=True, slug=slug)
        .select_related("organisation", "city")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("session").order_by(
                    "-session__starts_at", "id"
                ),
            )
        )
        .first()
    )


def organisation_public(slug: str) -> Organisation | None:
    """An organisation involved in the programme, with its own participations (``.sessions``)
    and its listed members (``.listed_members``); others are never returned."""
    return (
        organisations_involved()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("session").order_by(
                    "-session__starts_at", "id"
                ),
                to_attr="sessions",
            ),
            Prefetch(
                "members",
                queryset=Person.objects.filter(consent_listed=True).order_by("name", "id"),
                to_attr="listed_members",
            ),
        )
        .first()
    )
