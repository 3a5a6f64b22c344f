"""Rate limits on joins, votes and statements, per participant and per address."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.translation import gettext as _

from listening.conversations import ratelimit
from listening.conversations.models import (
    Conversation,
    Participant,
)
from listening.conversations.services.errors import RateLimited


def address_key(ip: str) -> str:
    """The rate-limit identity of a client address: an IPv4 address, or the /64 network of an
    IPv6 one (one home or phone gets a whole /64 and could take a new address per request)."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f"ip{ip}"
    if address.version == 6:
        return f"net{ipaddress.ip_network(f'{address}/64', strict=False).network_address}/64"
    return f"ip{address}"


def _refuse(wait: int | None, what: str) -> None:
    if wait is not None:
        raise RateLimited(
            _("Too many %(what)s in a short time; please wait %(wait)d seconds and try again.")
            % {"what": what, "wait": wait},
            retry_after=wait,
        )


def join_limit(*, conversation: Conversation, ip: str) -> None:
    """Count one join from ``ip`` in ``conversation``: an address that joins too often is
    held back in that conversation only, so one busy client (or every client behind a proxy
    that is not configured as trusted) never blocks joining anywhere else."""
    wait = ratelimit.hit(
        f"join:c{conversation.pk}",
        address_key(ip),
        limit=settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP,
        window=3600,
    )
    _refuse(wait, _("new participants"))


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
    for ident, limit in ((who, per_participant), (address_key(ip), per_ip)):
        _refuse(ratelimit.hit(scope, ident, limit=limit, window=window), what)
