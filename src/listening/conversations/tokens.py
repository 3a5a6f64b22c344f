"""Participant tokens: only their SHA-256 is stored, so a leaked database holds no credentials."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; accept a little either side for future lengths.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,200}")


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_is_well_formed(token: str) -> bool:
    return bool(TOKEN_SHAPE.fullmatch(token))
