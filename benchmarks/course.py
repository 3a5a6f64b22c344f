"""Speed of the open course with 10,000 learners (not a test: a benchmark).

Builds a course of 8 modules (a lesson each: text, video, a 10-question quiz) and 10,000
learners with their quiz attempts, answers, watched intervals and events, then measures:

- the lesson page and the quiz (attempt) page, server side, with Django's test Client
  (median of N renders; target ≤ 100 ms each);
- the authors' statistics page (target ≤ 500 ms);
- progress events (watched intervals and quiz answers) POSTed to the production server
  (``listening serve``, started here) by concurrent clients, in batches to /learn/events/
  as the player sends them (or one per request to the per-event endpoints with
  ``--batch 0``): events and requests per second, and the latency each event sees
  (target ≥ 500 events/s, p99 ≤ 100 ms, on PostgreSQL).

    .venv/bin/python benchmarks/course.py                   # SQLite file in benchmarks/out/
    DATABASE_URL=postgresql://listening:listening@127.0.0.1:5432/listening_bench \\
        .venv/bin/python benchmarks/course.py --rebuild
    .venv/bin/python benchmarks/course.py --events 5000 --batch 10 --clients 16 --workers 2

Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
LEARNERS = 10_000
QUESTIONS_PER_QUIZ = 10
MODULES = 8
SEED = 20_261_127
BENCH_SLUG = "bench-course"


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-bench-"))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24))
    os.environ["DEBUG"] = ""
    os.environ["SECURE_COOKIES"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def build() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from listening.learning import grading
    from listening.learning.models import (
        Answer,
        Attempt,
        BlockKind,
        Course,
        Learner,
        LearningEvent,
        Question,
        QuestionType,
        Quiz,
        Response,
        VideoProgress,
    )
    from listening.learning.services import block_add, course_upsert, lesson_upsert, module_upsert
    from listening.learning.services.learners import token_hash
    from listening.learning.services.statistics import question_summaries_rebuild

    call_command("migrate", verbosity=0)
    if Course.objects.filter(slug=BENCH_SLUG).exists():
        return
    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        course = course_upsert(slug=BENCH_SLUG, title="Benchmark course", is_published=True)
        quizzes, videos = [], []
        for m in range(MODULES):
            module = module_upsert(course=course, slug=f"m{m}", title=f"Module {m}", position=m)
            lesson = lesson_upsert(module=module, slug=f"bench-lesson-{m}", title=f"Lesson {m}")
            block_add(lesson=lesson, kind=BlockKind.TEXT, position=0, body="Some **text**. " * 40)
            videos.append(
                block_add(
                    lesson=lesson,
                    kind=BlockKind.VIDEO,
                    position=1,
                    video_url="https://video.example.org/v.webm",
                    duration=600.0,
                )
            )
            quiz_block = block_add(lesson=lesson, kind=BlockKind.QUIZ, position=2, title="Quiz")
            quiz = Quiz.objects.get(block=quiz_block)
            quiz.attempts_allowed = 0
            quiz.save(update_fields=["attempts_allowed"])
            quizzes.append(quiz)
            for q in range(QUESTIONS_PER_QUIZ):
                question = Question.objects.create(
                    quiz=quiz, position=q, type=QuestionType.SINGLE_CHOICE, text=f"Question {q}?"
                )
                Answer.objects.bulk_create(
                    Answer(
                        question=question, position=a, text=f"Option {a}", fraction=100 * (a == 0)
                    )
                    for a in range(4)
                )
        Learner.objects.bulk_create(
            Learner(token_hash=token_hash(f"bench-learner-{i}")) for i in range(LEARNERS)
        )
    learner_ids = list(Learner.objects.order_by("pk").values_list("pk", flat=True))
    questions = {quiz.pk: list(quiz.questions.values_list("pk", flat=True)) for quiz in quizzes}
    options = {
        qid: list(Answer.objects.filter(question_id=qid).values_list("pk", flat=True))
        for ids in questions.values()
        for qid in ids
    }
    for chunk_start in range(0, LEARNERS, 1000):
        with transaction.atomic():
            attempts, progress, events = [], [], []
            skill_of: dict[int, float] = {}
            for learner_id in learner_ids[chunk_start : chunk_start + 1000]:
                skill_of[learner_id] = rng.random()
                for quiz in rng.sample(quizzes, rng.randint(1, 3)):
                    seed = rng.randrange(2**31)
                    attempts.append(
                        Attempt(
                            learner_id=learner_id,
                            quiz=quiz,
                            number=1,
                            seed=seed,
                            question_ids=grading.draw_questions(
                                questions[quiz.pk], seed=seed, pool_size=0
                            ),
                        )
                    )
                for video in rng.sample(videos, 2):
                    end = rng.uniform(30, 600)
                    progress.append(
                        VideoProgress(
                            learner_id=learner_id,
                            block=video,
                            intervals=[[0.0, end]],
                            position=end,
                        )
                    )
                    events.append(
                        LearningEvent(
                            learner_id=learner_id,
                            verb="experienced",
                            lesson_id=video.lesson_id,
                            module_id=video.lesson.module_id,
                            course=course,
                            uuid=uuid.uuid4(),
                        )
                    )
            Attempt.objects.bulk_create(attempts)
            responses = []
            for attempt in attempts:
                skill = skill_of[attempt.learner_id]
                right = 0
                for qid in attempt.question_ids:
                    correct = rng.random() < 0.3 + 0.6 * skill
                    right += correct
                    responses.append(
                        Response(
                            attempt=attempt,
                            question_id=qid,
                            value=options[qid][0 if correct else rng.randint(1, 3)],
                            score=1.0 if correct else 0.0,
                        )
                    )
                attempt.score = 100 * right / len(attempt.question_ids)
                attempt.passed = attempt.score >= 60
            from django.utils import timezone

            now = timezone.now()
            for attempt in attempts:
                attempt.submitted_at = now
            Attempt.objects.bulk_update(attempts, ["score", "passed", "submitted_at"])
            Response.objects.bulk_create(responses)
            VideoProgress.objects.bulk_create(progress)
            LearningEvent.objects.bulk_create(events)
    # Loaded in bulk, past the services: compute the statistics summaries once.
    question_summaries_rebuild(quiz_ids=[quiz.pk for quiz in quizzes])
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def time_pages(runs: int) -> list[tuple[str, float, int]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from listening.learning.models import Attempt, Learner, Quiz
    from listening.learning.services import attempt_start
    from listening.learning.services.learners import token_hash
    from listening.learning.views import COOKIE, COOKIE_SALT

    token = "bench-learner-42"
    learner = Learner.objects.get(token_hash=token_hash(token))
    client = Client()
    client.cookies[COOKIE] = signing.get_cookie_signer(salt=COOKIE + COOKIE_SALT).sign(token)
    quiz = Quiz.objects.filter(block__lesson__slug="bench-lesson-3").get()
    attempt = Attempt.objects.filter(learner=learner, quiz=quiz, submitted_at__isnull=True).first()
    attempt = attempt or attempt_start(learner=learner, quiz=quiz)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-author", defaults={"is_staff": True, "is_superuser": True}
    )
    author = Client()
    author.force_login(user)
    pages = [
        ("lesson page", client, "/learn/lessons/bench-lesson-3/"),
        ("quiz page (an attempt)", client, f"/learn/attempts/{attempt.pk}/"),
        ("course outline and progress", client, f"/learn/{BENCH_SLUG}/"),
        ("statistics page (authors)", author, f"/learn/{BENCH_SLUG}/statistics/"),
    ]
    assert settings.DEBUG is False
    results = []
    for name, who, url in pages:
        for _ in range(2):
            assert who.get(url).status_code == 200, url
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            who.get(url)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            who.get(url)
        results.append((name, 1000 * statistics.median(times), len(queries)))
    return results


def _post(port: int, path: str, body: bytes, content_type: str, cookie: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    csrf = "b" * 32
    start = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": content_type,
            "Cookie": f"{cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Host": "127.0.0.1",
        },
    )
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status} {answer[:200]!r}")
    if path.endswith("/events/") and json.loads(answer)["rejected"]:
        raise RuntimeError(f"{path}: events rejected: {answer[:300]!r}")
    return elapsed


def _jobs(events: int, batch: int) -> list[tuple[str, bytes, str, str, int]]:
    """(path, body, content type, learner token, events in the request), for ``events``
    events: in batches of ``batch`` to /learn/events/ (each batch one learner's: watched
    intervals and quiz answers, as the player queues them), or with batch 0 one request per
    event to the per-event endpoints."""
    from listening.learning.models import Attempt, Block, Learner, Quiz
    from listening.learning.services import attempt_start
    from listening.learning.services.learners import token_hash
    from listening.learning.views import events_token

    videos = list(Block.objects.filter(lesson__module__course__slug=BENCH_SLUG, kind="video"))
    quiz = Quiz.objects.filter(block__lesson__slug="bench-lesson-5").get()
    options = {
        question.pk: list(question.answers.values_list("pk", flat=True))
        for question in quiz.questions.all()
    }
    rng = random.Random(SEED)
    learners: dict[str, tuple[Attempt, str]] = {}
    for i in range(400):  # learners answering the quiz (an open attempt each)
        token = f"bench-learner-{i}"
        learner = Learner.objects.get(token_hash=token_hash(token))
        attempt = Attempt.objects.filter(
            learner=learner, quiz=quiz, submitted_at__isnull=True
        ).first() or attempt_start(learner=learner, quiz=quiz)
        learners[token] = (attempt, events_token(learner))

    def video_event(block: int) -> dict[str, object]:
        start = rng.uniform(0, 580)
        return {
            "id": str(uuid.uuid4()),
            "type": "video",
            "block": block,
            "intervals": [[start, start + 10]],
            "position": start + 10,
        }

    def answer_event(attempt: Attempt) -> dict[str, object]:
        question = rng.choice(attempt.question_ids)
        return {
            "id": str(uuid.uuid4()),
            "type": "answer",
            "attempt": attempt.pk,
            "question": question,
            "value": rng.choice(options[question]),
        }

    jobs: list[tuple[str, bytes, str, str, int]] = []
    sent = 0
    while sent < events:
        token = f"bench-learner-{rng.randrange(400)}"
        attempt, page_token = learners[token]
        if batch:
            size = min(batch, events - sent)
            block = rng.choice(videos).pk  # one page's video, as the player reports it
            batch_events = [
                video_event(block) if n % 2 else answer_event(attempt) for n in range(size)
            ]
            body = json.dumps({"token": page_token, "events": batch_events}).encode()
            jobs.append(("/learn/events/", body, "application/json", token, size))
            sent += size
            continue
        if sent % 2:
            event = video_event(rng.choice(videos).pk)
            report = {"intervals": event["intervals"], "position": event["position"]}
            path = f"/learn/videos/{event['block']}/progress/"
            jobs.append((path, json.dumps(report).encode(), "application/json", token, 1))
        else:
            event = answer_event(attempt)
            qid = event["question"]
            form = f"question={qid}&q{qid}={event['value']}".encode()
            path = f"/learn/attempts/{attempt.pk}/answer/"
            jobs.append((path, form, "application/x-www-form-urlencoded", token, 1))
        sent += 1
    return jobs


def time_events(
    events: int, batch: int, clients: int, workers: int, database_url: str, rate: float = 0.0
) -> dict[str, float]:
    """Starts the production server (``listening serve``: uvicorn, the ASGI application,
    Django's handler in a thread pool) and sends the events from ``clients`` threads."""
    from django.core import signing

    from listening.learning.views import COOKIE, COOKIE_SALT

    signer = signing.get_cookie_signer(salt=COOKIE + COOKIE_SALT)
    jobs = _jobs(events, batch)
    port = 18_000 + os.getpid() % 1000
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    if workers > 1:
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "listening"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180  # workers start slowly on a loaded machine
        while time.monotonic() < deadline:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/learn/", headers={"Host": "127.0.0.1"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        cookies = {token: f"{COOKIE}={signer.sign(token)}" for *_, token, _n in jobs}
        for path, body, kind, token, _n in jobs[:20]:  # warm-up (every worker's first request)
            _post(port, path, body, kind, cookies[token])
        timed = jobs[20:]
        latencies: list[tuple[float, int]] = []
        lock = threading.Lock()
        # Open loop (--rate): request k is due at start + (events before it) / rate, and its
        # latency counts from then, so time spent waiting for a free client counts too.
        due, offset = [], 0.0
        for *_job, size in timed:
            due.append(offset)
            offset += size / rate if rate else 0.0
        queue = list(zip(due, timed, strict=True))
        queue.reverse()

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    at, (path, body, kind, token, size) = queue.pop()
                if rate:
                    time.sleep(max(0.0, start + at - time.perf_counter()))
                sent = time.perf_counter()
                _post(port, path, body, kind, cookies[token])
                elapsed = time.perf_counter() - (start + at if rate else sent)
                with lock:
                    latencies.append((elapsed, size))

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        start = time.perf_counter() + 0.1
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = sorted(elapsed for elapsed, _size in latencies)
    # The latency each event sees from the server: its request's (weighted by events).
    per_event = sorted(elapsed for elapsed, size in latencies for _ in range(size))
    return {
        "events": len(per_event),
        "requests": len(requests),
        "events_per_second": len(per_event) / wall,
        "requests_per_second": len(requests) / wall,
        "request_median_ms": 1000 * statistics.median(requests),
        "request_p99_ms": 1000 * requests[int(0.99 * (len(requests) - 1))],
        "event_median_ms": 1000 * statistics.median(per_event),
        "event_p99_ms": 1000 * per_event[int(0.99 * (len(per_event) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--runs", type=int, default=21, help="0: no page timings")
    parser.add_argument("--events", type=int, default=4000, help="0: pages only")
    parser.add_argument(
        "--batch",
        type=int,
        default=10,
        help="events per request to /learn/events/; 0: one request per event to the "
        "per-event endpoints",
    )
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="offer this many events per second (open loop; latency counted from when each "
        "request was due); 0: each client sends its next request as soon as it has an answer",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="listening serve --workers (REDIS_URL if > 1)"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / 'course.sqlite3'}"
    if args.rebuild and database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    setup(database_url)
    if args.rebuild and not database_url.startswith("sqlite"):
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    build()
    from django.db import connection

    print(f"database: {connection.vendor}, {LEARNERS} learners")
    for name, median, queries in time_pages(args.runs) if args.runs else []:
        print(f"{name:32} median {median:7.1f} ms  {queries:3d} queries")
    if not args.events:
        return
    result = time_events(
        args.events, args.batch, args.clients, args.workers, database_url, args.rate
    )
    how = f"batches of {args.batch}" if args.batch else "one request per event"
    how += f", offered at {args.rate:.0f} events/s" if args.rate else ", as fast as they go"
    print(
        f"progress events ({how}, {args.clients} clients, listening serve --workers "
        f"{args.workers}):\n"
        f"  {result['events']:.0f} events in {result['requests']:.0f} requests: "
        f"{result['events_per_second']:.0f} events/s, {result['requests_per_second']:.0f} "
        f"requests/s\n"
        f"  request latency median {result['request_median_ms']:.1f} ms, "
        f"p99 {result['request_p99_ms']:.1f} ms\n"
        f"  latency an event sees (its request's) median {result['event_median_ms']:.1f} ms, "
        f"p99 {result['event_p99_ms']:.1f} ms (plus up to 4 s queued in the page)"
    )


if __name__ == "__main__":
    main()
