"""Live events: what changed in a room, pushed to every connected screen through Channels.

Each event is a JSON object with a ``type`` (``question``, ``question_removed``, ``upvote``,
``current``, ``poll``, ``room``, and for moderators ``pending``) and the changed item. Events
are sent after the writing transaction commits, so a screen never shows what was rolled back.
Hidden and pending questions go only to the moderators' group.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


# The server's event loop, where the consumers wait. Requests run in threads of a pool
# (config/asgi.py), so events are handed to this loop rather than to a loop of their own: the
# in-memory layer's queues belong to it, and the Redis layer keeps its connections per loop.
server_loop: asyncio.AbstractEventLoop | None = None

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


def remember_server_loop(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI application so that the first request records the server's event loop."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        global server_loop
        if server_loop is None:
            server_loop = asyncio.get_running_loop()
        await app(scope, receive, send)

    return wrapped


def room_group(code: str) -> str:
    return f"live.{code}"


def moderators_group(code: str) -> str:
    return f"live.{code}.mod"


def _send(group: str, payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "live.event", "payload": payload}
    try:
        loop = server_loop
        if loop is not None and loop.is_running() and not _in_loop(loop):
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(10)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # a broken channel layer must not fail the write that was committed
        log.exception("live event %s to %s was not delivered", payload.get("type"), group)


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def publish(code: str, payload: dict[str, Any], *, everyone: bool = True) -> None:
    """Send ``payload`` to the room's moderators and, unless ``everyone`` is False, to the
    audience and projector, once the current transaction commits."""

    def send() -> None:
        if everyone:
            _send(room_group(code), payload)
        _send(moderators_group(code), payload)

    transaction.on_commit(send)
