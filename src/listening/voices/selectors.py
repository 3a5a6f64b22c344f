"""Reads of published voices: filters and full-text search, behind one selector.

Search uses SQLite FTS5 (the `voices_voice_fts` table of migration 0002, kept in sync by
triggers) on SQLite and PostgreSQL full-text search on PostgreSQL; other databases fall back to
a case-insensitive substring match. User input never reaches the query language: it is cut
into words, and each word becomes a quoted prefix term, so quotes, operators and SQL are inert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from listening.people.models import PersonKind
from listening.places.models import City
from listening.places.selectors import country_choices
from listening.programmes.models import Theme
from listening.voices.models import Voice, VoiceStatus

MAX_TERMS = 8
MAX_TERM_LENGTH = 60
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class VoiceFilters:
    theme: str = ""
    axis: str = ""
    session: str = ""
    region: str = ""
    country: str = ""
    speaker_kind: str = ""
    q: str = ""
    city: int | None = None


def published_voices() -> QuerySet[Voice]:
    """Published voices with what a page shows of each (session, speaker, city) in one query."""
    return (
        Voice.objects.filter(status=VoiceStatus.PUBLISHED)
        .select_related("session", "speaker", "city")
        .order_by("-published_at", "-id")
    )


def search_terms(query: str) -> list[str]:
    """The words of a search string, lower-cased, at most MAX_TERMS of them."""
    return [word.lower()[:MAX_TERM_LENGTH] for word in _WORD.findall(query or "")][:MAX_TERMS]


def voice_search(query: str, voices: QuerySet[Voice] | None = None) -> QuerySet[Voice]:
    """Voices whose text contains every word of `query` (as a word or a word's beginning)."""
    voices = published_voices() if voices is None else voices
    terms = search_terms(query)
    if not terms:
        return voices
    if connection.vendor == "sqlite":
        match = " ".join('"' + term.replace('"', '""') + '"*' for term in terms)
        return voices.filter(
            id__in=RawSQL(
                "SELECT rowid FROM voices_voice_fts WHERE voices_voice_fts MATCH %s", (match,)
            )
        )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Only \w characters reach here, so quoting each lexeme is enough to keep it inert.
        raw = " & ".join(f"'{term}':*" for term in terms)
        return voices.annotate(search=SearchVector("text", config="simple")).filter(
            search=SearchQuery(raw, search_type="raw", config="simple")
        )
    condition = Q()
    for term in terms:
        condition &= Q(text__icontains=term)
    return voices.filter(condition)


def voice_list(filters: VoiceFilters) -> QuerySet[Voice]:
    """Published voices matching every filter given (empty filters are ignored)."""
    voices = published_voices()
    if filters.theme:
        voices = voices.filter(
            Exists(
                Voice.themes.through.objects.filter(
                    voice_id=OuterRef("pk"), theme__slug=filters.theme
                )
            )
        )
    if filters.axis:
        # A voice without its own axis takes its session's.
        voices = voices.filter(Q(axis=filters.axis) | Q(axis="", session__axis=filters.axis))
    if filters.session:
        voices = voices.filter(session__slug=filters.session)
    if filters.region:
        voices = voices.filter(city__region=filters.region)
    if filters.country:
        voices = voices.filter(city__country=filters.country)
    if filters.speaker_kind:
        voices = voices.filter(speaker_kind=filters.speaker_kind)
    if filters.city:
        voices = voices.filter(city_id=filters.city)
    if filters.q:
        voices = voice_search(filters.q, voices)
    return voices


def voices_in_order(ids: list[int]) -> list[Voice]:
    """The published voices with these ids, in this order, with session, speaker and city.

    Pages of voices are found as ids first (a narrow query that can sort 100k rows in an
    index) and then read here in one query: sorting whole joined rows is several times slower.
    """
    found = published_voices().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def voice_published(pk: int) -> Voice | None:
    return published_voices().prefetch_related("themes").filter(pk=pk).first()


def voices_attributed_to(person_id: int) -> QuerySet[Voice]:
    """Published voices quoted under this person's name: only with the voice's attribution
    consent and the speaker's consents to be listed and quoted (Voice.is_attributed)."""
    return published_voices().filter(
        speaker_id=person_id,
        attribution_consent=True,
        speaker__consent_listed=True,
        speaker__consent_quoted=True,
    )


def voices_latest(limit: int = 5) -> list[Voice]:
    return list(published_voices()[:limit])


def voice_theme_choices() -> list[tuple[str, str]]:
    """Themes by slug (a slug shared by several programmes' themes filters them together)."""
    seen: dict[str, str] = {}
    for slug, name in Theme.objects.order_by("position", "name").values_list("slug", "name"):
        seen.setdefault(slug, name)
    return list(seen.items())


def voice_country_choices() -> list[tuple[str, str]]:
    """Countries of cities with a published voice."""
    codes = (
        City.objects.filter(
            Exists(Voice.objects.filter(city=OuterRef("pk"), status=VoiceStatus.PUBLISHED))
        )
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return country_choices(set(codes))


ANONYMOUS_SPEAKERS = {
    PersonKind.POLITICAL_LEADER: _("A political leader"),
    PersonKind.ACADEMIC_EXPERT: _("An academic expert"),
    PersonKind.CIVIL_SOCIETY: _("A civil society participant"),
    PersonKind.INTERNATIONAL: _("A participant from an international organisation"),
    PersonKind.PRIVATE_SECTOR: _("A private sector participant"),
    PersonKind.RESIDENT: _("A resident"),
}


def speaker_display(voice: Voice) -> str:
    """Who said it, as the public may see it: a name only with both consents.

    Otherwise the kind of speaker and the city, e.g. "A civil society participant from Durban".
    """
    if voice.is_attributed and voice.speaker is not None:
        return voice.speaker.name
    who = str(ANONYMOUS_SPEAKERS.get(voice.speaker_kind, _("A participant")))  # type: ignore[call-overload]
    if voice.city is not None:
        return gettext("%(who)s from %(city)s") % {"who": who, "city": voice.city.local_name}
    return who


# Upkeep of the SQLite search index. Django rebuilds a table on SQLite for some schema changes
# (create a copy, drop the original): that drops the triggers of migration 0002 with it, and
# search would silently go stale. After every migrate, the public app checks and repairs them.
_FTS_TRIGGERS = {
    "voices_voice_fts_insert": """CREATE TRIGGER voices_voice_fts_insert
        AFTER INSERT ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(rowid, text) VALUES (new.id, new.text); END""",
    "voices_voice_fts_delete": """CREATE TRIGGER voices_voice_fts_delete
        AFTER DELETE ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(voices_voice_fts, rowid, text)
        VALUES ('delete', old.id, old.text); END""",
    "voices_voice_fts_update": """CREATE TRIGGER voices_voice_fts_update
        AFTER UPDATE OF text ON voices_voice BEGIN
        INSERT INTO voices_voice_fts(voices_voice_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO voices_voice_fts(rowid, text) VALUES (new.id, new.text); END""",
}


def search_index_repair(using: str = "default") -> bool:
    """Recreate missing FTS5 triggers and rebuild the index; True if anything was repaired."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return False
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name LIKE 'voices_voice_fts%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "voices_voice_fts" not in present:
            return False  # migration 0002 not applied yet
        missing = [name for name in _FTS_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(_FTS_TRIGGERS[name])
        if missing:
            cursor.execute("INSERT INTO voices_voice_fts(voices_voice_fts) VALUES ('rebuild')")
    return bool(missing)
