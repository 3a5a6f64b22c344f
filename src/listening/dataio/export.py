"""A programme's data as files: sessions, people, organisations and voices, each as CSV,
XLSX and JSON (the same columns the import reads).

Two audiences. ``public``: only people who consented to be listed, only published voices, a
speaker named only when the voice may be attributed, no consent or status columns — what
may be published. ``organisers``: every row and column an organiser keeps, consent flags and
draft voices included, for a backup or to edit and import again; it is personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet

from listening.dataio.fastrows import dataset_of, xlsx_bytes
from listening.dataio.resources import ListeningResource
from listening.people.models import Organisation, Person
from listening.people.resources import OrganisationResource, PersonResource, PublicPersonResource
from listening.programmes.models import ListeningSession, Participation, Programme
from listening.programmes.resources import (
    ListeningSessionResource,
    PublicListeningSessionResource,
)
from listening.voices.models import Voice, VoiceStatus
from listening.voices.resources import PublicVoiceResource, VoiceResource

Audience = Literal["public", "organisers"]
FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Table:
    name: str
    resource: ListeningResource
    rows: QuerySet[Any]


def programme_tables(programme: Programme, audience: Audience) -> list[Table]:
    public = audience == "public"
    sessions = (
        ListeningSession.objects.filter(programme=programme)
        # One join rather than a prefetch of people by id (SQLite refuses a long list of them).
        .prefetch_related(
            "themes",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person", "organisation"),
            ),
        )
        .select_related("programme", "venue_city")
        .order_by("starts_at", "id")
    )
    voices = (
        Voice.objects.filter(session__programme=programme)
        .select_related("session", "speaker", "city")
        .prefetch_related("themes")
        .order_by("id")
    )
    involved = Participation.objects.filter(session__programme=programme)
    people = (
        Person.objects.filter(
            Q(pk__in=involved.values("person")) | Q(pk__in=voices.values("speaker"))
        )
        .select_related("organisation", "city")
        .order_by("slug")
    )
    if public:
        voices = voices.filter(status=VoiceStatus.PUBLISHED)
        # A speaker who may not be named is not a listed person of this export.
        people = people.filter(consent_listed=True).filter(
            Q(pk__in=involved.values("person"))
            | Q(pk__in=voices.filter(attribution_consent=True).values("speaker"))
        )
    organisations = Organisation.objects.filter(
        Q(pk__in=involved.values("organisation")) | Q(pk__in=people.values("organisation"))
    ).order_by("slug")
    return [
        Table(
            "sessions",
            PublicListeningSessionResource() if public else ListeningSessionResource(),
            sessions,
        ),
        Table("people", PublicPersonResource() if public else PersonResource(), people),
        Table("organisations", OrganisationResource(), organisations),
        Table("voices", PublicVoiceResource() if public else VoiceResource(), voices),
    ]


def dataset_bytes(dataset: Any, fmt: str) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(dataset.headers, dataset)
    if fmt == "json":
        return dataset.export("json").encode()  # type: ignore[no-any-return]
    content = dataset.export(fmt)
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def table_bytes(table: Table, fmt: str) -> bytes:
    return dataset_bytes(dataset_of(table.resource, table.rows), fmt)


def table_files(table: Table) -> dict[str, bytes]:
    """The table in every format, from one read of its rows (dataio/fastrows.py: the same
    cells as ``table.resource.export``, faster)."""
    dataset = dataset_of(table.resource, table.rows)
    return {f"{table.name}.{fmt}": dataset_bytes(dataset, fmt) for fmt in FORMATS}


def programme_export(
    programme: Programme, folder: Path, *, audience: Audience = "public"
) -> list[Path]:
    """Write the programme's tables into ``folder`` (which the caller has checked)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in programme_tables(programme, audience):
        for fmt in FORMATS:
            path = folder / f"{table.name}.{fmt}"
            path.write_bytes(table_bytes(table, fmt))
            written.append(path)
    return written
