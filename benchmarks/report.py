"""Time "The voices we heard" (``listening report``) on the demo programme and on a large
synthetic programme (not a test: a benchmark).

    .venv/bin/python benchmarks/report.py                  # both cases, English
    .venv/bin/python benchmarks/report.py --case demo      # or --case large; --rebuild

Each case lives in its own SQLite file in benchmarks/out/ (git-ignored): the demo programme
as ``listening demo`` loads it, and a programme of 100 sessions, 20,000 voices, 1,000 cities,
3,000 people, 400 organisations, 40 published key messages, 15 commitments and 10
conversations with an opinion map of 2,000 participants each. The report is made in-process
(``report_build``, as the command and the download page call it) after one warm-up run that
is not counted (matplotlib's font cache, template loading); each stage's time is printed.
Targets: demo ≤ 20 s, large ≤ 3 min. Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
SEED = 20_261_127
SESSIONS = 100
VOICES = 20_000
CITIES = 1_000
PEOPLE = 3_000
ORGANISATIONS = 400
KEY_MESSAGES = 40
COMMITMENTS = 15
CONVERSATIONS = 10
MAP_PARTICIPANTS = 2_000
WORDS = [
    "water",
    "shade",
    "trees",
    "housing",
    "rent",
    "bus",
    "night",
    "market",
    "school",
    "clinic",
    "streets",
    "park",
    "climate",
    "heat",
    "flood",
    "waste",
    "energy",
    "jobs",
    "youth",
    "women",
    "elders",
    "safety",
    "light",
    "transport",
    "budget",
    "council",
    "mayor",
    "participation",
    "data",
    "food",
    "river",
    "coast",
    "air",
    "noise",
    "public",
    "space",
    "library",
    "culture",
    "health",
    "care",
]
REGIONS = {
    "africa": ["ZA", "KE", "SN", "MA", "GH"],
    "asia_pacific": ["ID", "PH", "KR", "IN", "AU"],
    "eurasia": ["AM", "GE", "KZ"],
    "europe": ["FR", "ES", "PT", "DE", "IT"],
    "latin_america": ["BR", "CO", "MX", "PE", "AR"],
    "mewa": ["JO", "LB", "TR"],
    "north_america": ["CA", "US"],
}


def setup_django(database: Path) -> None:
    OUT.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-bench-"))
    os.environ["DEBUG"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def build_demo(database: Path) -> str:
    from django.core.management import call_command

    database.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    from listening.programmes.models import Programme

    return Programme.objects.get().slug


def build_large(database: Path) -> str:
    from django.core.management import call_command
    from django.db import transaction

    from listening.conversations.models import Conversation, OpinionSnapshot, Statement
    from listening.people.models import Organisation, OrganisationKind, Person, PersonKind
    from listening.places.models import City
    from listening.programmes.models import (
        Axis,
        ListeningSession,
        Participation,
        Programme,
        Role,
        SessionFormat,
        SessionStatus,
    )
    from listening.synthesis.models import Commitment, CommitmentStatus, KeyMessage
    from listening.voices.models import Voice, VoiceStatus

    rng = random.Random(SEED)
    database.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    axes = [a.value for a in Axis]
    kinds = [k.value for k in PersonKind]
    with transaction.atomic():
        programme = Programme.objects.create(name="Large programme", slug="large")
        regions = list(REGIONS)
        cities = City.objects.bulk_create(
            City(
                name=f"City {n}",
                country=rng.choice(REGIONS[regions[n % len(regions)]]),
                region=regions[n % len(regions)],
                latitude=rng.uniform(-50, 70),
                longitude=rng.uniform(-170, 170),
                geonames_id=20_000_000 + n,
            )
            for n in range(CITIES)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Organisation {n}",
                slug=f"organisation-{n}",
                kind=rng.choice(list(OrganisationKind)).value,
                country=rng.choice(REGIONS[rng.choice(regions)]),
            )
            for n in range(ORGANISATIONS)
        )
        people = []
        for n in range(PEOPLE):
            listed = rng.random() < 0.8
            people.append(
                Person(
                    name=f"Person {n}",
                    slug=f"person-{n}",
                    organisation=rng.choice(organisations),
                    city=rng.choice(cities),
                    kind=rng.choice(kinds),
                    consent_listed=listed,
                    consent_quoted=listed and rng.random() < 0.7,
                )
            )
        people = Person.objects.bulk_create(people)
        start = datetime(2026, 1, 5, 14, tzinfo=UTC)
        sessions = ListeningSession.objects.bulk_create(
            ListeningSession(
                programme=programme,
                title=f"Listening session {n}",
                slug=f"large-session-{n}",
                axis=axes[n % 3],
                starts_at=start + timedelta(days=3 * n),
                ends_at=start + timedelta(days=3 * n, hours=2),
                format=SessionFormat.ONLINE,
                languages=["en"],
                status=SessionStatus.PUBLISHED,
            )
            for n in range(SESSIONS)
        )
        Participation.objects.bulk_create(
            [
                Participation(session=rng.choice(sessions), person=p, role=Role.SPEAKER)
                for p in people
            ]
            + [
                Participation(session=rng.choice(sessions), organisation=o, role=Role.PARTNER)
                for o in organisations[:150]
            ],
            batch_size=2_000,
        )
        voices = []
        for n in range(VOICES):
            speaker = rng.choice(people) if n % 2 else None
            voices.append(
                Voice(
                    session=sessions[n % SESSIONS],
                    text=" ".join(rng.choices(WORDS, k=rng.randint(8, 30))).capitalize() + ".",
                    language="en",
                    speaker=speaker,
                    speaker_kind=speaker.kind if speaker else rng.choice(kinds),
                    city=speaker.city if speaker else rng.choice(cities),
                    axis=rng.choice(axes),
                    status=VoiceStatus.PUBLISHED if rng.random() < 0.9 else VoiceStatus.DRAFT,
                    attribution_consent=bool(speaker and speaker.consent_quoted),
                    published_at=start + timedelta(minutes=n),
                )
            )
        voices = Voice.objects.bulk_create(voices, batch_size=5_000)
        conversations = []
        for n in range(CONVERSATIONS):
            conversation = Conversation.objects.create(
                slug=f"large-conversation-{n}",
                topic=f"What should the Pact commit to? ({n})",
                programme=programme,
                session=sessions[n * 10],
            )
            statements = Statement.objects.bulk_create(
                Statement(
                    conversation=conversation,
                    text=" ".join(rng.choices(WORDS, k=12)).capitalize() + ".",
                    status="approved",
                )
                for _ in range(60)
            )
            ids = [str(s.pk) for s in statements]
            participants = {}
            for p in range(MAP_PARTICIPANTS):
                group = p % 3
                cx, cy = [(-1.0, 0.5), (1.0, 0.4), (0.0, -1.0)][group]
                participants[str(p)] = {
                    "x": cx + rng.gauss(0, 0.35),
                    "y": cy + rng.gauss(0, 0.35),
                    "group": group,
                    "in_conversation": True,
                }
            OpinionSnapshot.objects.create(
                conversation=conversation,
                participant_count=MAP_PARTICIPANTS,
                vote_count=MAP_PARTICIPANTS * 30,
                result={
                    "participants": participants,
                    "groups": {
                        str(g): {
                            "size": MAP_PARTICIPANTS // 3,
                            "center": list([(-1.0, 0.5), (1.0, 0.4), (0.0, -1.0)][g]),
                            "representative": [
                                {"statement": int(s)} for s in ids[g * 3 : g * 3 + 3]
                            ],
                        }
                        for g in range(3)
                    },
                    "consensus": {"agree": [{"statement": int(s)} for s in ids[-3:]]},
                    "statements": {
                        s: {
                            "agree": rng.randint(100, 900),
                            "disagree": rng.randint(0, 300),
                            "pass": 20,
                            "seen": 1_200,
                        }
                        for s in ids
                    },
                },
            )
            conversations.append((conversation, statements))
        messages = []
        for n in range(KEY_MESSAGES):
            message = KeyMessage.objects.create(
                programme=programme,
                title=f"Key message {n}: " + " ".join(rng.choices(WORDS, k=6)),
                text=" ".join(rng.choices(WORDS, k=40)).capitalize() + ".",
                axis=axes[n % 3],
                status="published",
            )
            message.voices.set(rng.sample(voices, 50))
            message.statements.set(rng.sample(conversations[n % CONVERSATIONS][1], 3))
            messages.append(message)
        for n in range(COMMITMENTS):
            commitment = Commitment.objects.create(
                programme=programme,
                axis=axes[n % 3],
                title=f"Commitment {n}: " + " ".join(rng.choices(WORDS, k=6)),
                text=" ".join(rng.choices(WORDS, k=30)).capitalize() + ".",
                status=rng.choice(list(CommitmentStatus)).value,
                is_published=True,
            )
            commitment.key_messages.set(rng.sample(messages, 3))
    print(f"generated in {time.perf_counter() - started:.0f} s: {database}", file=sys.stderr)
    return programme.slug


def _pages(pdf: bytes) -> str:
    """The page count as pdfinfo (poppler-utils) reads it, or "?" without it."""
    import shutil
    import subprocess

    if shutil.which("pdfinfo") is None:
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    for line in info.decode().splitlines():
        if line.startswith("Pages:"):
            return line.split()[1]
    return "?"


def measure(slug: str, language: str) -> None:
    from listening.programmes.models import Programme
    from listening.synthesis.report import report_build

    programme = Programme.objects.get(slug=slug)
    report_build(programme=programme, language=language)  # warm-up, not counted
    started = time.perf_counter()
    report = report_build(
        programme=programme, language=language, progress=lambda line: print("  " + line)
    )
    seconds = time.perf_counter() - started
    assert report.pdf is not None
    pages = _pages(report.pdf)
    print(
        f"{slug} ({language}): {seconds:.1f} s, PDF {len(report.pdf) / 1024:.0f} KiB, "
        f"HTML {len(report.html) / 1024:.0f} KiB, {pages} pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["demo", "large"], action="append")
    parser.add_argument("--language", default="en")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    cases = args.case or ["demo", "large"]
    if len(cases) > 1:  # one database per process: run each case in its own
        import subprocess

        for case in cases:
            command = [sys.executable, __file__, "--case", case, "--language", args.language]
            subprocess.run(command + (["--rebuild"] if args.rebuild else []), check=True)
        return
    case = cases[0]
    database = OUT / f"report-{case}.sqlite3"
    fresh = args.rebuild or not database.exists()
    setup_django(database)
    if fresh:
        slug = build_demo(database) if case == "demo" else build_large(database)
    else:
        slug = "cities-are-listening" if case == "demo" else "large"
    measure(slug, args.language)


if __name__ == "__main__":
    main()
