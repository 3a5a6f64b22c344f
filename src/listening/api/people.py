"""People and organisations, read-only: ``/api/people/`` (listed people only) and
``/api/organisations/``, each with ``/<slug>``.

A person who did not consent to be listed is in no answer, not even by slug; their
voices are quoted by name only with every consent (people.selectors, voices.selectors).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from listening.api.common import (
    LANG_DESCRIPTION,
    CityRef,
    Converted,
    Detail,
    Named,
    Pages,
)
from listening.api.schemas import QuerySchema
from listening.api.voices import VoiceOut, city_ref, voice_out
from listening.people.selectors import (
    organisation_public,
    organisations_involved,
    people_listed,
    person_public,
)
from listening.places.selectors import country_name
from listening.public.navigation import real_link
from listening.voices.selectors import voices_attributed_to

router = Router(tags=["people"])


class SessionRole(Schema):
    slug: str
    title: str
    role: str
    role_label: str


class PersonOut(Schema):
    slug: str
    name: str
    title: str
    kind: str
    kind_label: str
    organisation: Named | None
    city: CityRef | None
    sessions: list[SessionRole]


class PersonDetailOut(PersonOut):
    voices: list[VoiceOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    country: str
    country_name: str
    website: str


class OrganisationDetailOut(OrganisationOut):
    sessions: list[SessionRole]
    members: list[Named]


class PeopleQuery(QuerySchema):
    kind: str = ""
    region: str = ""
    country: str = ""
    lang: str = ""


def _sessions(participations: Any) -> list[dict[str, Any]]:
    return [
        {
            "slug": p.session.slug,
            "title": p.session.title,
            "role": p.role,
            "role_label": str(p.get_role_display()),
        }
        for p in participations
    ]


def _person(person: Any) -> dict[str, Any]:
    organisation = person.organisation
    return {
        "slug": person.slug,
        "name": person.name,
        "title": person.title,
        "kind": person.kind,
        "kind_label": str(person.get_kind_display()),
        "organisation": {"slug": organisation.slug, "name": organisation.name}
        if organisation
        else None,
        "city": city_ref(person.city),
        "sessions": _sessions(person.participations.all()),
    }


def _organisation(organisation: Any) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": str(organisation.get_kind_display()),
        "country": organisation.country,
        "country_name": country_name(organisation.country) if organisation.country else "",
        "website": real_link(organisation.website),
    }


@router.get(
    "/people/",
    response={200: list[PersonOut], 422: Detail},
    summary="People listed with their consent",
)
@paginate(Pages)
def person_index(request: HttpRequest, filters: Query[PeopleQuery]) -> Any:
    people = people_listed(kind=filters.kind, region=filters.region, country=filters.country)
    return Converted(people, _person)


@router.get(
    "/people/{slug}",
    response={200: PersonDetailOut, 404: Detail},
    summary="One listed person, the sessions they took part in and what they said",
    description=LANG_DESCRIPTION,
)
def person_one(request: HttpRequest, slug: str, lang: str = "") -> dict[str, Any]:
    person = person_public(slug)
    if person is None:
        raise HttpError(404, "There is no such person.")
    voices = [voice_out(v) for v in voices_attributed_to(person.pk)]
    return {**_person(person), "voices": voices}


@router.get(
    "/organisations/",
    response={200: list[OrganisationOut], 422: Detail},
    summary="Organisations involved",
)
@paginate(Pages)
def organisation_index(request: HttpRequest, filters: Query[PeopleQuery]) -> Any:
    found = organisations_involved(
        kind=filters.kind, region=filters.region, country=filters.country
    )
    return Converted(found, _organisation)


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, 404: Detail},
    summary="One organisation, its sessions and its listed members",
    description=LANG_DESCRIPTION,
)
def organisation_one(request: HttpRequest, slug: str, lang: str = "") -> dict[str, Any]:
    organisation = organisation_public(slug)
    if organisation is None:
        raise HttpError(404, "There is no such organisation.")
    return {
        **_organisation(organisation),
        "sessions": _sessions(organisation.sessions),  # type: ignore[attr-defined]
        "members": [
            {"slug": m.slug, "name": m.name}
            for m in organisation.listed_members  # type: ignore[attr-defined]
        ],
    }
