"""A programme's open data: every file of ``listening export-data`` and of ``/open-data/``.

Tables (CSV and JSON; the four the import reads also XLSX) of sessions, people,
organisations, voices, cities, conversations, key messages, commitments and the links between
them; each conversation in Polis's format (conversations/<slug>/); Popolo JSON of people and
organisations; GeoJSON of cities; iCalendar of sessions; and ``datapackage.json`` listing every
file with its schema (dataio/schema.py, described in docs/data-formats.md).

The ``public`` audience obeys consent everywhere: people who did not consent to be listed are
not named, unpublished voices, key messages and commitments are absent, and a conversation
holds only its approved statements. The ``organisers`` audience keeps everything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from icalendar import Calendar

from listening.analysis import write_polis_export
from listening.conversations import selectors as conversation_selectors
from listening.conversations.models import Conversation, Statement, StatementStatus
from listening.dataio import schema
from listening.dataio.export import FORMATS, programme_tables, table_files
from listening.dataio.schema import Audience, Field
from listening.places.models import City
from listening.programmes.models import ListeningSession, Programme
from listening.public.calendar import PRODID, session_event
from listening.synthesis.models import (
    Commitment,
    KeyMessage,
    KeyMessageStatus,
    ProgressUpdate,
)

MEDIATYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "ics": "text/calendar",
}
NEW_TABLES = (
    "cities",
    "conversations",
    "key_messages",
    "key_message_voices",
    "key_message_statements",
    "commitments",
    "commitment_key_messages",
    "commitment_updates",
)
POPOLO = "popolo.json"
GEOJSON = "cities.geojson"
ICALENDAR = "sessions.ics"
MANIFEST = "datapackage.json"
POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def city_label(city: City | None) -> str:
    """How the spreadsheet tables name a city (dataio.widgets.CityWidget)."""
    return f"{city.name}, {city.country}" if city else ""


def published_programmes() -> QuerySet[Programme]:
    """Programmes on the public site: those with at least one session."""
    return Programme.objects.filter(sessions__isnull=False).distinct().order_by("name", "pk")


def programme_conversations(programme: Programme) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(Q(programme=programme) | Q(session__programme=programme))
        .select_related("session")
        .distinct()
        .order_by("slug")
    )


def opendata_paths(programme: Programme) -> list[str]:
    """Every file an export of the programme holds, without building it (the same for both
    audiences)."""
    paths = [f"{t}.{fmt}" for t in schema.SPREADSHEET_TABLES for fmt in FORMATS]
    paths += [f"{t}.{fmt}" for t in NEW_TABLES for fmt in ("csv", "json")]
    for slug in programme_conversations(programme).values_list("slug", flat=True):
        paths += [f"conversations/{slug}/{name}" for name in POLIS_FILES]
    return [*paths, POPOLO, GEOJSON, ICALENDAR, MANIFEST]


# Rows -------------------------------------------------------------------------------------


def _utc(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _json_value(value: Any) -> Any:
    if value == "":
        return None
    return value


def rows_csv(fields: list[Field], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields])
    for row in rows:
        writer.writerow([_csv_value(row.get(f.name)) for f in fields])
    return out.getvalue().encode("utf-8")


def rows_json(fields: list[Field], rows: list[dict[str, Any]]) -> bytes:
    data = [{f.name: _json_value(row.get(f.name)) for f in fields} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass
class Export:
    """What one export holds, as the files read it."""

    programme: Programme
    audience: Audience
    sessions: list[ListeningSession] = field(default_factory=list)
    person_slugs: set[str] = field(default_factory=set)
    voice_ids: set[int] = field(default_factory=set)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    polis: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return self.audience == "public"


def _spreadsheet_tables(ex: Export, only: set[str] | None) -> dict[str, QuerySet[Any]]:
    """The four tables the import reads, written unless ``only`` leaves them out (they are the
    slow part: django-import-export renders every row); returns their rows."""
    found: dict[str, QuerySet[Any]] = {}
    for table in programme_tables(ex.programme, ex.audience):
        if only is None or any(name.startswith(f"{table.name}.") for name in only):
            ex.files.update(table_files(table))
        found[table.name] = table.rows
    return found


def _cities(ex: Export, people: list[Any], voices: QuerySet[Any]) -> list[City]:
    ids = {s.venue_city_id for s in ex.sessions} | {p.city_id for p in people}
    ids |= set(voices.values_list("city_id", flat=True).distinct())
    cities = list(City.objects.filter(pk__in=ids - {None}).order_by("name", "country", "pk"))
    ex.rows["cities"] = [
        {
            "id": c.geonames_id,
            "label": city_label(c),
            "name": c.name,
            "country": c.country,
            "region": c.region,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "population": c.population,
            "timezone": c.timezone,
        }
        for c in cities
    ]
    return cities


def _public_polis(data: dict[str, Any]) -> dict[str, Any]:
    """Only approved statements and the votes on them."""
    comments = [c for c in data["comments"] if c["moderated"] == 1]
    kept = {c["id"] for c in comments}
    votes = [v for v in data["votes"] if v[1] in kept]
    summary = dict(data["summary"])
    summary["comments"] = len(comments)
    summary["commenters"] = len({c["author"] for c in comments if c["author"] is not None})
    summary["voters"] = len({v[0] for v in votes})
    return {**data, "comments": comments, "votes": votes, "summary": summary}


def _conversations(ex: Export) -> dict[int, dict[int, int | str]]:
    """Conversation rows and Polis data; returns, per conversation, statement pk → comment-id."""
    rows = []
    comment_ids: dict[int, dict[int, int | str]] = {}
    for conversation in programme_conversations(ex.programme):
        data = conversation_selectors.polis_export_data(conversation)
        if ex.public:
            data = _public_polis(data)
        ex.polis[conversation.slug] = data
        comment_ids[conversation.pk] = conversation_selectors.polis_ids(
            Statement.objects.filter(conversation=conversation).values_list("id", "external_id")
        )
        session = conversation.session
        rows.append(
            {
                "slug": conversation.slug,
                "topic": conversation.topic,
                "description": conversation.description,
                "session": session.slug
                if session and session.programme_id == ex.programme.pk
                else "",
                "opens_at": _utc(conversation.opens_at),
                "closes_at": _utc(conversation.closes_at),
                "folder": f"conversations/{conversation.slug}/",
                "comments": len(data["comments"]),
                "votes": len(data["votes"]),
            }
        )
    ex.rows["conversations"] = rows
    return comment_ids


def _synthesis(ex: Export, comment_ids: dict[int, dict[int, int | str]]) -> None:
    messages = (
        KeyMessage.objects.filter(programme=ex.programme)
        .select_related("session", "theme")
        .prefetch_related("sources")
        .order_by("pk")
    )
    commitments = Commitment.objects.filter(programme=ex.programme).order_by("axis", "pk")
    if ex.public:
        messages = messages.filter(status=KeyMessageStatus.PUBLISHED)
        commitments = commitments.filter(is_published=True)
    message_ids = {km.pk for km in messages}
    voice_links = list(
        KeyMessage.voices.through.objects.filter(keymessage_id__in=message_ids)
        .order_by("keymessage_id", "voice_id")
        .values_list("keymessage_id", "voice_id")
    )
    statement_links = list(
        KeyMessage.statements.through.objects.filter(keymessage_id__in=message_ids)
        .select_related("statement__conversation")
        .order_by("keymessage_id", "statement_id")
    )
    voice_count: dict[int, int] = {}
    for km_id, _voice in voice_links:
        voice_count[km_id] = voice_count.get(km_id, 0) + 1
    statement_count: dict[int, int] = {}
    for link in statement_links:
        statement_count[link.keymessage_id] = statement_count.get(link.keymessage_id, 0) + 1
    ex.rows["key_messages"] = [
        {
            "id": km.pk,
            "title": km.title,
            "text": km.text,
            "axis": km.axis,
            "session": km.session.slug
            if km.session and km.session.programme_id == ex.programme.pk
            else "",
            "theme": km.theme.slug if km.theme else "",
            "status": km.status,
            "published_at": _utc(km.published_at),
            "voice_count": voice_count.get(km.pk, 0),
            "statement_count": statement_count.get(km.pk, 0),
            "sources": sorted(s.pk for s in km.sources.all()),
        }
        for km in messages
    ]
    # Evidence: only links whose both ends are in the export (an unpublished voice counts above
    # but is never shown).
    ex.rows["key_message_voices"] = [
        {"key_message": km_id, "voice": voice_id}
        for km_id, voice_id in voice_links
        if voice_id in ex.voice_ids
    ]
    shown_statements = []
    for link in statement_links:
        statement = link.statement
        ids = comment_ids.get(statement.conversation_id)
        if ids is None or statement.pk not in ids:
            continue
        if ex.public and statement.status != StatementStatus.APPROVED:
            continue
        shown_statements.append(
            {
                "key_message": link.keymessage_id,
                "conversation": statement.conversation.slug,
                "comment_id": ids[statement.pk],
                "text": statement.text,
            }
        )
    ex.rows["key_message_statements"] = shown_statements
    ex.rows["commitments"] = [
        {
            "id": c.pk,
            "axis": c.axis,
            "title": c.title,
            "text": c.text,
            "status": c.status,
            "is_published": c.is_published,
            "created_at": _utc(c.created_at),
        }
        for c in commitments
    ]
    commitment_ids = {c.pk for c in commitments}
    ex.rows["commitment_key_messages"] = [
        {"commitment": c_id, "key_message": km_id}
        for c_id, km_id in Commitment.key_messages.through.objects.filter(
            commitment_id__in=commitment_ids, keymessage_id__in=message_ids
        )
        .order_by("commitment_id", "keymessage_id")
        .values_list("commitment_id", "keymessage_id")
    ]
    ex.rows["commitment_updates"] = [
        {
            "commitment": u.commitment_id,
            "date": u.date.isoformat(),
            "status": u.status,
            "text": u.text,
        }
        for u in ProgressUpdate.objects.filter(commitment_id__in=commitment_ids).order_by(
            "commitment_id", "date", "pk"
        )
    ]


def popolo_document(people: list[Any], organisations: list[Any]) -> dict[str, Any]:
    """Popolo (https://www.popoloproject.com/specs/) persons, organizations and memberships."""
    org_slugs = {o.slug for o in organisations}
    persons = [
        {"id": p.slug, "name": p.name, "kind": p.kind, "city": city_label(p.city)} for p in people
    ]
    organizations = []
    for o in organisations:
        item: dict[str, Any] = {
            "id": o.slug,
            "name": o.name,
            "classification": o.kind,
            "country": o.country,
        }
        if o.website:
            item["links"] = [{"url": o.website, "note": "website"}]
        organizations.append(item)
    memberships = [
        {
            "id": f"{p.slug}@{p.organisation.slug}",
            "person_id": p.slug,
            "organization_id": p.organisation.slug,
            "role": p.title,
        }
        for p in people
        if p.organisation is not None and p.organisation.slug in org_slugs
    ]
    return {"persons": persons, "organizations": organizations, "memberships": memberships}


def geojson_document(cities: list[City]) -> dict[str, Any]:
    """RFC 7946: a FeatureCollection of Points, [longitude, latitude] in WGS 84."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": c.geonames_id,
                "geometry": {"type": "Point", "coordinates": [c.longitude, c.latitude]},
                "properties": {
                    "label": city_label(c),
                    "name": c.name,
                    "country": c.country,
                    "region": c.region,
                    "population": c.population,
                },
            }
            for c in cities
        ],
    }


def icalendar_bytes(programme: Programme, sessions: list[ListeningSession]) -> bytes:
    """The sessions as public/calendar.py writes them, with links to the public site."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", programme.name)
    stamp = timezone.now()
    for session in sessions:
        url = settings.SITE_URL + reverse("public:session", args=[session.slug])
        calendar.add_component(session_event(session, url, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _resource(path: str, **extra: Any) -> dict[str, Any]:
    fmt = path.rsplit(".", 1)[1]
    name = path.rsplit(".", 1)[0].replace("/", "-").replace("_", "-").lower() + "-" + fmt
    text = {} if fmt == "xlsx" else {"encoding": "utf-8"}
    return {
        "name": name,
        "path": path,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        **text,
        **extra,
    }


def manifest(ex: Export) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the export."""
    resources = []
    for table in (*schema.SPREADSHEET_TABLES, *NEW_TABLES):
        fields = schema.table_fields(table, ex.audience)
        for fmt in FORMATS if table in schema.SPREADSHEET_TABLES else ("csv", "json"):
            resources.append(
                _resource(
                    f"{table}.{fmt}",
                    profile="tabular-data-resource",
                    schema=schema.schema_of(fields),
                )
            )
    for slug in ex.polis:
        for name, fields in schema.POLIS_TABLES.items():
            resource = _resource(
                f"conversations/{slug}/{name}.csv",
                profile="tabular-data-resource",
                schema=schema.schema_of(fields),
            )
            if name == "participants-votes":
                resource["description"] = (
                    "After these columns, one column per comment-id: 1 agree, -1 disagree, "
                    "0 pass, empty not voted."
                )
            resources.append(resource)
        resources.append(
            _resource(
                f"conversations/{slug}/summary.csv",
                description="Rows of key,value (no header): "
                + ", ".join(schema.POLIS_SUMMARY_KEYS),
            )
        )
    resources.append(
        _resource(
            POPOLO,
            description="Popolo persons, organizations and memberships.",
            **{
                "x-collections": {
                    k: schema.schema_of(v)["fields"] for k, v in schema.POPOLO.items()
                }
            },
        )
    )
    resources.append(
        _resource(
            GEOJSON,
            description="RFC 7946 FeatureCollection of Points: the cities.",
            **{"x-properties": schema.schema_of(schema.GEOJSON_PROPERTIES)["fields"]},
        )
    )
    resources.append(_resource(ICALENDAR, description="RFC 5545 calendar of the sessions."))
    audience = "public" if ex.public else "organisers (personal data: do not publish)"
    return {
        "profile": "data-package",
        "name": ex.programme.slug,
        "title": ex.programme.name,
        "description": f"Open data of {ex.programme.name}: {audience} export.",
        "x-audience": ex.audience,
        "created": _utc(timezone.now()),
        "resources": resources,
    }


def build(
    programme: Programme, audience: Audience, *, only: set[str] | None = None
) -> dict[str, bytes]:
    """Every file of the export, by its path inside the export; in the site's default
    language whatever the reader's (descriptions such as "A resident from Durban").
    ``only``: the caller needs these files only (the others may be missing)."""
    with override(settings.LANGUAGE_CODE):
        return _build(programme, audience, only)


def _build(programme: Programme, audience: Audience, only: set[str] | None) -> dict[str, bytes]:
    ex = Export(programme, audience)
    found = _spreadsheet_tables(ex, only)
    sessions, people = list(found["sessions"]), list(found["people"])
    organisations = list(found["organisations"])
    voices = found["voices"]
    ex.sessions = sessions
    ex.voice_ids = set(voices.values_list("pk", flat=True))
    cities = _cities(ex, people, voices)
    comment_ids = _conversations(ex)
    _synthesis(ex, comment_ids)
    for table in NEW_TABLES:
        fields = schema.table_fields(table, audience)
        ex.files[f"{table}.csv"] = rows_csv(fields, ex.rows[table])
        ex.files[f"{table}.json"] = rows_json(fields, ex.rows[table])
    ex.files[POPOLO] = json.dumps(
        popolo_document(people, organisations), ensure_ascii=False, indent=1
    ).encode("utf-8")
    ex.files[GEOJSON] = json.dumps(geojson_document(cities), ensure_ascii=False).encode("utf-8")
    ex.files[ICALENDAR] = icalendar_bytes(programme, sessions)
    with tempfile.TemporaryDirectory() as tmp:
        for slug, data in ex.polis.items():
            write_polis_export(Path(tmp) / slug, **data)
            for name in POLIS_FILES:
                ex.files[f"conversations/{slug}/{name}"] = (Path(tmp) / slug / name).read_bytes()
    ex.files[MANIFEST] = json.dumps(manifest(ex), ensure_ascii=False, indent=1).encode("utf-8")
    return ex.files


def opendata_write(programme: Programme, folder: Path, *, audience: Audience) -> list[Path]:
    """Write the export into ``folder`` (which the caller has checked)."""
    files = build(programme, audience)
    written = []
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def opendata_zip(programme: Programme, *, audience: Audience) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in build(programme, audience).items():
            archive.writestr(f"{programme.slug}/{name}", content)
    return buffer.getvalue()
