"""Statements: what participants submit and organisers seed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from listening.conversations.models import (
    Conversation,
    ModerationAction,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    VoteValue,
    statement_clean,
    statement_key,
    statement_normalise,
)
from listening.conversations.selectors import statement_near_duplicate
from listening.conversations.services.errors import ConversationClosed, StatementRejected
from listening.conversations.services.limits import _limit
from listening.conversations.services.moderation import _log
from listening.conversations.services.opinion_maps import opinion_schedule
from listening.conversations.services.participants import User


def _statement_text(conversation: Conversation, text: str) -> str:
    """The cleaned text (``statement_clean``) within the conversation's lengths, or
    StatementRejected saying what is wrong. No query."""
    text = statement_clean(text or "")
    if not text:
        raise StatementRejected(_("A statement cannot be empty."))
    shortest = conversation.statement_min_length
    if len(text) < shortest:
        raise StatementRejected(
            _("A statement needs at least %(limit)d characters; this one has %(length)d.")
            % {"limit": shortest, "length": len(text)}
        )
    limit = conversation.statement_max_length
    if len(text) > limit:
        raise StatementRejected(
            _("A statement can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": limit, "length": len(text)}
        )
    if not statement_normalise(text):
        raise StatementRejected(_("A statement needs words, not only punctuation."))
    return text


def _refuse_duplicate(conversation: Conversation, text: str) -> None:
    """StatementRejected (409) if the conversation has the statement already (same key)."""
    if Statement.objects.filter(conversation=conversation, text_key=statement_key(text)).exists():
        raise StatementRejected(
            _("This statement is already in the conversation: vote on it instead."),
            status_code=409,
        )


@transaction.atomic
def statement_submit(*, participant: Participant, text: str, ip: str = "") -> Statement:
    """A participant adds a statement: visible at once, or after approval in pre-moderation.
    The author's agreement is recorded with it (Polis's rule; docs/conversations.md).

    ``near_duplicate`` on the returned statement is a public statement it closely resembles
    (a warning for the submitter, which does not block), or None.
    """
    conversation = participant.conversation
    if not conversation.is_open():
        raise ConversationClosed()
    if not conversation.allow_statements:
        raise StatementRejected(
            _("This conversation does not take new statements; you can still vote."),
            status_code=403,
        )
    clean = _statement_text(conversation, text)
    _limit(
        "statement",
        participant,
        ip,
        per_participant=settings.RATELIMIT_STATEMENTS_PER_HOUR,
        per_ip=settings.RATELIMIT_STATEMENTS_PER_HOUR_IP,
        window=3600,
        what=_("statements"),
    )
    # Before the lock: it reads every public statement, and need not be exact.
    near = statement_near_duplicate(conversation=conversation, text=clean)
    # Lock the conversation so two identical statements sent at once are not both stored.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).values("pk").first()
    _refuse_duplicate(conversation, clean)
    status = (
        StatementStatus.PENDING
        if conversation.moderation == ModerationMode.PRE
        else StatementStatus.APPROVED
    )
    statement = Statement.objects.create(
        conversation=conversation, author=participant, text=clean, status=status
    )
    # As in Polis, writing a statement is agreeing with it: the author's vote is recorded now
    # (also while the statement awaits moderation; the opinion map counts it once the statement
    # is public, and treats it as moderated out if it is rejected), and the statement is never
    # offered back to its author.
    Vote.objects.create(
        conversation=conversation,
        participant=participant,
        statement=statement,
        value=VoteValue.AGREE,
    )
    opinion_schedule(conversation_id=conversation.pk)
    statement.near_duplicate = near
    return statement


@transaction.atomic
def statement_seed(*, conversation: Conversation, text: str, actor: User | None) -> Statement:
    """An organiser's seed statement: approved at once, and logged."""
    clean = _statement_text(conversation, text)
    _refuse_duplicate(conversation, clean)
    statement = Statement.objects.create(
        conversation=conversation, text=clean, status=StatementStatus.APPROVED, is_seed=True
    )
    _log(conversation, ModerationAction.SEED, actor, statement=statement)
    return statement
