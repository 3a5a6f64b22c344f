"""Live rooms under load: 1,000 connected WebSocket clients, and how long a new question or
upvote takes to reach every one of them.

    .venv/bin/python benchmarks/live.py [--clients 1000] [--workers 2] [--events 20]
        [--redis redis://127.0.0.1:6379/3]

Starts `listening serve` (uvicorn, the server `make run` starts) with ``--workers N`` on a
fresh SQLite database and, for N > 1, the Redis channel layer (a Redis must be running; the
default URL is the local one). It opens ``--clients`` WebSockets on one room, then posts
questions and upvotes through the JSON API, one at a time, and measures for each event the
time from sending the request to the moment each client has it. Prints p50/p99/max over all
(event, client) pairs and the number of events lost (goal: none, p99 ≤ 1 s). Loopback only;
bounded by the number of events.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets

VENV_BIN = Path(sys.executable).parent
ROOM_SCRIPT = """
import datetime as dt
from listening.programmes.services import programme_upsert, session_upsert
from listening.live.services import room_open
programme = programme_upsert(name="Bench programme", slug="bench")
start = dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC)
session = session_upsert(programme=programme, title="Bench session", slug="bench-session",
    axis="people", starts_at=start, ends_at=start + dt.timedelta(hours=2), format="online",
    languages=["en"])
print(room_open(session=session).code)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(url: str, data: dict[str, object], token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(data).encode(), headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _run(base: str, code: str, clients: int, events: int) -> dict[str, object]:
    ws_url = base.replace("http://", "ws://") + f"/ws/live/{code}/"
    sockets = []
    for start in range(0, clients, 100):  # connect in batches of 100
        batch = await asyncio.gather(
            *(
                websockets.connect(ws_url, origin=base, open_timeout=60)
                for _ in range(start, min(clients, start + 100))
            )
        )
        sockets.extend(batch)
    await asyncio.gather(*(asyncio.wait_for(s.recv(), 60) for s in sockets))  # states
    tokens = [
        str((await asyncio.to_thread(_post, f"{base}/api/live/{code}/participants", {}))["token"])
        for _ in range(events)
    ]
    latencies: list[float] = []
    lost = 0
    question_id = None
    for n in range(events):
        sent = time.perf_counter()
        if n % 2 == 0 or question_id is None:
            reply = await asyncio.to_thread(
                _post,
                f"{base}/api/live/{code}/questions",
                {"text": f"Benchmark question {n}"},
                tokens[n],
            )
            question_id = reply["id"]
        else:
            await asyncio.to_thread(
                _post, f"{base}/api/live/{code}/questions/{question_id}/upvote", {}, tokens[n]
            )

        async def arrival(sock: websockets.ClientConnection, sent: float = sent) -> float | None:
            try:
                await asyncio.wait_for(sock.recv(), 10)
            except (TimeoutError, websockets.ConnectionClosed):
                return None
            return time.perf_counter() - sent

        arrivals = await asyncio.gather(*(arrival(s) for s in sockets))
        latencies.extend(a for a in arrivals if a is not None)
        lost += sum(1 for a in arrivals if a is None)
    await asyncio.gather(*(s.close() for s in sockets))
    return {
        "clients": clients,
        "events": events,
        "deliveries": len(latencies),
        "lost": lost,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.clients + 256)), hard))
    with tempfile.TemporaryDirectory(prefix="listening-live-bench-") as folder:
        env = {
            **os.environ,
            "DATA_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "z" * 50,
            "SECURE_COOKIES": "0",
            "RATELIMIT_ENABLE": "0",
            "REDIS_URL": args.redis if args.workers > 1 else "",
            "LOG_LEVEL": "WARNING",
        }
        run = lambda *a: subprocess.run(  # noqa: E731
            [str(VENV_BIN / "listening"), *a], env=env, check=True, capture_output=True, text=True
        )
        run("migrate", "--no-input")
        code = run("shell", "-c", ROOM_SCRIPT).stdout.strip().splitlines()[-1]
        port = _free_port()
        server = subprocess.Popen(
            [
                str(VENV_BIN / "listening"),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            start_new_session=True,  # its own process group: workers are stopped with it
        )
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if server.poll() is not None:
                        raise SystemExit("listening serve stopped: see its output above") from None
                    time.sleep(0.2)
            else:
                raise SystemExit("listening serve did not start within a minute")
            load = os.getloadavg()[0]
            result = asyncio.run(_run(f"http://127.0.0.1:{port}", code, args.clients, args.events))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} before the run; workers: {args.workers}"
        f"{' (Redis channel layer)' if args.workers > 1 else ' (in-memory channel layer)'}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
