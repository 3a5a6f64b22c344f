"""Rate limits on joins, votes and statements, per participant and per address."""

from __future__ import annotations

from django.utils.translation import gettext as _

from listening.conversations import ratelimit
from listening.conversations.models import (
    Participant,
)
from listening.conversations.services.errors import RateLimited


def _limit(
    scope: str,
    participant: Participant | str,
    ip: str,
    *,
    per_participant: int,
    per_ip: int,
    window: int,
    what: str,
) -> None:
    """Count one event; ``participant`` is the participant or, on the API's token path, the
    hash of its token (the same person, counted under another key)."""
    who = participant if isinstance(participant, str) else f"p{participant.pk}"
    for ident, limit in ((who, per_participant), (ip and f"ip{ip}", per_ip)):
        wait = ratelimit.hit(scope, ident, limit=limit, window=window)
        if wait is not None:
            raise RateLimited(
                _("Too many %(what)s in a short time; please wait %(wait)d seconds and try again.")
                % {"what": what, "wait": wait},
                retry_after=wait,
            )
