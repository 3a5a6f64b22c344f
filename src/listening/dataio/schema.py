"""What each file of the open-data export holds: its fields, their types, which are required,
and how files link up. ``datapackage.json`` (opendata.py) is written from these tables, and
the tests re-read every exported file against it; docs/data-formats.md describes the same.

Types are those of the Frictionless Table Schema (string, integer, number, boolean, date,
datetime, duration). ``link`` names the ``table.field`` a value points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from listening.people.models import OrganisationKind, PersonKind
from listening.places.regions import WorldRegion
from listening.programmes.models import Axis, SessionFormat, SessionStatus
from listening.synthesis.models import CommitmentStatus, KeyMessageStatus
from listening.voices.models import VoiceKind, VoiceLanguage, VoiceStatus

Audience = Literal["public", "organisers"]

# The spreadsheet tables of the import write times as on the session's clock, and yes/no.
LOCAL_DATETIME = "%Y-%m-%d %H:%M"
YES_NO = {"trueValues": ["yes"], "falseValues": ["no"]}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    organisers_only: bool = False
    link: str = ""  # "table.field" the value points at
    format: str = ""
    many: bool = False  # several values separated by ";"
    extra: tuple[tuple[str, Any], ...] = ()
    enum: tuple[str, ...] = ()

    def as_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.format:
            out["format"] = self.format
        out["description"] = self.description
        out["constraints"] = {"required": self.required}
        if self.enum:
            out["constraints"]["enum"] = list(self.enum)
        if self.many:
            out["x-separator"] = ";"
        if self.link:
            out["x-link"] = self.link
        out.update(dict(self.extra))
        return out


def F(name: str, type_: str, description: str, **kwargs: Any) -> Field:
    if type_ == "boolean" and "extra" not in kwargs:
        kwargs["extra"] = tuple(YES_NO.items())
    return Field(name, type_, description, **kwargs)


CITY = "cities.label"
AXES = tuple(Axis.values)

TABLES: dict[str, list[Field]] = {
    "sessions": [
        F("programme", "string", "The programme's slug.", required=True),
        F("slug", "string", "The session's identifier.", required=True),
        F("title", "string", "Title.", required=True),
        F("themes", "string", "Slugs of the programme's themes.", many=True),
        F("axis", "string", "people, planet or government.", required=True, enum=AXES),
        F(
            "starts_at",
            "datetime",
            "Start, on the session's clock (timezone).",
            required=True,
            format=LOCAL_DATETIME,
        ),
        F(
            "ends_at",
            "datetime",
            "End, on the session's clock.",
            required=True,
            format=LOCAL_DATETIME,
        ),
        F("timezone", "string", "IANA time zone of the session.", required=True),
        F(
            "format",
            "string",
            "in_person, online or hybrid.",
            required=True,
            enum=tuple(SessionFormat.values),
        ),
        F("languages", "string", "Language codes.", many=True),
        F(
            "status",
            "string",
            "planned, held, or published (its outcomes are out).",
            enum=tuple(SessionStatus.values),
        ),
        F("summary", "string", "What the session was about."),
        F("recording_url", "string", "Link to the recording."),
        F("venue_city", "string", "The city of the venue.", link=CITY),
        F("venue_address", "string", "Venue and address."),
        F("online_url", "string", "Link to join online."),
        F(
            "speakers",
            "string",
            "Slugs of the people who spoke (listed people only in the public export).",
            many=True,
            link="people.slug",
        ),
        F(
            "partners",
            "string",
            "Slugs of partner organisations.",
            many=True,
            link="organisations.slug",
        ),
    ],
    "people": [
        F("slug", "string", "The person's identifier.", required=True),
        F("name", "string", "Name.", required=True),
        F("title", "string", "Title or role."),
        F("organisation", "string", "Slug of their organisation.", link="organisations.slug"),
        F("city", "string", "Their city.", link=CITY),
        F("kind", "string", "Kind of stakeholder.", required=True, enum=tuple(PersonKind.values)),
        F(
            "consent_listed",
            "boolean",
            "May be listed publicly.",
            organisers_only=True,
            required=True,
        ),
        F(
            "consent_quoted",
            "boolean",
            "May be quoted by name.",
            organisers_only=True,
            required=True,
        ),
    ],
    "organisations": [
        F("slug", "string", "The organisation's identifier.", required=True),
        F("name", "string", "Name.", required=True),
        F(
            "kind",
            "string",
            "Kind of organisation.",
            required=True,
            enum=tuple(OrganisationKind.values),
        ),
        F("country", "string", "ISO 3166-1 alpha-2 code."),
        F("website", "string", "Website."),
    ],
    "voices": [
        F("id", "integer", "The voice's identifier.", required=True),
        F(
            "session",
            "string",
            "Slug of the session it was heard in.",
            required=True,
            link="sessions.slug",
        ),
        F("text", "string", "The words as spoken.", required=True),
        F(
            "language",
            "string",
            "Language of the text (en, fr, es).",
            required=True,
            enum=tuple(VoiceLanguage.values),
        ),
        F("kind", "string", "quote, testimony or recommendation.", enum=tuple(VoiceKind.values)),
        F(
            "speaker",
            "string",
            "Public export: the speaker's slug when they agreed to be named "
            'with this voice, otherwise a description such as "A resident from Durban". '
            "Organisers' export: the speaker's slug.",
            extra=(("x-link-when-slug", "people.slug"),),
        ),
        F("speaker_kind", "string", "Kind of speaker.", enum=tuple(PersonKind.values)),
        F("city", "string", "The speaker's city.", link=CITY),
        F("themes", "string", "Slugs of themes.", many=True),
        F("axis", "string", "people, planet or government; empty: none.", enum=AXES),
        F("recording_offset", "duration", "Time in the recording, hh:mm:ss.", format="hh:mm:ss"),
        F(
            "status",
            "string",
            "draft, approved or published.",
            organisers_only=True,
            required=True,
            enum=tuple(VoiceStatus.values),
        ),
        F(
            "attribution_consent",
            "boolean",
            "The speaker agreed to be named with this voice.",
            organisers_only=True,
            required=True,
        ),
    ],
    "cities": [
        F("id", "integer", "GeoNames id.", required=True),
        F("label", "string", '"Name, CC": how the other files name the city.', required=True),
        F("name", "string", "Name.", required=True),
        F("country", "string", "ISO 3166-1 alpha-2 code.", required=True),
        F("region", "string", "World region.", required=True, enum=tuple(WorldRegion.values)),
        F("latitude", "number", "WGS 84 latitude.", required=True),
        F("longitude", "number", "WGS 84 longitude.", required=True),
        F("population", "integer", "Population (GeoNames)."),
        F("timezone", "string", "IANA time zone."),
    ],
    "conversations": [
        F("slug", "string", "The conversation's identifier.", required=True),
        F("topic", "string", "The question asked.", required=True),
        F("description", "string", "Description."),
        F("session", "string", "Slug of its session.", link="sessions.slug"),
        F("opens_at", "datetime", "When it opened (UTC).", required=True),
        F("closes_at", "datetime", "When it closes (UTC)."),
        F("folder", "string", "The folder with its Polis-format files.", required=True),
        F("comments", "integer", "Statements in the export.", required=True),
        F("votes", "integer", "Votes in the export.", required=True),
    ],
    "key_messages": [
        F("id", "integer", "The key message's identifier.", required=True),
        F("title", "string", "Title.", required=True),
        F("text", "string", "Text."),
        F("axis", "string", "people, planet or government; empty: none.", enum=AXES),
        F("session", "string", "Slug of its session.", link="sessions.slug"),
        F("theme", "string", "Slug of its theme."),
        F(
            "status",
            "string",
            "draft, published or retired.",
            organisers_only=True,
            required=True,
            enum=tuple(KeyMessageStatus.values),
        ),
        F("published_at", "datetime", "When it was published (UTC)."),
        F(
            "voice_count",
            "integer",
            "Supporting voices, counted even when not shown.",
            required=True,
        ),
        F(
            "statement_count",
            "integer",
            "Supporting statements, counted even when not shown.",
            required=True,
        ),
        F(
            "sources",
            "integer",
            "Ids of the key messages it was merged or split from.",
            organisers_only=True,
            many=True,
            link="key_messages.id",
        ),
    ],
    "key_message_voices": [
        F("key_message", "integer", "A key message.", required=True, link="key_messages.id"),
        F("voice", "integer", "A voice that supports it.", required=True, link="voices.id"),
    ],
    "key_message_statements": [
        F("key_message", "integer", "A key message.", required=True, link="key_messages.id"),
        F(
            "conversation",
            "string",
            "The statement's conversation.",
            required=True,
            link="conversations.slug",
        ),
        F(
            "comment_id",
            "string",
            "The statement's comment-id in that conversation's comments.csv.",
            required=True,
        ),
        F("text", "string", "The statement.", required=True),
    ],
    "commitments": [
        F("id", "integer", "The commitment's identifier.", required=True),
        F(
            "axis",
            "string",
            "The Pact's chapter: people, planet or government.",
            required=True,
            enum=AXES,
        ),
        F("title", "string", "Title.", required=True),
        F("text", "string", "Text."),
        F(
            "status",
            "string",
            "proposed, adopted, in_progress or done.",
            required=True,
            enum=tuple(CommitmentStatus.values),
        ),
        F(
            "is_published",
            "boolean",
            "Shown in the public Pact.",
            organisers_only=True,
            required=True,
        ),
        F("created_at", "datetime", "When it was written (UTC).", required=True),
    ],
    "commitment_key_messages": [
        F("commitment", "integer", "A commitment.", required=True, link="commitments.id"),
        F(
            "key_message",
            "integer",
            "A key message it rests on.",
            required=True,
            link="key_messages.id",
        ),
    ],
    "commitment_updates": [
        F("commitment", "integer", "A commitment.", required=True, link="commitments.id"),
        F("date", "date", "Date of the update.", required=True),
        F(
            "status",
            "string",
            "The commitment's status after it.",
            required=True,
            enum=tuple(CommitmentStatus.values),
        ),
        F("text", "string", "What happened.", required=True),
    ],
}

# The tables the import also reads are written as XLSX too.
SPREADSHEET_TABLES = ("sessions", "people", "organisations", "voices")

# Polis's own files, one folder per conversation (conversations/<slug>/).
POLIS_TABLES: dict[str, list[Field]] = {
    "comments": [
        F("timestamp", "integer", "Milliseconds since 1970.", required=True),
        F("datetime", "string", "The same time, as Polis writes it."),
        F("comment-id", "string", "The statement's id.", required=True),
        F(
            "author-id",
            "string",
            "Anonymous participant id of the author.",
            link="participants-votes.participant",
        ),
        F("agrees", "integer", "Agree votes.", required=True),
        F("disagrees", "integer", "Disagree votes.", required=True),
        F(
            "moderated",
            "integer",
            "1 approved, 0 waiting, -1 rejected (public export: 1 only).",
            required=True,
        ),
        F("comment-body", "string", "The statement.", required=True),
    ],
    "votes": [
        F("timestamp", "integer", "Milliseconds since 1970.", required=True),
        F("datetime", "string", "The same time, as Polis writes it."),
        F(
            "comment-id",
            "string",
            "The statement voted on.",
            required=True,
            link="comments.comment-id",
        ),
        F(
            "voter-id",
            "string",
            "Anonymous participant id.",
            required=True,
            link="participants-votes.participant",
        ),
        F("vote", "integer", "1 agree, -1 disagree, 0 pass.", required=True),
    ],
    "participants-votes": [
        F("participant", "string", "Anonymous participant id.", required=True),
        F("group-id", "integer", "Opinion group in the latest opinion map."),
        F("n-comments", "integer", "Statements written.", required=True),
        F("n-votes", "integer", "Votes given.", required=True),
        F("n-agree", "integer", "Agree votes given.", required=True),
        F("n-disagree", "integer", "Disagree votes given.", required=True),
        # Then one column per comment-id: 1, -1, 0 or empty.
    ],
}
POLIS_SUMMARY_KEYS = (
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
)

POPOLO: dict[str, list[Field]] = {
    "persons": [
        F("id", "string", "The person's slug (people.slug).", required=True, link="people.slug"),
        F("name", "string", "Name.", required=True),
        F("kind", "string", "Kind of stakeholder (not Popolo: this platform's)."),
        F("city", "string", "Their city (not Popolo).", link=CITY),
    ],
    "organizations": [
        F("id", "string", "The organisation's slug.", required=True, link="organisations.slug"),
        F("name", "string", "Name.", required=True),
        F("classification", "string", "Kind of organisation.", required=True),
        F("links", "array", '[{"url", "note"}]: the website.'),
        F("country", "string", "ISO 3166-1 alpha-2 code (not Popolo)."),
    ],
    "memberships": [
        F("id", "string", "person-id@organization-id.", required=True),
        F("person_id", "string", "A person.", required=True, link="persons.id"),
        F(
            "organization_id",
            "string",
            "Their organisation.",
            required=True,
            link="organizations.id",
        ),
        F("role", "string", "Their title or role."),
    ],
}

GEOJSON_PROPERTIES: list[Field] = [
    F("label", "string", '"Name, CC", as in cities.csv.', required=True, link=CITY),
    F("name", "string", "Name.", required=True),
    F("country", "string", "ISO 3166-1 alpha-2 code.", required=True),
    F("region", "string", "World region.", required=True, enum=tuple(WorldRegion.values)),
    F("population", "integer", "Population (GeoNames)."),
]


def table_fields(table: str, audience: Audience) -> list[Field]:
    return [f for f in TABLES[table] if audience == "organisers" or not f.organisers_only]


def schema_of(fields: list[Field]) -> dict[str, Any]:
    return {"fields": [f.as_schema() for f in fields]}
