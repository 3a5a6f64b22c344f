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
