"""Start the server `make run` starts (`listening serve`: uvicorn, HTTP and WebSockets) on a
fresh SQLite database in a temporary folder, for tests that need the real thing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = env

    def manage(self, *args: str) -> str:
        """Run a `listening` command against the served database; its standard output."""
        done = subprocess.run(
            [str(BIN / "listening"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise AssertionError(f"listening {args[0]} failed: {done.stderr}")
        return done.stdout


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and every worker it started (SIGTERM, then SIGKILL after 10 s)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@contextmanager
def served(tmp_path: Path, workers: int = 1, **settings: str) -> Iterator[Served]:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "DEBUG": "1",
        "SECRET_KEY": "served-tests-" + "y" * 40,
        "DJANGO_SETTINGS_MODULE": "listening.config.settings",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        **settings,
    }
    server = Served("", env)
    server.manage("migrate", "--no-input")
    port = _free_port()
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(BIN / "listening"), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: workers are stopped with it
    )
    server.url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = log_path.read_text(errors="replace")
                    raise AssertionError(f"listening serve did not start: {err}") from None
                time.sleep(0.2)
        yield server
    finally:
        stop_group(process)
        log.close()
