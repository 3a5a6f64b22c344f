"""Rate limits against 4 gunicorn workers: with Redis every limit holds at its value ±1.

    .venv/bin/python benchmarks/ratelimits.py [--workers 4] [--redis-url URL]
        [--caches redis,locmem]

For each cache (``redis``: ``REDIS_URL``, the production setting; ``locmem``: no REDIS_URL, to
show what goes wrong without it) it creates a fresh SQLite database under
``benchmarks/out/ratelimits/``, adds two conversations with 10 statements each, starts gunicorn
with ``--workers`` sync workers on 127.0.0.1 (DEBUG=0, the default limits, TRUSTED_PROXY_COUNT=1
with every request carrying ``X-Forwarded-For: <client>`` as a TLS proxy would) and sends:

1. votes from one participant, one after another, until past the limit
   (``RATELIMIT_VOTES_PER_MINUTE``, 120): the number of the first 429;
2. votes from another participant from 8 threads at once (150 requests): how many got through;
3. joins from one client address into one conversation until past the limit
   (``RATELIMIT_PARTICIPANTS_PER_HOUR_IP``, 300): the number of the first 429; then the same
   client joining the other conversation and another client joining the first (both should
   get 201).

Each new connection goes to whichever worker accepts it, so consecutive requests are spread
over the workers. Limits count in fixed windows (a minute for votes, an hour for joins): the
script waits for a fresh minute when fewer than 20 s are left in the current one. It also
reports whether gunicorn logged the start-up warning about limits without a shared cache.
The Redis database given (default 12) is emptied first.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "ratelimits"
VENV_BIN = Path(sys.executable).parent
VOTE_LIMIT = 120
JOIN_LIMIT = 300
CLIENT_A, CLIENT_B = "198.51.100.10", "198.51.100.11"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} before the run"
    )


def bench_env(cache: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{OUT / cache / 'db.sqlite3'}",
            "DATA_DIR": str(OUT / cache),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "listening.config.settings",
            "TRUSTED_PROXY_COUNT": "1",
            "RATELIMIT_VOTES_PER_MINUTE": str(VOTE_LIMIT),
            "RATELIMIT_PARTICIPANTS_PER_HOUR_IP": str(JOIN_LIMIT),
        }
    )
    if cache == "redis":
        env["REDIS_URL"] = redis_url
    return env


def prepare(env: dict[str, str]) -> list[int]:
    """A fresh database with two conversations; the statement ids of the first."""
    shutil.rmtree(env["DATA_DIR"], ignore_errors=True)
    Path(env["DATA_DIR"]).mkdir(parents=True)
    subprocess.run(
        [str(VENV_BIN / "listening"), "migrate", "--no-input", "-v0"],
        env=env,
        check=True,
        capture_output=True,
    )
    script = """
import django
django.setup()
from listening.conversations.models import Conversation, Statement
for slug in ("first", "second"):
    c = Conversation.objects.create(slug=slug, topic="Rate limits")
    Statement.objects.bulk_create(
        Statement(conversation=c, text=f"Statement {i}", status="approved") for i in range(10)
    )
print(list(Statement.objects.filter(conversation__slug="first").values_list("id", flat=True)))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    return [int(x) for x in out.strip().splitlines()[-1].strip("[]").split(",")]


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = Path(env["DATA_DIR"]) / "gunicorn.log"
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "listening.config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/api/health", client=CLIENT_B)[0] == 200:
                break
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log}") from None
            time.sleep(0.2)
    return proc, port, log


def request(
    port: int, method: str, path: str, *, client: str, body: Any = None, token: str = ""
) -> tuple[int, dict[str, Any]]:
    """One request on a new connection (so the next may go to another worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-For": client, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return response.status, data


def fresh_minute(margin: int = 20) -> None:
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.5)


def join(port: int, slug: str, client: str) -> tuple[int, str]:
    status, data = request(
        port, "POST", f"/api/conversations/{slug}/participants", client=client, body={}
    )
    return status, str(data.get("token", ""))


def vote(port: int, token: str, statement: int, value: int) -> int:
    return request(
        port,
        "POST",
        "/api/conversations/first/votes",
        client=CLIENT_A,
        body={"statement": statement, "vote": value},
        token=token,
    )[0]


def run(cache: str, args: argparse.Namespace) -> dict[str, Any]:
    env = bench_env(cache, args.redis_url)
    if cache == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    ids = prepare(env)
    proc, port, log = start_server(env, args.workers)
    try:
        _, voter = join(port, "first", CLIENT_B)
        _, racer = join(port, "first", CLIENT_B)

        fresh_minute()
        first_vote_429 = None
        for n in range(1, VOTE_LIMIT + 31):
            if vote(port, voter, ids[n % len(ids)], 1 if n % 2 else -1) == 429:
                first_vote_429 = n
                break

        fresh_minute()
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda n: vote(port, racer, ids[n % len(ids)], 1), range(150)))
        concurrent_accepted = sum(1 for c in codes if c in (200, 201))

        first_join_429 = None
        for n in range(1, JOIN_LIMIT + 31):
            if join(port, "first", CLIENT_A)[0] == 429:
                first_join_429 = n
                break
        other_conversation = join(port, "second", CLIENT_A)[0]
        other_client = join(port, "first", "198.51.100.99")[0]
    finally:
        proc.terminate()
        proc.wait(30)
    warned = "RATE LIMITS DO NOT HOLD" in log.read_text(errors="replace")
    return {
        "cache": cache,
        "first_vote_429": first_vote_429,
        "concurrent_accepted": concurrent_accepted,
        "first_join_429": first_join_429,
        "same_client_other_conversation": other_conversation,
        "other_client_same_conversation": other_client,
        "startup_warning": warned,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--caches", default="redis,locmem")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"gunicorn {args.workers} sync workers; limits: {VOTE_LIMIT} votes a minute per "
        f"participant, {JOIN_LIMIT} joins an hour per conversation and address"
    )
    header = (
        "cache",
        "1st vote 429 (limit+1)",
        "of 150 concurrent votes accepted",
        "1st join 429 (limit+1)",
        "same client, other conv.",
        "other client",
        "start-up warning",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for cache in args.caches.split(","):
        r = run(cache, args)
        row = [
            r["cache"],
            r["first_vote_429"] or "none in 150",
            r["concurrent_accepted"],
            r["first_join_429"] or "none in 330",
            r["same_client_other_conversation"],
            r["other_client_same_conversation"],
            "yes" if r["startup_warning"] else "no",
        ]
        print("| " + " | ".join(str(x) for x in row) + " |", flush=True)


if __name__ == "__main__":
    main()
