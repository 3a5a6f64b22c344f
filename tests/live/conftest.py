import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def captured_events(monkeypatch):
    """Events published after commit, as (group, payload), from the in-memory channel layer's
    point of view: what a connected screen would receive."""
    sent = []
    from listening.live import events

    monkeypatch.setattr(events, "_send", lambda group, payload: sent.append((group, payload)))
    return sent


@pytest.fixture
def run_async():
    """Run a coroutine to the end in a thread of its own: the browser tests' Playwright keeps
    an event loop in the main thread for the whole session, where asyncio.run and
    async_to_sync refuse to start another."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    def run(coroutine):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, coroutine).result()

    return run
