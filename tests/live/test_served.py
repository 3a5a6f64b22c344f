"""The live room on the server `make run` starts: HTTP API and WebSocket from one process."""

import asyncio
import json
import os
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
def test_served_question_reaches_a_websocket_client(tmp_path, run_async):
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

        state, event = run_async(scenario())
    assert state["type"] == "state" and state["room"]["code"] == code
    assert event["type"] == "question"
    assert event["question"]["text"] == "Is this served live?"


@pytest.mark.redis
def test_served_several_workers_share_events_through_redis(tmp_path, run_async):
    """With REDIS_URL, `listening serve --workers 2`: a question posted to whichever worker
    reaches every WebSocket client, whichever worker holds its connection."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("set REDIS_URL to a real Redis to run (.ci/run does)")
    with served(tmp_path, workers=2, REDIS_URL=redis_url) as server:
        code = server.manage("shell", "-c", ROOM_SCRIPT).strip().splitlines()[-1]
        ws_url = server.url.replace("http://", "ws://") + f"/ws/live/{code}/"

        async def scenario():
            sockets = [await websockets.connect(ws_url, origin=server.url) for _ in range(8)]
            for socket in sockets:
                await asyncio.wait_for(socket.recv(), 10)
            token = (
                await asyncio.to_thread(_post, f"{server.url}/api/live/{code}/participants", {})
            )["token"]
            for n in range(4):
                await asyncio.to_thread(
                    _post,
                    f"{server.url}/api/live/{code}/questions",
                    {"text": f"Question number {n} from the floor"},
                    token,
                )
            received = []
            for socket in sockets:
                texts = [
                    json.loads(await asyncio.wait_for(socket.recv(), 10))["question"]["text"]
                    for _ in range(4)
                ]
                received.append(sorted(texts))
                await socket.close()
            return received

        received = run_async(scenario())
    expected = sorted(f"Question number {n} from the floor" for n in range(4))
    assert received == [expected] * 8
