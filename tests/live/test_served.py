"""The live room on the server `make run` starts: HTTP API and WebSocket from one process."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from tests.served import served

ROOM_SCRIPT = """
from listening.programmes.services import programme_upsert, session_upsert
from listening.live.services import room_open
import datetime as dt
programme = programme_upsert(name="Served programme", slug="served")
start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
session = session_upsert(programme=programme, title="Served session", slug="served-session",
    axis="people", starts_at=start, ends_at=start + dt.timedelta(hours=2), format="online",
    languages=["en"])
print(room_open(session=session).code)
"""


def _post(url, data, token=None):
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.served
def test_served_question_reaches_a_websocket_client(tmp_path):
    with served(tmp_path) as server:
        code = server.manage("shell", "-c", ROOM_SCRIPT).strip().splitlines()[-1]
        ws_url = server.url.replace("http://", "ws://") + f"/ws/live/{code}/"

        async def scenario():
            async with websockets.connect(ws_url, origin=server.url) as socket:
                state = json.loads(await asyncio.wait_for(socket.recv(), 10))
                token = (
                    await asyncio.to_thread(_post, f"{server.url}/api/live/{code}/participants", {})
                )["token"]
                await asyncio.to_thread(
                    _post,
                    f"{server.url}/api/live/{code}/questions",
                    {"text": "Is this served live?"},
                    token,
                )
                event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                return state, event

        state, event = asyncio.run(scenario())
    assert state["type"] == "state" and state["room"]["code"] == code
    assert event["type"] == "question"
    assert event["question"]["text"] == "Is this served live?"
