"""Every write of the synthesis app: key messages, their evidence and lineage, the Pact's
commitments and their progress. Each change leaves a ``Revision`` (who, when, why)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from listening.analysis.topics import TopicsError, find_themes
from listening.conversations.models import Conversation, OpinionSnapshot, Statement
from listening.programmes.models import Programme, Theme
from listening.programmes.services import theme_upsert
from listening.synthesis.models import (
    Commitment,
    CommitmentStatus,
    KeyMessage,
    KeyMessageStatus,
    ProgressUpdate,
    Revision,
)
from listening.voices.models import Voice

User = AuthUser | None

KEY_MESSAGE_FIELDS = ("title", "text", "axis", "session", "theme")
COMMITMENT_FIELDS = ("title", "text", "axis", "status", "is_published")


class SynthesisError(ValidationError):
    """A change the synthesis rules refuse; nothing was written."""


# -- revisions ------------------------------------------------------------------------------


def _key_message_data(km: KeyMessage) -> dict[str, Any]:
    return {
        "title": km.title,
        "text": km.text,
        "axis": km.axis,
        "status": km.status,
        "session": km.session_id,
        "theme": km.theme_id,
        "voices": sorted(km.voices.values_list("pk", flat=True)),
        "statements": sorted(km.statements.values_list("pk", flat=True)),
        "sources": sorted(km.sources.values_list("pk", flat=True)),
    }


def _commitment_data(c: Commitment) -> dict[str, Any]:
    return {
        "title": c.title,
        "text": c.text,
        "axis": c.axis,
        "status": c.status,
        "is_published": c.is_published,
        "key_messages": sorted(c.key_messages.values_list("pk", flat=True)),
    }


def _revise(
    *,
    key_message: KeyMessage | None = None,
    commitment: Commitment | None = None,
    action: str,
    author: User,
    reason: str,
) -> Revision:
    if key_message is not None:
        previous = Revision.objects.filter(key_message=key_message).count()
        data = _key_message_data(key_message)
    else:
        assert commitment is not None
        previous = Revision.objects.filter(commitment=commitment).count()
        data = _commitment_data(commitment)
    return Revision.objects.create(
        key_message=key_message,
        commitment=commitment,
        version=previous + 1,
        action=action,
        reason=reason,
        author=author if author is not None and author.pk else None,
        data=data,
    )


@transaction.atomic
def revision_record(
    *,
    key_message: KeyMessage | None = None,
    commitment: Commitment | None = None,
    action: str,
    author: User,
    reason: str = "",
) -> Revision:
    """Record a change made outside these services (the admin's forms)."""
    return _revise(
        key_message=key_message, commitment=commitment, action=action, author=author, reason=reason
    )


# -- key messages ---------------------------------------------------------------------------


def check_evidence(
    programme: Programme, voices: Sequence[Voice], statements: Sequence[Statement]
) -> None:
    for voice in voices:
        if voice.session.programme_id != programme.pk:
            raise SynthesisError(
                {
                    "voices": _(
                        "Voice %(voice)s was heard in another programme: link only voices of "
                        "%(programme)s."
                    )
                    % {"voice": voice.pk, "programme": programme.name}
                }
            )
    for statement in statements:
        if statement.conversation.programme_id != programme.pk:
            raise SynthesisError(
                {
                    "statements": _(
                        "Statement %(statement)s belongs to a conversation of another programme: "
                        "link only statements of %(programme)s."
                    )
                    % {"statement": statement.pk, "programme": programme.name}
                }
            )


def _set_evidence(km: KeyMessage, voices: Sequence[Voice], statements: Sequence[Statement]) -> None:
    check_evidence(km.programme, voices, statements)
    km.voices.set(voices)
    km.statements.set(statements)


@transaction.atomic
def key_message_create(
    *,
    programme: Programme,
    title: str,
    author: User = None,
    reason: str = "",
    voices: Iterable[Voice] = (),
    statements: Iterable[Statement] = (),
    **fields: Any,
) -> KeyMessage:
    """A draft key message with its evidence (voices and statements of the same programme)."""
    km = KeyMessage(programme=programme, title=title, **fields)
    km.full_clean()
    km.save()
    _set_evidence(km, list(voices), list(statements))
    _revise(key_message=km, action="created", author=author, reason=reason)
    return km


@transaction.atomic
def key_message_update(
    *,
    key_message: KeyMessage,
    author: User,
    reason: str,
    voices: Iterable[Voice] | None = None,
    statements: Iterable[Statement] | None = None,
    **fields: Any,
) -> KeyMessage:
    """Change fields and/or the evidence; a published key message must keep some evidence."""
    km = KeyMessage.objects.select_for_update().get(pk=key_message.pk)
    if km.status == KeyMessageStatus.RETIRED:
        raise SynthesisError(_("This key message was merged or split: change its successors."))
    for name, value in fields.items():
        if name not in KEY_MESSAGE_FIELDS:
            raise SynthesisError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(km, name, value)
    km.full_clean()
    km.save()
    if voices is not None or statements is not None:
        _set_evidence(
            km,
            list(km.voices.all()) if voices is None else list(voices),
            list(km.statements.all()) if statements is None else list(statements),
        )
    if km.status == KeyMessageStatus.PUBLISHED and not _has_evidence(km):
        raise SynthesisError(_("A published key message needs at least one voice or statement."))
    _revise(key_message=km, action="changed", author=author, reason=reason)
    return km


def _has_evidence(km: KeyMessage) -> bool:
    return km.voices.exists() or km.statements.exists()


@transaction.atomic
def key_message_publish(*, key_message: KeyMessage, author: User, reason: str = "") -> KeyMessage:
    """Publish a key message; refused without evidence."""
    km = KeyMessage.objects.select_for_update().get(pk=key_message.pk)
    if km.status == KeyMessageStatus.RETIRED:
        raise SynthesisError(_("This key message was merged or split: publish its successors."))
    if not _has_evidence(km):
        raise SynthesisError(
            _(
                "“%(title)s” has no evidence: link at least one voice or conversation statement "
                "before publishing it."
            )
            % {"title": km.title}
        )
    km.status = KeyMessageStatus.PUBLISHED
    km.published_at = km.published_at or timezone.now()
    km.save(update_fields=["status", "published_at"])
    _revise(key_message=km, action="published", author=author, reason=reason)
    return km


def _retire(km: KeyMessage, *, action: str, author: User, reason: str) -> None:
    km.status = KeyMessageStatus.RETIRED
    km.save(update_fields=["status"])
    _revise(key_message=km, action=action, author=author, reason=reason)


def _check_mergeable(key_messages: Sequence[KeyMessage]) -> Programme:
    programmes = {km.programme_id for km in key_messages}
    if len(programmes) != 1:
        raise SynthesisError(_("Only key messages of the same programme can be merged."))
    if any(km.status == KeyMessageStatus.RETIRED for km in key_messages):
        raise SynthesisError(_("A key message that was already merged or split cannot be merged."))
    return key_messages[0].programme


@transaction.atomic
def key_messages_merge(
    *,
    key_messages: Sequence[KeyMessage],
    title: str,
    author: User,
    reason: str,
    text: str = "",
) -> KeyMessage:
    """One key message with the evidence of all; the merged ones are retired, their
    commitments follow the new one, and the lineage keeps where it came from."""
    if len(key_messages) < 2:
        raise SynthesisError(_("Merging needs at least two key messages."))
    olds = list(KeyMessage.objects.select_for_update().filter(pk__in=[k.pk for k in key_messages]))
    programme = _check_mergeable(olds)
    axes = {km.axis for km in olds}
    new = KeyMessage(
        programme=programme, title=title, text=text, axis=axes.pop() if len(axes) == 1 else ""
    )
    new.full_clean()
    new.save()
    new.voices.set({v for km in olds for v in km.voices.all()})
    new.statements.set({s for km in olds for s in km.statements.all()})
    new.sources.set(olds)
    was_published = any(km.status == KeyMessageStatus.PUBLISHED for km in olds)
    if was_published:
        new.status = KeyMessageStatus.PUBLISHED
        new.published_at = timezone.now()
        new.save(update_fields=["status", "published_at"])
    for commitment in Commitment.objects.filter(key_messages__in=olds).distinct():
        commitment.key_messages.add(new)
        commitment.key_messages.remove(*olds)
        _revise(commitment=commitment, action="key messages merged", author=author, reason=reason)
    _revise(key_message=new, action="merged", author=author, reason=reason)
    for km in olds:
        _retire(km, action="merged", author=author, reason=reason)
    return new


@dataclass
class SplitPart:
    title: str
    voices: Sequence[Voice] = ()
    statements: Sequence[Statement] = ()
    text: str = ""


@transaction.atomic
def key_message_split(
    *, key_message: KeyMessage, parts: Sequence[SplitPart], author: User, reason: str
) -> list[KeyMessage]:
    """Several key messages, each with part of the evidence; the original is retired and
    each part keeps it as its source. Evidence must come from the original."""
    km = KeyMessage.objects.select_for_update().get(pk=key_message.pk)
    if km.status == KeyMessageStatus.RETIRED:
        raise SynthesisError(_("A key message that was already merged or split cannot be split."))
    if len(parts) < 2:
        raise SynthesisError(_("Splitting needs at least two parts."))
    own_voices = set(km.voices.values_list("pk", flat=True))
    own_statements = set(km.statements.values_list("pk", flat=True))
    made = []
    for part in parts:
        if {v.pk for v in part.voices} - own_voices or {
            s.pk for s in part.statements
        } - own_statements:
            raise SynthesisError(
                _("Part “%(title)s” uses evidence that is not in the key message being split.")
                % {"title": part.title}
            )
        new = KeyMessage(
            programme=km.programme,
            session=km.session,
            theme=km.theme,
            axis=km.axis,
            title=part.title,
            text=part.text,
        )
        new.full_clean()
        new.save()
        new.voices.set(part.voices)
        new.statements.set(part.statements)
        new.sources.set([km])
        _revise(key_message=new, action="split", author=author, reason=reason)
        made.append(new)
    for commitment in Commitment.objects.filter(key_messages=km):
        commitment.key_messages.add(*made)
        commitment.key_messages.remove(km)
        _revise(commitment=commitment, action="key message split", author=author, reason=reason)
    _retire(km, action="split", author=author, reason=reason)
    return made


# -- commitments ----------------------------------------------------------------------------


def check_key_messages(programme: Programme, key_messages: Sequence[KeyMessage]) -> None:
    for km in key_messages:
        if km.programme_id != programme.pk:
            raise SynthesisError(
                {
                    "key_messages": _("Key message “%(title)s” belongs to another programme.")
                    % {"title": km.title}
                }
            )


@transaction.atomic
def commitment_create(
    *,
    programme: Programme,
    axis: str,
    title: str,
    author: User = None,
    reason: str = "",
    key_messages: Iterable[KeyMessage] = (),
    **fields: Any,
) -> Commitment:
    commitment = Commitment(programme=programme, axis=axis, title=title, **fields)
    commitment.full_clean()
    messages = list(key_messages)
    check_key_messages(programme, messages)
    commitment.save()
    commitment.key_messages.set(messages)
    _revise(commitment=commitment, action="created", author=author, reason=reason)
    return commitment


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    author: User,
    reason: str,
    key_messages: Iterable[KeyMessage] | None = None,
    **fields: Any,
) -> Commitment:
    c = Commitment.objects.select_for_update().get(pk=commitment.pk)
    for name, value in fields.items():
        if name not in COMMITMENT_FIELDS:
            raise SynthesisError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(c, name, value)
    c.full_clean()
    c.save()
    if key_messages is not None:
        messages = list(key_messages)
        check_key_messages(c.programme, messages)
        c.key_messages.set(messages)
    _revise(commitment=c, action="changed", author=author, reason=reason)
    return c


@transaction.atomic
def commitment_add_progress(
    *,
    commitment: Commitment,
    date: dt.date,
    text: str,
    author: User,
    status: str | None = None,
) -> ProgressUpdate:
    """A dated progress note; it may move the commitment's status on."""
    c = Commitment.objects.select_for_update().get(pk=commitment.pk)
    update = ProgressUpdate(
        commitment=c, date=date, text=text, status=status or c.status, author=author
    )
    update.full_clean(exclude=["author"])
    update.save()
    if update.status != c.status:
        c.status = update.status
        c.save(update_fields=["status"])
    _revise(commitment=c, action="progress", author=author, reason=text)
    return update


# -- suggestions ----------------------------------------------------------------------------


@dataclass
class ThemeSuggestion:
    label: str
    keywords: list[str]
    voices: list[Voice]
    examples: list[Voice] = field(default_factory=list)


def themes_suggest(
    *, programme: Programme, k: int | None = None, language: str = "en", seed: int = 0
) -> list[ThemeSuggestion]:
    """Themes found in the text of the programme's voices in ``language`` (nothing stored)."""
    voices = list(
        Voice.objects.filter(session__programme=programme, language=language).order_by("pk")
    )
    if len(voices) < 2:
        return []
    try:
        result = find_themes(
            [v.text for v in voices], k=min(k or len(voices), len(voices)) if k else None,
            language=language, seed=seed,
        )  # fmt: skip
    except TopicsError:
        return []
    return [
        ThemeSuggestion(
            label=theme.label,
            keywords=theme.keywords,
            voices=[voices[i] for i, a in enumerate(result.assignments) if a == theme.id],
            examples=[voices[i] for i in theme.examples],
        )
        for theme in result.themes
    ]


@transaction.atomic
def theme_accept(
    *, programme: Programme, name: str, axis: str, voices: Iterable[Voice], slug: str = ""
) -> Theme:
    """Keep a suggested theme under the organiser's name (renamed, or the union of several
    suggestions to merge them, or part of one to split it) and tag its voices with it."""
    chosen = list(voices)
    for voice in chosen:
        if voice.session.programme_id != programme.pk:
            raise SynthesisError(
                {
                    "voices": _("Voice %(voice)s was heard in another programme.")
                    % {"voice": voice.pk}
                }
            )
    theme = theme_upsert(
        programme=programme, slug=slug or slugify(name)[:200], name=name, axis=axis
    )
    for voice in chosen:
        voice.themes.add(theme)
    return theme


@dataclass
class KeyMessageSuggestion:
    statement: Statement
    kind: str  # "consensus" or "bridging"
    agree: int
    disagree: int
    passed: int
    seen: int
    bridging: float
    group_informed_consensus: float


BRIDGING_SUGGESTIONS = 5


def key_messages_suggest(*, conversation: Conversation) -> list[KeyMessageSuggestion]:
    """The consensus and bridging statements of the latest opinion map, with their figures."""
    snapshot = (
        OpinionSnapshot.objects.filter(conversation=conversation)
        .order_by("-computed_at", "-pk")
        .first()
    )
    if snapshot is None:
        return []
    result = snapshot.result or {}
    figures: dict[str, dict[str, Any]] = result.get("statements", {})
    picked: list[tuple[str, str]] = []
    for item in result.get("consensus", {}).get("agree", []):
        picked.append((str(item["statement"]), "consensus"))
    by_bridging = sorted(
        (s for s in figures if float(figures[s].get("bridging", 0.0)) > 0),
        key=lambda s: -float(figures[s]["bridging"]),
    )
    seen_ids = {sid for sid, _kind in picked}
    picked += [(s, "bridging") for s in by_bridging if s not in seen_ids][:BRIDGING_SUGGESTIONS]
    statements = Statement.objects.in_bulk([int(s) for s, _kind in picked if s.isdigit()])
    out = []
    for sid, kind in picked:
        statement = statements.get(int(sid)) if sid.isdigit() else None
        if statement is None or statement.conversation_id != conversation.pk:
            continue
        f = figures.get(sid, {})
        out.append(
            KeyMessageSuggestion(
                statement=statement,
                kind=kind,
                agree=int(f.get("agree", 0)),
                disagree=int(f.get("disagree", 0)),
                passed=int(f.get("pass", 0)),
                seen=int(f.get("seen", 0)),
                bridging=float(f.get("bridging", 0.0)),
                group_informed_consensus=float(f.get("group_informed_consensus", 0.0)),
            )
        )
    return out


__all__ = [
    "CommitmentStatus",
    "KeyMessageSuggestion",
    "SplitPart",
    "SynthesisError",
    "ThemeSuggestion",
    "commitment_add_progress",
    "commitment_create",
    "commitment_update",
    "key_message_create",
    "key_message_publish",
    "key_message_split",
    "key_message_update",
    "key_messages_merge",
    "key_messages_suggest",
    "revision_record",
    "theme_accept",
    "themes_suggest",
]
