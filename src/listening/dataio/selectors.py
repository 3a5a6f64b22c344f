"""Reads of the prebuilt open data that ``/open-data/`` serves (docs/data-formats.md).

Each published programme's public export is built by ``services.opendata_publish`` into
``DATA_DIR/open-data/<slug>/<build>/`` and named by the pointer file ``current`` beside it, so
a reader always finds one whole build. ``build.json`` in the build folder records when it was
built, the fingerprint of the data it was built from and each file's size and digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum

from listening.conversations.models import Statement, StatementStatus, Vote
from listening.dataio.opendata import programme_conversations
from listening.programmes.models import ListeningSession, Participation, Programme
from listening.synthesis.models import Commitment, KeyMessage, KeyMessageStatus, ProgressUpdate
from listening.voices.models import Voice, VoiceStatus

POINTER = "current"
METADATA = "build.json"
ZIP_NAME = "open-data.zip"


def opendata_root() -> Path:
    return Path(settings.DATA_DIR) / "open-data"


def opendata_folder(programme: Programme) -> Path:
    """The programme's folder of builds (its ``current`` pointer, its builds, its lock)."""
    return opendata_root() / programme.slug


@dataclass(frozen=True)
class PublishedBuild:
    """One whole build of a programme's public open data, as stored."""

    folder: Path
    built_at: dt.datetime
    fingerprint: str
    files: dict[str, dict[str, Any]]  # path → {"size": bytes, "sha256": hex}
    zip: dict[str, Any]  # the same of the ZIP of every file

    def path_of(self, name: str) -> Path | None:
        """The stored file of ``name`` (a path of the export, or the ZIP), None when the build
        has no such file: only names the build listed are ever served."""
        if name != ZIP_NAME and name not in self.files:
            return None
        return self.folder / name

    def etag(self, name: str) -> str:
        about = self.zip if name == ZIP_NAME else self.files[name]
        return f'"{about["sha256"][:32]}"'

    @property
    def size(self) -> int:
        return int(self.zip["size"])


def opendata_build(programme: Programme) -> PublishedBuild | None:
    """The programme's current build, None when none is built (or it is another programme's
    of the same slug, or damaged)."""
    folder = opendata_folder(programme)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
        build = folder / name
        meta = json.loads((build / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not name or "/" in name:
        return None
    if meta.get("programme_id") != programme.pk:
        return None
    try:
        return PublishedBuild(
            folder=build,
            built_at=dt.datetime.fromisoformat(meta["built_at"]),
            fingerprint=meta["fingerprint"],
            files=dict(meta["files"]),
            zip=dict(meta["zip"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _aggregate(queryset: Any, **extra: Any) -> list[Any]:
    row = queryset.aggregate(n=Count("pk"), ids=Sum("pk"), **extra)
    return [str(row[key]) for key in sorted(row)]


def opendata_fingerprint(programme: Programme) -> str:
    """A digest of what the public export reads, from a dozen aggregate queries (no row is
    rendered): it changes when a session, participation, voice, key message, commitment,
    approved statement or vote is added, removed, published or unpublished, when a speaker's
    or participant's consents change (a voice's or vote's edit too: they have an update
    time). Edits of other rows that change neither counts nor identities (a person's name)
    wait for the next publication."""
    sessions = ListeningSession.objects.filter(programme=programme)
    voices = Voice.objects.filter(session__programme=programme)
    involved = Participation.objects.filter(session__programme=programme)
    conversations = programme_conversations(programme).order_by()
    statements = Statement.objects.filter(conversation__in=conversations)
    messages = KeyMessage.objects.filter(programme=programme)
    commitments = Commitment.objects.filter(programme=programme)
    shown = Q(status=VoiceStatus.PUBLISHED)
    listed = Q(speaker__consent_listed=True)
    parts: list[Any] = [
        programme.pk,
        programme.slug,
        programme.name,
        _aggregate(sessions),
        _aggregate(involved, listed=Sum("person_id", filter=Q(person__consent_listed=True))),
        # One pass over the voices: every one, the published, those that may be attributed,
        # and their speakers' consents.
        _aggregate(
            voices,
            changed=Max("updated_at"),
            shown=Sum("pk", filter=shown),
            attributed=Sum("pk", filter=shown & Q(attribution_consent=True)),
            listed=Sum("speaker_id", filter=listed),
            quoted=Sum("speaker_id", filter=listed & Q(speaker__consent_quoted=True)),
        ),
        _aggregate(conversations),
        _aggregate(statements.filter(status=StatementStatus.APPROVED)),
        _aggregate(
            Vote.objects.filter(statement__conversation__in=conversations),
            changed=Max("updated_at"),
        ),
        _aggregate(messages.filter(status=KeyMessageStatus.PUBLISHED), changed=Max("published_at")),
        _aggregate(commitments.filter(is_published=True)),
        _aggregate(ProgressUpdate.objects.filter(commitment__programme=programme)),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


FINGERPRINT_SECONDS = 60  # how long a page view reuses the fingerprint it last computed


def fingerprint_cache_key(programme: Programme) -> str:
    return f"opendata:fingerprint:{programme.pk}"


def opendata_is_stale(
    programme: Programme, build: PublishedBuild | None, *, cached: bool = False
) -> bool:
    """Whether the programme's data changed since ``build`` was made (or nothing is built).
    ``cached`` (page views): reuse a fingerprint computed in the last FINGERPRINT_SECONDS —
    a few hundred milliseconds of SQL on a programme of 100,000 voices; a withdrawal needs no
    fingerprint (``withdrawals``: the build is gone at once)."""
    if build is None:
        return True
    if not cached:
        return build.fingerprint != opendata_fingerprint(programme)
    key = fingerprint_cache_key(programme)
    fingerprint = cache.get(key)
    if fingerprint is None:
        fingerprint = opendata_fingerprint(programme)
        cache.set(key, fingerprint, FINGERPRINT_SECONDS)
    return bool(build.fingerprint != fingerprint)
