"""Participants: joining (anonymous, xid, invitation or signed in), claiming, constituency."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from listening.conversations.models import (
    Constituency,
    Conversation,
    InvitationCode,
    Participant,
    Statement,
    Vote,
)
from listening.conversations.selectors import (
    POLIS_XID_PREFIX,
)
from listening.conversations.services.errors import (
    ConversationClosed,
    ConversationError,
    InvalidConstituency,
    InvitationInvalid,
)
from listening.conversations.services.limits import join_limit
from listening.conversations.services.opinion_maps import opinion_schedule
from listening.conversations.tokens import token_hash, token_new

User = AbstractBaseUser | AnonymousUser


def _check_constituency(constituency: str) -> str:
    constituency = (constituency or "").strip()
    if constituency and constituency not in Constituency.values:
        choices = ", ".join(Constituency.values)
        raise InvalidConstituency(
            _("%(value)s is not a constituency; choose one of %(choices)s, or none.")
            % {"value": repr(constituency), "choices": choices}
        )
    return constituency


def xid_sign(*, secret: str, xid: str) -> str:
    """The signature an embedding site sends with an xid: hex HMAC-SHA256 of the xid (UTF-8)
    under the conversation's secret (docs/api.md gives the same recipe for embedders)."""
    return hmac.new(secret.encode(), xid.encode(), hashlib.sha256).hexdigest()


def _check_xid_signature(conversation: Conversation, xid: str, signature: str) -> None:
    if not conversation.xid_secret:
        return
    expected = xid_sign(secret=conversation.xid_secret, xid=xid).encode()
    given = (signature or "").strip().lower().encode("utf-8", "replace")
    if not given:
        raise ConversationError(
            _(
                "This conversation takes an external id (xid) only with its signature "
                "(xid_signature) from the embedding site."
            ),
            status_code=403,
        )
    if not hmac.compare_digest(expected, given):
        raise ConversationError(
            _("The signature (xid_signature) does not match this external id (xid)."),
            status_code=403,
        )


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(user.is_authenticated)


def _account(user: User | None) -> Any:
    """The signed-in user as the models' foreign keys take it, or None."""
    return user if _signed_in(user) else None


def _rotate_token(participant: Participant, constituency: str) -> str:
    token = token_new()
    participant.token_hash = token_hash(token)
    fields = ["token_hash"]
    if constituency and constituency != participant.constituency:
        participant.constituency = constituency
        fields.append("constituency")
    participant.save(update_fields=fields)
    return token


@transaction.atomic
def participant_create(
    *,
    conversation: Conversation,
    user: User | None = None,
    xid: str = "",
    constituency: str = "",
    invitation_code: str = "",
    xid_signature: str = "",
    ip: str = "",
) -> tuple[Participant, str]:
    """A participant and its raw token (only the token's hash is stored).

    A signed-in user, or an external id (Polis's ``xid``) already known in this conversation,
    gets their existing participant back with a fresh token; their previous token stops working.
    External ids starting with ``polis-`` belong to imported participants and are refused, so
    nobody can take over an imported participant's votes. When the conversation has an
    ``xid_secret``, an xid is taken only with its ``xid_signature`` (403 otherwise), so that
    knowing an xid is not enough to act for it. Joins are rate-limited per IP.
    """
    if not conversation.is_open():
        raise ConversationClosed()
    constituency = _check_constituency(constituency)
    xid = (xid or "").strip()
    if len(xid) > 200:
        raise ConversationError(
            _("An external id (xid) can be at most 200 characters long."), status_code=422
        )
    if xid.startswith(POLIS_XID_PREFIX):
        raise ConversationError(
            _("External ids starting with %(prefix)s are reserved for imported participants.")
            % {"prefix": POLIS_XID_PREFIX},
            status_code=422,
        )
    if xid:
        _check_xid_signature(conversation, xid, xid_signature)
    join_limit(conversation=conversation, ip=ip)
    existing = None
    if _signed_in(user):
        existing = (
            Participant.objects.select_for_update()
            .filter(conversation=conversation, user=_account(user))
            .first()
        )
    if existing is None and xid:
        existing = (
            Participant.objects.select_for_update()
            .filter(conversation=conversation, xid=xid)
            .first()
        )
    if existing is not None:
        return existing, _rotate_token(existing, constituency)
    if conversation.invitation_required:
        _use_invitation(conversation, invitation_code)
    token = token_new()
    participant = Participant(
        conversation=conversation,
        user=_account(user),
        token_hash=token_hash(token),
        xid=xid,
        constituency=constituency,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        # The same user or xid joined at the same moment from another request: use that one.
        other = Participant.objects.filter(conversation=conversation)
        other = other.filter(user=_account(user)) if _signed_in(user) else other.filter(xid=xid)
        found = other.select_for_update().first()
        if found is None:
            raise
        return found, _rotate_token(found, constituency)
    return participant, token


def _use_invitation(conversation: Conversation, code: str) -> None:
    code = (code or "").strip()
    if not code:
        raise InvitationInvalid(_("This conversation needs an invitation code."))
    used = InvitationCode.objects.filter(
        conversation=conversation, code=code, uses_left__gt=0
    ).update(uses_left=F("uses_left") - 1)
    if not used:
        raise InvitationInvalid(_("This invitation code is not valid, or has been used up."))


@transaction.atomic
def participant_claim(*, participant: Participant, user: User) -> Participant:
    """An anonymous participant signs in and keeps their votes.

    If the user already takes part in this conversation, the anonymous votes are merged into
    that participant (per statement, the most recent vote stands) and the anonymous participant
    is deleted: its token stops working, so ask ``participant_create(user=...)`` for a new one.
    """
    if not _signed_in(user):
        raise ConversationError(_("Sign in first to keep your votes."))
    if participant.user_id == user.pk:
        return participant
    if participant.user_id is not None:
        raise ConversationError(_("This participant belongs to another account."), status_code=403)
    existing = (
        Participant.objects.select_for_update()
        .filter(conversation_id=participant.conversation_id, user=_account(user))
        .exclude(pk=participant.pk)
        .first()
    )
    if existing is None:
        participant.user = _account(user)
        participant.save(update_fields=["user"])
        return participant
    mine = {
        v.statement_id: v for v in Vote.objects.select_for_update().filter(participant=existing)
    }
    move: list[int] = []
    newer: list[Vote] = []
    for vote in Vote.objects.filter(participant=participant):
        kept = mine.get(vote.statement_id)
        if kept is None:
            move.append(vote.pk)
        elif vote.updated_at > kept.updated_at:
            kept.value = vote.value
            kept.updated_at = vote.updated_at
            newer.append(kept)
    Vote.objects.filter(pk__in=move).update(participant=existing)
    Vote.objects.bulk_update(newer, ["value", "updated_at"])
    Statement.objects.filter(author=participant).update(author=existing)
    if participant.constituency and not existing.constituency:
        existing.constituency = participant.constituency
        existing.save(update_fields=["constituency"])
    conversation_id = participant.conversation_id
    participant.delete()
    opinion_schedule(conversation_id=conversation_id)
    return existing


@transaction.atomic
def participant_set_constituency(*, participant: Participant, constituency: str) -> Participant:
    participant.constituency = _check_constituency(constituency)
    participant.save(update_fields=["constituency"])
    return participant
