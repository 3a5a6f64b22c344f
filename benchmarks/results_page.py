"""Server-side render time and size of a conversation's results page and report (a benchmark).

Generates one conversation with 1,000 approved statements and 100,000 participants (20 votes
each, 2,000,000 votes over 30 days, constituencies declared by most) into a separate SQLite
file, computes its opinion map once, then renders the pages with Django's test Client and
prints the median of N runs, the number of SQL queries and the size of the HTML.

    .venv/bin/python benchmarks/results_page.py              # build the database once, then time
    .venv/bin/python benchmarks/results_page.py --rebuild    # generate the data again
    .venv/bin/python benchmarks/results_page.py --runs 21

Target (issue 15): results page and report <= 300 ms median server side, page <= 500 KB.
The database lives in benchmarks/out/ (git-ignored). Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DATABASE = OUT / "results_page.sqlite3"

STATEMENTS = 1_000
PARTICIPANTS = 100_000
VOTES_EACH = 20
DAYS = 30
SLUG = "bench-results"
SEED = 20_261_127
TARGET_MS, TARGET_KB = 300, 500


def setup_django() -> None:
    OUT.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-bench-"))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = ""
    os.environ["OPINION_JOBS"] = "off"
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def _sql_time(when: datetime) -> str:
    """A UTC time as Django stores it in SQLite."""
    return when.strftime("%Y-%m-%d %H:%M:%S")


def generate() -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from listening.conversations.models import Constituency, Conversation, Statement
    from listening.conversations.services import opinion_refresh

    if DATABASE.exists():
        DATABASE.unlink()
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    started = time.perf_counter()
    start = datetime(2026, 10, 1, 8, tzinfo=UTC)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            slug=SLUG, topic="What should the city do about heat?", moderation="post"
        )
        Statement.objects.bulk_create(
            Statement(
                conversation=conversation,
                text=f"Statement {k}: the city should act on heat in way number {k}.",
                status="approved",
                created_at=start + timedelta(hours=k % (DAYS * 24)),
            )
            for k in range(STATEMENTS)
        )
    statement_ids = list(
        Statement.objects.filter(conversation=conversation).values_list("id", flat=True)
    )
    classes = [*Constituency.values, "", ""]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO conversations_participant"
            " (conversation_id, token_hash, xid, constituency, created_at)"
            " VALUES (%s, %s, '', %s, %s)",
            [
                (
                    conversation.pk,
                    hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                    rng.choice(classes),
                    _sql_time(start + timedelta(seconds=i * DAYS * 86400 // PARTICIPANTS)),
                )
                for i in range(PARTICIPANTS)
            ],
        )
        cursor.execute(
            "SELECT id FROM conversations_participant WHERE conversation_id = %s ORDER BY id",
            [conversation.pk],
        )
        participant_ids = [row[0] for row in cursor.fetchall()]
        # Two broad camps so the map has groups; each participant votes on 20 statements.
        batch = []
        for i, pid in enumerate(participant_ids):
            camp = 1 if i % 3 else -1
            at = _sql_time(start + timedelta(seconds=i * DAYS * 86400 // PARTICIPANTS))
            for sid in rng.sample(statement_ids, VOTES_EACH):
                lean = camp if sid % 2 else -camp
                value = lean if rng.random() < 0.7 else rng.choice((-lean, 0))
                batch.append((conversation.pk, pid, sid, value, at, at))
            if len(batch) >= 200_000:
                cursor.executemany(
                    "INSERT INTO conversations_vote (conversation_id, participant_id,"
                    " statement_id, value, created_at, updated_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    batch,
                )
                batch = []
        if batch:
            cursor.executemany(
                "INSERT INTO conversations_vote (conversation_id, participant_id,"
                " statement_id, value, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                batch,
            )
    print(f"Votes written in {time.perf_counter() - started:.0f} s")
    began = time.perf_counter()
    snapshot = opinion_refresh(conversation_id=conversation.pk)
    assert snapshot is not None
    print(
        f"Opinion map in {time.perf_counter() - began:.0f} s:"
        f" {len(snapshot.result.get('groups', {}))} groups"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(runs: int) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    paths = [
        f"/conversations/{SLUG}/results/",
        f"/conversations/{SLUG}/results/?page=20",
        f"/conversations/{SLUG}/report/",
        f"/fr/conversations/{SLUG}/report/",
        f"/conversations/{SLUG}/results/statements/{_first_statement()}/map/",
    ]
    results = []
    for path in paths:
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        results.append((path, statistics.median(timings), len(queries), len(response.content)))
    # The first view of a new map (nothing cached: the stored map is read and laid out), and a
    # visitor who took part (their own point needs the stored map's participants).
    from django.core.cache import cache

    from listening.conversations.models import Conversation
    from listening.conversations.services import participant_create
    from listening.conversations.views import _cookie_name

    for label, path in (
        ("results, first view of a map", f"/conversations/{SLUG}/results/"),
        ("report, first view of a map", f"/conversations/{SLUG}/report/"),
    ):
        timings = []
        for _ in range(max(3, runs // 3)):
            cache.clear()
            began = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - began) * 1000)
        results.append((label, statistics.median(timings), -1, 0))
    conversation = Conversation.objects.get(slug=SLUG)
    _participant, token = participant_create(conversation=conversation)
    visitor = Client()
    visitor.cookies[_cookie_name(conversation)] = _signed(conversation, token)
    path = f"/conversations/{SLUG}/results/"
    visitor.get(path)
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        visitor.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    results.append(("results, seen by a participant", statistics.median(timings), -1, 0))
    return results


def _signed(conversation: object, token: str) -> str:
    """The participant cookie's value, as the pages set it."""
    from django.core import signing

    from listening.conversations.views import COOKIE_SALT, _cookie_name

    name = _cookie_name(conversation)  # type: ignore[arg-type]
    return signing.get_cookie_signer(salt=signing._cookie_signer_salt(name, COOKIE_SALT)).sign(
        token
    )


def _first_statement() -> int:
    from listening.conversations.models import Statement

    return (
        Statement.objects.filter(conversation__slug=SLUG)
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="generate the data again")
    parser.add_argument("--runs", type=int, default=11, help="timed renders per page")
    args = parser.parse_args()
    setup_django()
    if args.rebuild or not DATABASE.exists():
        generate()
    from listening.conversations.models import Participant, Statement, Vote

    print(
        f"{Statement.objects.count():,} statements, {Participant.objects.count():,} participants,"
        f" {Vote.objects.count():,} votes in {DATABASE.name}; median of {args.runs} runs"
    )
    print(f"Targets: <= {TARGET_MS} ms, <= {TARGET_KB} KB")
    print("| page | median (ms) | queries | size (KiB) |\n| --- | ---: | ---: | ---: |")
    for path, median, queries, size in measure(args.runs):
        if queries < 0:
            print(f"| {path} | {median:.0f} | | |")
        else:
            print(f"| `{path}` | {median:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
