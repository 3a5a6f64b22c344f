"""Embedding a conversation on another site: the organiser's list of allowed origins.

An origin is what a browser sends in ``Origin`` and what CSP ``frame-ancestors`` matches:
``https://host[:port]``, nothing after it. ``http://`` is allowed for this machine only
(``localhost``, ``127.0.0.1``, ``[::1]``), for trying an embed before going live.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# A DNS name in ASCII (internationalised names in their xn-- form), labels of 1-63 characters.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _origin(entry: str) -> str:
    """The normalised origin of one entry; ValueError with the reason when it is not one."""
    if any(ch.isspace() for ch in entry) or not entry.isprintable():
        raise ValueError(_("it contains spaces or invisible characters"))
    parts = urlsplit(entry.removesuffix("/"))
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(_("write it as https://host or https://host:port"))
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(_("an origin has no path, query, fragment or user name"))
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:
        raise ValueError(_("its port is not a number from 1 to 65535")) from None
    if port == 0:
        raise ValueError(_("its port is not a number from 1 to 65535"))
    if "*" in host:
        raise ValueError(_("list each site: wildcards are not allowed"))
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValueError(_("use https:// (http:// is only for localhost)"))
    if host not in LOCAL_HOSTS and not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(_("its host name is not valid"))
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")


def origins_parse(text: str) -> list[str]:
    """The origins of an organiser's list (one a line), normalised; ValidationError naming
    every bad entry (its line and text) otherwise."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        entry = line.strip()
        if not entry:
            continue
        try:
            origin = _origin(entry.lower())
        except ValueError as exc:
            errors.append(
                ValidationError(
                    _("Line %(line)d, “%(entry)s”: not a site origin: %(reason)s."),
                    params={"line": number, "entry": entry[:200], "reason": str(exc)},
                    code="origin",
                )
            )
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    return origins


def validate_origins(text: str) -> None:
    origins_parse(text)
