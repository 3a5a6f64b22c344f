"""The live room's WebSocket: every screen joins the room's group and receives its events."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from listening.live import selectors
from listening.live.events import moderators_group, room_group
from listening.live.models import LiveRoom
from listening.live.rules import is_live_moderator


class LiveRoomConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """``/ws/live/<code>/``: sends ``{"type": "state", "room": ...}`` on connect, then each
    event as it happens. Moderators (signed in) also receive pending and hidden questions."""

    groups: list[str] = []

    async def connect(self) -> None:
        code = str(self.scope["url_route"]["kwargs"]["code"]).upper()
        found = await database_sync_to_async(self._load)(code)
        if found is None:
            await self.close(code=4404)
            return
        room, state, moderator = found
        self.room_code = room.code
        self.joined = [room_group(room.code)]
        if moderator:
            self.joined.append(moderators_group(room.code))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "state", "room": state})

    def _load(self, code: str) -> tuple[LiveRoom, dict[str, Any], bool] | None:
        try:
            room = selectors.room_get(code)
        except LiveRoom.DoesNotExist:
            return None
        user = self.scope.get("user")
        return room, selectors.room_state(room), bool(user and is_live_moderator(user))

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Writes go through the HTTP API (validated, rate-limited); the socket only listens.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def live_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
