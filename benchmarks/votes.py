"""HTTP vote casting under load: gunicorn with the production settings, driven by wrk.

    .venv/bin/python benchmarks/votes.py [--db postgres,sqlite] [--seconds 15]
        [--workers 4] [--threads 4] [--connections 16] [--json OUT.json]

For each database it creates a fresh bench database (PostgreSQL: ``listening_bench`` through
``BENCH_PG_URL``, default the local ``listening`` role; SQLite: ``benchmarks/out/votes.sqlite3``),
migrates it, adds a conversation with 200 statements and 4,000 participants with known tokens,
starts gunicorn on 127.0.0.1 (DEBUG=0, a SECRET_KEY, RATELIMIT_ENABLE=0, in-process opinion
jobs as in production) and runs Debian's ``wrk`` from a separate process:

1. ``GET /api/health`` (the framework floor: routing, middleware, JSON, no database);
2. a count check: 2,000 votes from 32 threads, every answer awaited, compared with the votes
   stored (it also warms every worker's vote path and database connection);
3. ``POST /api/conversations/bench/votes``: every request a new (participant, statement) pair,
   spread over all participants and statements.

It prints requests/s, p50/p99 latency, responses by status, and compares the accepted
responses with the votes counted in the database afterwards. Loopback only; each run is
bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
VENV_BIN = Path(sys.executable).parent
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgresql://listening:listening@127.0.0.1:5432/listening_bench"
)
STATEMENTS = 200
PARTICIPANTS = 4000

LUA_COMMON = r"""
counts = {}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads - 1)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%d": %d', k, v)) end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "errors": %d, "status": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""

LUA_VOTES = r"""
local tokens = {%(tokens)s}
local statements = {%(statements)s}
local nthreads = %(nthreads)d
local n = 0
function init(args)
  counts = {}
  id = id or 0
end
function request()
  -- Request k of thread t is global number g = t + k * nthreads: every pair once.
  local g = id + n * nthreads
  n = n + 1
  local p = g %% #tokens
  local s = math.floor(g / #tokens) %% #statements
  local body = string.format('{"statement": %%d, "vote": %%d}', statements[s + 1], (g %% 3) - 1)
  return wrk.format("POST", "/api/conversations/bench/votes", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[p + 1],
  }, body)
end
"""

LUA_HEALTH = r"""
function init(args)
  counts = {}
end
function request()
  return wrk.format("GET", "/api/health")
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    cores = os.cpu_count()
    mem = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // (1024 * 1024)
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0]
    return (
        f"{cores} cores ({cpu}), {mem} GiB, Python {platform.python_version()}, "
        f"load average {load:.1f} before the run"
    )


JOBS = {"value": "thread"}


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RATELIMIT_ENABLE": "0",
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
            "DATA_DIR": str(OUT / "data"),
            "DJANGO_SETTINGS_MODULE": "listening.config.settings",
            "OPINION_JOBS": JOBS["value"],
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def prepare(database: str) -> tuple[str, list[str], list[int]]:
    """A fresh database with the bench conversation; its URL, tokens and statement ids."""
    OUT.mkdir(exist_ok=True)
    if database == "postgres":
        import psycopg

        url = PG_URL
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = OUT / "votes.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    env = bench_env(url)
    subprocess.run(
        [str(VENV_BIN / "listening"), "migrate", "--no-input", "-v0"], env=env, check=True
    )
    script = f"""
import json, django
django.setup()
from listening.conversations.models import Conversation, Participant, Statement
from listening.conversations.tokens import token_hash, token_new
c = Conversation.objects.create(slug="bench", topic="Benchmark")
Statement.objects.bulk_create(
    Statement(conversation=c, text=f"Statement {{i}}", status="approved")
    for i in range({STATEMENTS})
)
tokens = [token_new() for _ in range({PARTICIPANTS})]
Participant.objects.bulk_create(
    (Participant(conversation=c, token_hash=token_hash(t)) for t in tokens), batch_size=2000
)
ids = list(Statement.objects.filter(conversation=c).values_list("id", flat=True))
print(json.dumps({{"tokens": tokens, "statements": ids}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return url, data["tokens"], data["statements"]


def vote_count(database_url: str) -> int:
    script = (
        "import django; django.setup()\n"
        "from listening.conversations.models import Vote\n"
        "print(Vote.objects.filter(conversation__slug='bench').count())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=bench_env(database_url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def start_server(
    database_url: str, workers: int, threads: int, server: str = "gunicorn", redis: str = ""
) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = OUT / f"{server}.log"
    env = bench_env(database_url)
    if server == "serve":
        # What `make run` starts: uvicorn through `listening serve` (several workers need Redis).
        cmd = [
            str(VENV_BIN / "listening"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        if workers > 1:
            env["REDIS_URL"] = redis
    else:
        cmd = gunicorn_command(port, workers, threads)
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: workers are stopped with it
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{server} exited; see {log}") from None
            time.sleep(0.1)
    # Warm every worker (imports, database connection) before measuring.
    subprocess.run(
        ["wrk", "-t1", "-c8", "-d2s", f"http://127.0.0.1:{port}/api/health"],
        check=True,
        capture_output=True,
    )
    return proc, port, log


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "listening.config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]


def run_wrk(
    port: int, lua: str, seconds: int, connections: int, wrk_threads: int
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA_COMMON + lua)
        script = fh.name
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{wrk_threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script,
                f"http://127.0.0.1:{port}/",
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script)
    match = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if not match:
        raise SystemExit(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def kill_one_worker(server: subprocess.Popen[bytes]) -> int | None:
    """SIGKILL one worker process of the server (the master restarts it); its pid."""
    found = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    workers = [
        int(pid)
        for pid in found
        if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    ]
    if not workers:
        return None
    os.kill(workers[-1], signal.SIGKILL)
    return workers[-1]


def integrity(
    port: int,
    tokens: list[str],
    statements: list[int],
    n: int,
    kill: subprocess.Popen[bytes] | None = None,
) -> int:
    """Send exactly ``n`` votes on fresh pairs from 32 threads; the number of 2xx answers.

    With ``kill``, one worker of that server is killed when a third of the votes are sent:
    the votes it had accepted must be stored, the ones it dropped never answered 2xx."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    first = len(tokens) * len(statements) // 2  # far from the pairs wrk used

    def one(i: int) -> int:
        if kill is not None and i == n // 3:
            print(f"   killed worker {kill_one_worker(kill)} mid-run", flush=True)
        g = first + i
        body = json.dumps(
            {"statement": statements[(g // len(tokens)) % len(statements)], "vote": 1}
        )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(
                "POST",
                "/api/conversations/bench/votes",
                body,
                {
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {tokens[g % len(tokens)]}",
                },
            )
            status = conn.getresponse().status
        except (ConnectionError, http.client.HTTPException):
            status = 0  # the connection broke (a killed worker): not accepted
        finally:
            conn.close()
        return status

    with ThreadPoolExecutor(32) as pool:
        return sum(1 for status in pool.map(one, range(n)) if 200 <= status < 300)


def _check_verdict(accepted: int, stored: int) -> str:
    if accepted == stored:
        return "equal"
    if stored > accepted:
        # A vote committed whose answer died with a killed worker: stored, never confirmed.
        # The vote is an upsert, so the client's retry changes nothing.
        return f"every accepted vote stored; {stored - accepted} stored whose answer was lost"
    return f"{accepted - stored} ACCEPTED VOTES LOST"


def bench(database: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {database}: preparing", flush=True)
    url, tokens, statements = prepare(database)
    proc, port, _log = start_server(url, args.workers, args.threads, args.server, args.redis)
    try:
        print(f"== {database}: GET /api/health for {args.seconds} s", flush=True)
        health = run_wrk(port, LUA_HEALTH, args.seconds, args.connections, args.wrk_threads)
        # The count check first: it also warms every worker's vote path and database
        # connection, so the timed run measures the steady state.
        print(f"== {database}: {args.check} votes from 32 threads, then count", flush=True)
        before_check = vote_count(url)
        checked = integrity(
            port, tokens, statements, args.check, kill=proc if args.kill_worker else None
        )
        before = vote_count(url)
        lua = LUA_VOTES % {
            "tokens": ",".join(f'"{t}"' for t in tokens),
            "statements": ",".join(str(s) for s in statements),
            "nthreads": args.wrk_threads,
        }
        print(f"== {database}: POST votes for {args.seconds} s", flush=True)
        votes = run_wrk(port, lua, args.seconds, args.connections, args.wrk_threads)
        time.sleep(1)  # let requests still in flight when wrk stopped finish
        after_wrk = vote_count(url)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    stored = after_wrk - before
    accepted = votes["status"].get("201", 0) + votes["status"].get("200", 0)
    result = {
        "database": database,
        "health": health,
        "votes": votes,
        "accepted": accepted,
        "stored": stored,
        "check_sent": args.check,
        "check_accepted": checked,
        "check_stored": before - before_check,
        "ratio": votes["rps"] / health["rps"] if health["rps"] else 0.0,
    }
    print(
        f"   health: {health['rps']:.0f} req/s, p50 {health['p50_ms']:.1f} ms, "
        f"p99 {health['p99_ms']:.1f} ms\n"
        f"   votes:  {votes['rps']:.0f} votes/s, p50 {votes['p50_ms']:.1f} ms, "
        f"p99 {votes['p99_ms']:.1f} ms, statuses {votes['status']}, "
        f"socket errors {votes['errors']}\n"
        f"   wrk: accepted responses {accepted}, votes stored {stored} (wrk drops the "
        f"answers of requests in flight at its deadline: at most {args.connections})\n"
        f"   check: {args.check} votes sent, {checked} accepted, "
        f"{result['check_stored']} stored "
        f"({_check_verdict(checked, result['check_stored'])})\n"
        f"   votes/health ratio {result['ratio']:.2f}",
        flush=True,
    )
    # What issue 13 asks of the `make run` set-up: no connection errors, no 5xx, every
    # accepted vote stored.
    server_errors = sum(n for code, n in votes["status"].items() if int(code) >= 500)
    broken = votes["errors"] + health["errors"]
    lost = result["check_accepted"] > result["check_stored"] or accepted > stored
    result["verdict_ok"] = not (server_errors or broken or lost)
    print(
        f"   verdict: {'OK' if result['verdict_ok'] else 'FAILED'} "
        f"(socket errors {broken}, 5xx {server_errors}, "
        f"accepted votes lost: {'yes' if lost else 'none'})",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--check", type=int, default=2000, help="votes in the count check")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--server",
        choices=["gunicorn", "serve"],
        default="gunicorn",
        help="gunicorn (WSGI) or serve: `listening serve`, the uvicorn server `make run` starts",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4", help="for --server serve")
    parser.add_argument(
        "--kill-worker",
        action="store_true",
        help="SIGKILL one worker during the count check (accepted must still equal stored)",
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument(
        "--jobs", default="thread", help="OPINION_JOBS of the server (thread: the default)"
    )
    args = parser.parse_args()
    JOBS["value"] = args.jobs
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    print(f"machine: {machine()}")
    server = (
        f"listening serve (uvicorn, what `make run` starts), {args.workers} worker(s)"
        if args.server == "serve"
        else f"gunicorn, {args.workers} workers x {args.threads} threads"
    )
    print(
        f"server: {server}; wrk {args.wrk_threads} thread(s), {args.connections} connections, "
        f"{args.seconds} s"
    )
    results = [bench(db.strip(), args) for db in args.db.split(",") if db.strip()]
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
