import logging

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from listening.conversations import ratelimit, services
from listening.conversations.models import Participant
from tests.factories import ConversationFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_hit_under_the_limit_passes_then_waits():
    assert ratelimit.hit("vote", "p1", limit=2, window=60) is None
    assert ratelimit.hit("vote", "p1", limit=2, window=60) is None
    wait = ratelimit.hit("vote", "p1", limit=2, window=60)
    assert wait is not None
    assert 1 <= wait <= 60


def test_hit_scopes_and_identities_are_separate():
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None
    assert ratelimit.hit("vote", "p2", limit=1, window=60) is None
    assert ratelimit.hit("statement", "p1", limit=1, window=60) is None


def test_hit_disabled_or_unlimited_never_waits(settings):
    assert all(ratelimit.hit("vote", "p1", limit=0, window=60) is None for _ in range(5))
    assert all(ratelimit.hit("vote", "", limit=1, window=60) is None for _ in range(5))
    settings.RATELIMIT_ENABLE = False
    assert all(ratelimit.hit("vote", "p1", limit=1, window=60) is None for _ in range(5))


def test_hit_new_window_starts_over(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None
    assert ratelimit.hit("vote", "p1", limit=1, window=60) == 20
    now[0] += 60
    assert ratelimit.hit("vote", "p1", limit=1, window=60) is None


@pytest.mark.django_db
def test_join_limit_is_per_conversation_and_per_address(settings):
    settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP = 2
    busy, other = ConversationFactory(), ConversationFactory()
    for _ in range(2):
        services.participant_create(conversation=busy, ip="203.0.113.9")
    with pytest.raises(services.RateLimited):
        services.participant_create(conversation=busy, ip="203.0.113.9")
    # The same address may still join another conversation, and others may join this one.
    services.participant_create(conversation=other, ip="203.0.113.9")
    services.participant_create(conversation=busy, ip="203.0.113.10")
    assert Participant.objects.filter(conversation=busy).count() == 3
    assert Participant.objects.filter(conversation=other).count() == 1


@pytest.mark.django_db
def test_join_behind_a_trusted_proxy_counts_each_client_apart(settings, client):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP = 2
    conversation = ConversationFactory()
    url = f"/api/conversations/{conversation.slug}/participants"

    def join(forwarded: str) -> int:
        response = client.post(
            url,
            "{}",
            content_type="application/json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        return response.status_code

    assert [join("198.51.100.1") for _ in range(3)] == [201, 201, 429]
    # A forged header in front of the proxy's own entry changes nothing...
    assert join("192.0.2.200, 198.51.100.1") == 429
    # ...and another visitor behind the same proxy still joins.
    assert join("198.51.100.2") == 201


@pytest.mark.django_db
def test_join_limit_counts_an_ipv6_client_by_its_64_network(settings):
    settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP = 2
    conversation = ConversationFactory()
    services.participant_create(conversation=conversation, ip="2001:db8:1:2::1")
    services.participant_create(conversation=conversation, ip="2001:db8:1:2::2")
    # Another address of the same /64 is the same client...
    with pytest.raises(services.RateLimited):
        services.participant_create(conversation=conversation, ip="2001:db8:1:2:ffff::3")
    # ...another /64 is another one.
    services.participant_create(conversation=conversation, ip="2001:db8:1:3::1")


def test_hit_with_the_cache_unreachable_lets_through_and_logs(monkeypatch, caplog):
    # The discard port: nothing listens, as when Redis is down.
    monkeypatch.setattr(ratelimit, "cache", RedisCache("redis://127.0.0.1:9/0", {}))
    with caplog.at_level(logging.ERROR, logger="listening.conversations.ratelimit"):
        assert ratelimit.hit("vote", "p-down", limit=1, window=60) is None
        assert ratelimit.hit("vote", "p-down", limit=1, window=60) is None
    assert any("cannot be reached" in r.getMessage() for r in caplog.records)
