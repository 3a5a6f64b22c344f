"""The client's address, as rate limits and sign-in lockouts count it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it saw to
``X-Forwarded-For``, the client is the Nth address from the right of that header: anything to
its left was written by the client and may be forged. With no trusted proxy (the default) the
header is ignored and the address is the connection's own (``REMOTE_ADDR``).
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("listening.security")
_warned: set[str] = set()


def _address(value: str) -> str:
    """``value`` as a normalised IP address, or "" if it is not one (ports are dropped)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``; "" if none can be told."""
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        if "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_untrusted_proxy(remote)
        return remote
    forwarded = [
        part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part
    ]
    if not forwarded:
        # No proxy wrote the header: the request came straight to the server.
        return remote
    # Each trusted proxy appended one address; with fewer than expected, all of them were
    # written by proxies, so the leftmost is the farthest one still trusted.
    chosen = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _address(chosen) or remote


def _warn_untrusted_proxy(remote: str) -> None:
    """Once per process: a proxy on a private address forwards requests, but is not trusted,
    so every visitor is counted as that proxy (one shared rate limit for everyone)."""
    if remote in _warned:
        return
    try:
        private = ipaddress.ip_address(remote).is_private
    except ValueError:
        return
    if private:
        _warned.add(remote)
        logger.warning(
            "Requests from %s carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: every "
            "visitor behind that proxy shares its address and its rate limits. Set "
            "TRUSTED_PROXY_COUNT to the number of proxies in front of the app "
            "(docs/operations.md).",
            remote,
        )
