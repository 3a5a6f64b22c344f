"""Votes cast at once from several threads against the real database: none lost, none doubled."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from listening.conversations.models import Vote
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

THREADS = 8
PEOPLE = 6
STATEMENTS = 10


@pytest.mark.django_db(transaction=True)
def test_votes_from_several_threads_are_never_lost_or_doubled(settings):
    settings.RATELIMIT_ENABLE = False
    settings.OPINION_JOBS = "off"
    conversation = ConversationFactory(slug="busy")
    statements = [
        s.pk for s in StatementFactory.create_batch(STATEMENTS, conversation=conversation)
    ]
    tokens = [f"{i:02d}" + "k" * 41 for i in range(PEOPLE)]
    for token in tokens:
        ParticipantFactory(conversation=conversation, token=token)
    # Every thread votes on every (participant, statement) pair, so each pair is contended.
    start = threading.Barrier(THREADS)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def cast(n: int) -> None:
        client = Client()
        try:
            start.wait()
            for token in tokens:
                for sid in statements:
                    response = client.post(
                        "/api/conversations/busy/votes",
                        json.dumps({"statement": sid, "vote": (n % 3) - 1}),
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}",
                    )
                    with lock:
                        results.append((response.status_code, sid))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    codes = [code for code, _ in results]
    assert len(codes) == THREADS * PEOPLE * STATEMENTS
    assert set(codes) <= {200, 201}
    # Exactly one request created each vote; the rest changed it.
    assert codes.count(201) == PEOPLE * STATEMENTS
    assert Vote.objects.count() == PEOPLE * STATEMENTS
    pairs = list(Vote.objects.values_list("participant_id", "statement_id"))
    assert len(set(pairs)) == len(pairs)
