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

    from asgiref.sync import sync_to_async
    from django.db import connections

    async def then_close(coroutine):
        try:
            return await coroutine
        finally:
            # The database calls ran in asgiref's shared thread, which outlives the test: close
            # its connections, or PostgreSQL refuses to drop the test database at the end.
            await sync_to_async(connections.close_all)()

    def run(coroutine):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, then_close(coroutine)).result()

    return run
