"""Live events: what changed in a room, pushed to every connected screen through Channels.

Each event is a JSON object with a ``type`` (``question``, ``question_removed``, ``upvote``,
``current``, ``poll``, ``room``, and for moderators ``pending``) and the changed item. Events
are sent after the writing transaction commits, so a screen never shows what was rolled back.
Hidden and pending questions go only to the moderators' group.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def room_group(code: str) -> str:
    return f"live.{code}"


def moderators_group(code: str) -> str:
    return f"live.{code}.mod"


def _send(group: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "live.event", "payload": payload})
    except Exception:  # a broken channel layer must not fail the write that was committed
        log.exception("live event %s to %s was not delivered", payload.get("type"), group)


def publish(code: str, payload: dict[str, Any], *, everyone: bool = True) -> None:
    """Send ``payload`` to the room's moderators and, unless ``everyone`` is False, to the
    audience and projector, once the current transaction commits."""

    def send() -> None:
        if everyone:
            _send(room_group(code), payload)
        _send(moderators_group(code), payload)

    transaction.on_commit(send)
