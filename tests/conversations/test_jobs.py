import threading
import time

import pytest
from django.core.cache import cache

from listening.conversations import services
from listening.conversations.jobs import DebouncedWorker, worker
from listening.conversations.models import OpinionSnapshot
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory


def test_worker_many_requests_within_the_debounce_run_once():
    runs = []
    jobs = DebouncedWorker("test-jobs")
    for _ in range(20):
        jobs.schedule("key", lambda: runs.append(1), delay=0.1)
    assert jobs.wait_idle(5)
    assert runs == [1]


def test_worker_request_while_running_runs_again():
    started, release = threading.Event(), threading.Event()
    runs = []

    def job():
        runs.append(1)
        started.set()
        release.wait(5)

    jobs = DebouncedWorker("test-jobs")
    jobs.schedule("key", job, delay=0)
    assert started.wait(5)
    jobs.schedule("key", job, delay=0)  # votes that arrived during the run
    release.set()
    assert jobs.wait_idle(5)
    assert len(runs) == 2


def test_worker_failing_job_does_not_stop_the_worker(caplog):
    runs = []
    jobs = DebouncedWorker("test-jobs")
    jobs.schedule("bad", lambda: 1 / 0, delay=0)
    jobs.schedule("good", lambda: runs.append(1), delay=0.05)
    assert jobs.wait_idle(5)
    assert runs == [1]
    assert "background job 'bad' failed" in caplog.text


def test_worker_keys_are_independent():
    runs = []
    jobs = DebouncedWorker("test-jobs")
    jobs.schedule("a", lambda: runs.append("a"), delay=0.05)
    jobs.schedule("b", lambda: runs.append("b"), delay=0)
    assert jobs.wait_idle(5)
    assert runs == ["b", "a"]


@pytest.mark.django_db(transaction=True)
def test_vote_cast_in_process_job_computes_the_map_without_blocking(settings):
    settings.OPINION_JOBS = "thread"
    settings.OPINION_DEBOUNCE_SECONDS = 0.3
    cache.clear()
    conversation = ConversationFactory()
    statements = StatementFactory.create_batch(4, conversation=conversation)
    people = ParticipantFactory.create_batch(6, conversation=conversation)
    started = time.perf_counter()
    for i, p in enumerate(people):
        for s in statements:
            services.vote_cast(participant=p, statement_id=s.pk, value=1 if i % 2 else -1)
    assert time.perf_counter() - started < 5
    assert worker.wait_idle(30)
    snapshots = OpinionSnapshot.objects.filter(conversation=conversation)
    assert snapshots.count() == 1  # debounced: 24 votes, one map
    assert snapshots.get().vote_count == 24
