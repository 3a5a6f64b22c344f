"""The in-process background worker: one daemon thread per process runs debounced jobs.

This is the embedded default (no extra service). A job is keyed, so many requests asking for
the same job within the debounce window cause one run; a request arriving while the job runs
schedules another run after it, so the last votes are never left out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

from django.db import close_old_connections, connections

log = logging.getLogger(__name__)


class DebouncedWorker:
    def __init__(self, name: str = "listening-jobs") -> None:
        self.name = name
        self._lock = threading.Condition()
        self._due: dict[Hashable, tuple[float, Callable[[], object]]] = {}
        self._thread: threading.Thread | None = None
        self._running: Hashable | None = None

    def schedule(self, key: Hashable, func: Callable[[], object], *, delay: float) -> None:
        """Run ``func`` about ``delay`` seconds from now, unless ``key`` is already waiting."""
        with self._lock:
            if key not in self._due:
                self._due[key] = (time.monotonic() + delay, func)
                self._lock.notify()
            self._start()

    def pending(self) -> int:
        with self._lock:
            return len(self._due) + (self._running is not None)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is waiting or running (for tests and shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.pending():
                return True
            time.sleep(0.02)
        return False

    def _start(self) -> None:
        # A forked worker process (gunicorn) inherits no threads: start one lazily.
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._due:
                    self._lock.wait()
                key, (due, func) = min(self._due.items(), key=lambda kv: kv[1][0])
                wait = due - time.monotonic()
                if wait > 0:
                    self._lock.wait(timeout=wait)
                    continue
                del self._due[key]
                self._running = key
            try:
                close_old_connections()
                func()
            except Exception:
                log.exception("background job %r failed", key)
            finally:
                connections.close_all()
                with self._lock:
                    self._running = None


worker = DebouncedWorker()
