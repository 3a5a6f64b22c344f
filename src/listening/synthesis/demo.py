"""The demo programme's sample key messages and commitments (``demo/data/synthesis.json``),
loaded through the services; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from listening.conversations.models import Statement
from listening.programmes.models import ListeningSession, Programme
from listening.synthesis.models import Commitment, KeyMessage
from listening.synthesis.services import (
    commitment_add_progress,
    commitment_create,
    commitment_update,
    key_message_create,
    key_message_publish,
)
from listening.voices.models import Voice

REASON = "demo data"


class SynthesisDemoError(ValidationError):
    pass


def _voice(entry: dict[str, Any], context: str) -> Voice:
    voice = Voice.objects.filter(
        session__slug=entry["session"], text__startswith=entry["starts"]
    ).first()
    if voice is None:
        raise SynthesisDemoError(f"{context}: no voice of {entry['session']} starts with "
                                 f"{entry['starts']!r}")  # fmt: skip
    return voice


def _statement(entry: dict[str, Any], context: str) -> Statement:
    statement = Statement.objects.filter(
        conversation__slug=entry["conversation"], text=entry["text"]
    ).first()
    if statement is None:
        raise SynthesisDemoError(f"{context}: no statement {entry['text']!r}")
    return statement


def load_synthesis_demo(data: dict[str, Any], programme: Programme) -> None:
    if KeyMessage.objects.filter(programme=programme).exists():
        return
    by_slug: dict[str, KeyMessage] = {}
    for index, entry in enumerate(data["key_messages"]):
        context = f"synthesis.json, key message {index + 1}"
        km = key_message_create(
            programme=programme,
            title=entry["title"],
            text=entry.get("text", ""),
            axis=entry.get("axis", ""),
            session=ListeningSession.objects.filter(slug=entry.get("session")).first(),
            voices=[_voice(v, context) for v in entry.get("voices", [])],
            statements=[_statement(s, context) for s in entry.get("statements", [])],
            reason=REASON,
        )
        if entry.get("publish"):
            key_message_publish(key_message=km, author=None, reason=REASON)
        by_slug[entry["slug"]] = km
    for entry in data["commitments"]:
        if Commitment.objects.filter(programme=programme, title=entry["title"]).exists():
            continue
        commitment = commitment_create(
            programme=programme,
            axis=entry["axis"],
            title=entry["title"],
            text=entry.get("text", ""),
            is_published=True,
            key_messages=[by_slug[slug] for slug in entry.get("key_messages", [])],
            reason=REASON,
        )
        for update in entry.get("progress", []):
            commitment_add_progress(
                commitment=commitment,
                date=dt.date.fromisoformat(update["date"]),
                text=update["text"],
                status=update["status"],
                author=None,
            )
        if commitment.status != entry["status"]:
            commitment_update(
                commitment=commitment, author=None, reason=REASON, status=entry["status"]
            )
