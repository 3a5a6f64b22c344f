"""Import a Polis export into a conversation, all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from listening.analysis import (
    PolisExport,
)
from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    statement_clean,
    statement_key,
)
from listening.conversations.selectors import (
    POLIS_XID_PREFIX,
)
from listening.conversations.services.errors import ConversationError
from listening.conversations.services.moderation import _log
from listening.conversations.services.participants import User
from listening.conversations.tokens import token_hash, token_new
from listening.programmes.models import ListeningSession

_BATCH = 5000


def _from_ms(ms: int | None) -> dt.datetime | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


@transaction.atomic
def conversation_import_polis(
    *,
    export: PolisExport,
    slug: str,
    closed: bool = False,
    actor: User | None = None,
    topic: str = "",
    session: ListeningSession | None = None,
) -> Conversation:
    """Import a read Polis export into a new (or empty) conversation, all or nothing.

    With ``session``, the conversation belongs to that listening session and its programme.

    Polis comment ids are kept in ``Statement.external_id`` and participant ids in
    ``Participant.xid`` as ``polis-<id>``, so an export writes the original ids back.
    Moderation: 1 → approved, 0 → pending (votable, as the conversation is post-moderated),
    -1 → rejected.
    """
    conversation = Conversation.objects.select_for_update().filter(slug=slug).first()
    if conversation is not None and (
        conversation.statements.exists() or conversation.participants.exists()
    ):
        raise ConversationError(
            f"The conversation {slug!r} already has statements or participants; "
            "import into a new slug."
        )
    summary = export.summary
    stamps = [c.created for c in export.comments if c.created is not None]
    stamps += [v.timestamp for v in export.votes if v.timestamp is not None]
    opened = _from_ms(min(stamps)) if stamps else None
    if conversation is None:
        conversation = Conversation(slug=slug)
    conversation.topic = (topic or summary.get("topic", "") or slug)[:300]
    conversation.description = summary.get("conversation-description", "")
    conversation.moderation = ModerationMode.POST
    conversation.is_closed = closed
    conversation.closes_at = None
    if session is not None:
        conversation.session = session
        conversation.programme = session.programme
        conversation.languages = list(session.languages)
    if opened is not None:
        conversation.opens_at = opened
    conversation.full_clean()
    conversation.save()

    people: dict[Any, None] = dict.fromkeys(export.participants)
    people.update(dict.fromkeys(v.participant for v in export.votes))
    people.update(dict.fromkeys(c.author for c in export.comments if c.author is not None))
    Participant.objects.bulk_create(
        (
            Participant(
                conversation=conversation,
                token_hash=token_hash(token_new()),
                xid=f"{POLIS_XID_PREFIX}{pid}",
            )
            for pid in people
        ),
        batch_size=_BATCH,
    )
    xids = dict(Participant.objects.filter(conversation=conversation).values_list("xid", "id"))
    participant_id: dict[Any, int] = {pid: xids[f"{POLIS_XID_PREFIX}{pid}"] for pid in people}

    status = {
        1: StatementStatus.APPROVED,
        0: StatementStatus.PENDING,
        -1: StatementStatus.REJECTED,
    }
    now = timezone.now()
    statements: list[Statement] = []
    for c in export.comments:
        if isinstance(c.id, bool) or not isinstance(c.id, int) or c.id < 0:
            raise ConversationError(f"comments.csv: comment-id {c.id!r} is not a whole number.")
        text = statement_clean(c.text) or f"(statement {c.id} has no text in the export)"
        statements.append(
            Statement(
                conversation=conversation,
                author_id=participant_id.get(c.author) if c.author is not None else None,
                text=text,
                text_key=statement_key(text),
                status=status[c.moderated],
                is_seed=False,
                external_id=c.id,
                created_at=_from_ms(c.created) or now,
            )
        )
    known = {c.id for c in export.comments}
    for sid in sorted({v.statement for v in export.votes} - known, key=str):
        if isinstance(sid, bool) or not isinstance(sid, int) or sid < 0:
            raise ConversationError(f"votes: comment-id {sid!r} is not a whole number.")
        text = f"(statement {sid} is not in comments.csv)"
        statements.append(
            Statement(
                conversation=conversation,
                text=text,
                text_key=statement_key(text),
                status=StatementStatus.APPROVED,
                external_id=sid,
                created_at=now,
            )
        )
    Statement.objects.bulk_create(statements, batch_size=_BATCH)
    statement_id: dict[Any, int] = dict(
        Statement.objects.filter(conversation=conversation).values_list("external_id", "id")
    )
    Vote.objects.bulk_create(
        (
            Vote(
                conversation=conversation,
                participant_id=participant_id[v.participant],
                statement_id=statement_id[v.statement],
                value=v.value,
                created_at=_from_ms(v.timestamp) or now,
                updated_at=_from_ms(v.timestamp) or now,
            )
            for v in export.votes
        ),
        batch_size=_BATCH,
    )
    _log(
        conversation,
        ModerationAction.IMPORT,
        actor,
        note=(
            f"Imported {len(statements)} statements, {len(people)} participants and "
            f"{len(export.votes)} votes from {export.path.name}."
        ),
    )
    return conversation
