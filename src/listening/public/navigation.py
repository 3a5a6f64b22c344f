"""Links a public page may show: no placeholder domains (RFC 2606 / RFC 6761)."""

from __future__ import annotations

from urllib.parse import urlsplit

PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost")


def is_placeholder(url: str) -> bool:
    """Whether the link points at a domain reserved for examples, which leads nowhere."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return False
    return (
        host in PLACEHOLDER_DOMAINS
        or any(host.endswith("." + domain) for domain in PLACEHOLDER_DOMAINS)
        or host.endswith(PLACEHOLDER_SUFFIXES)
        or host in {suffix[1:] for suffix in PLACEHOLDER_SUFFIXES}
    )


def real_link(url: str) -> str:
    """The link, or "" when it points at a placeholder domain."""
    return "" if not url or is_placeholder(url) else url
