"""The opinion-map job on a real Celery worker and Redis (CELERY_BROKER_URL), and the task body."""

import os
import time

import pytest
from django.core.cache import cache

from listening.conversations import services
from listening.conversations.models import OpinionSnapshot
from listening.conversations.services import opinion_maps
from listening.conversations.tasks import opinion_refresh_task
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def _votes(conversation, people=6, statements=4):
    items = StatementFactory.create_batch(statements, conversation=conversation)
    for i, p in enumerate(ParticipantFactory.create_batch(people, conversation=conversation)):
        for s in items:
            services.vote_cast(participant=p, statement_id=s.pk, value=1 if i % 2 else -1)
    return people * statements


@pytest.mark.django_db
def test_opinion_refresh_task_frees_the_debounce_and_stores_a_map(settings):
    settings.OPINION_JOBS = "off"
    cache.clear()
    conversation = ConversationFactory()
    _votes(conversation)
    cache.set(f"opinion:scheduled:{conversation.pk}", 1)
    opinion_refresh_task(conversation.pk)  # called directly: the body, no worker
    assert cache.get(f"opinion:scheduled:{conversation.pk}") is None
    assert OpinionSnapshot.objects.filter(conversation=conversation).count() == 1


@pytest.mark.django_db
def test_opinion_schedule_celery_debounces_to_one_task(settings, monkeypatch):
    settings.OPINION_JOBS = "celery"
    cache.clear()
    sent = []
    monkeypatch.setattr(
        opinion_refresh_task, "apply_async", lambda **kw: sent.append(kw), raising=False
    )
    conversation = ConversationFactory()
    for _ in range(5):
        opinion_maps._schedule_celery(conversation.pk)
    assert sent == [{"args": [conversation.pk], "countdown": settings.OPINION_DEBOUNCE_SECONDS}]


@pytest.mark.celery
@pytest.mark.skipif(not BROKER, reason="set CELERY_BROKER_URL to a real Redis to run")
@pytest.mark.django_db(transaction=True)
def test_votes_map_computed_by_a_real_celery_worker(settings):
    from celery.contrib.testing.worker import start_worker

    from listening.config.celery import app

    settings.OPINION_JOBS = "celery"
    settings.OPINION_DEBOUNCE_SECONDS = 0.5
    app.conf.broker_url = BROKER  # no cache.clear(): the cache may share Redis with the broker
    conversation = ConversationFactory()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        count = _votes(conversation)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            snapshot = OpinionSnapshot.objects.filter(conversation=conversation).first()
            if snapshot is not None and snapshot.vote_count == count:
                break
            time.sleep(0.2)
    snapshots = OpinionSnapshot.objects.filter(conversation=conversation)
    assert snapshots.exists(), "the worker computed no opinion map within 60 s"
    assert snapshots.order_by("-computed_at").first().vote_count == count
    assert snapshots.count() <= 2  # 24 votes, debounced
