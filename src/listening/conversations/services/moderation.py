"""Moderation: approve or reject statements, close and reopen, and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationLog,
    Statement,
    StatementStatus,
)
from listening.conversations.services.errors import ConversationError
from listening.conversations.services.opinion_maps import opinion_schedule
from listening.conversations.services.participants import User, _account
from listening.conversations.signals import statements_hidden


def _log(
    conversation: Conversation,
    action: str,
    actor: User | None,
    *,
    statement: Statement | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> ModerationLog:
    return ModerationLog.objects.create(
        conversation=conversation,
        statement=statement,
        actor=_account(actor),
        action=action,
        note=note,
        at=at or timezone.now(),
    )


@transaction.atomic
def statements_moderate(
    *,
    conversation: Conversation,
    statement_ids: Iterable[int],
    action: str,
    actor: User | None,
    note: str = "",
) -> int:
    """Approve or reject statements of the conversation at once; one log entry per statement."""
    status = {
        ModerationAction.APPROVE: StatementStatus.APPROVED,
        ModerationAction.REJECT: StatementStatus.REJECTED,
    }.get(action)  # type: ignore[call-overload]
    if status is None:
        raise ConversationError(f"{action!r} is not a moderation action: use approve or reject.")
    ids = sorted({int(i) for i in statement_ids})
    statements = list(
        Statement.objects.select_for_update().filter(conversation=conversation, pk__in=ids)
    )
    if not statements:
        return 0
    Statement.objects.filter(pk__in=[s.pk for s in statements]).update(status=status)
    hidden = [
        s.pk for s in statements if s.status == StatementStatus.APPROVED and status != s.status
    ]
    if hidden:
        statements_hidden.send(sender=Statement, statement_ids=hidden)
    now = timezone.now()
    ModerationLog.objects.bulk_create(
        ModerationLog(
            conversation=conversation,
            statement=s,
            actor=_account(actor),
            action=action,
            note=note,
            at=now,
        )
        for s in statements
    )
    opinion_schedule(conversation_id=conversation.pk)
    return len(statements)


@transaction.atomic
def conversation_close(*, conversation: Conversation, actor: User | None) -> Conversation:
    conversation.is_closed = True
    conversation.save(update_fields=["is_closed"])
    _log(conversation, ModerationAction.CLOSE, actor)
    return conversation


@transaction.atomic
def conversation_reopen(*, conversation: Conversation, actor: User | None) -> Conversation:
    """Reopen: clears the organiser's closing, and a closing date already passed."""
    conversation.is_closed = False
    fields = ["is_closed"]
    if conversation.closes_at is not None and conversation.closes_at <= timezone.now():
        conversation.closes_at = None
        fields.append("closes_at")
    conversation.save(update_fields=fields)
    _log(conversation, ModerationAction.REOPEN, actor)
    return conversation
