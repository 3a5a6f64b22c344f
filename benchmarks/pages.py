"""Server-side render time of the public pages on a large programme (not a test: a benchmark).

Generates 100,000 published voices, 2,000 cities and 5,000 people (plus sessions, themes,
organisations and participations) into a separate SQLite file, then renders each page with
Django's test Client and prints the median of N runs, with the number of SQL queries.

    .venv/bin/python benchmarks/pages.py                 # build the database once, then time
    .venv/bin/python benchmarks/pages.py --rebuild       # generate the data again
    .venv/bin/python benchmarks/pages.py --runs 31

The database lives in benchmarks/out/ (git-ignored). Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DATABASE = OUT / "pages.sqlite3"

VOICES = 100_000
CITIES = 2_000
PEOPLE = 5_000
ORGANISATIONS = 1_000
SESSIONS = 200
THEMES = 8
SEED = 20_260_101

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
    "recycling",
    "energy",
    "jobs",
    "youth",
    "women",
    "elders",
    "safety",
    "light",
    "bicycle",
    "walk",
    "transport",
    "budget",
    "council",
    "mayor",
    "participation",
    "data",
    "internet",
    "tourism",
    "food",
    "farmers",
    "river",
    "coast",
    "air",
    "noise",
    "public",
    "space",
    "library",
    "culture",
    "migrants",
    "neighbourhood",
    "dignity",
    "health",
    "care",
    "wages",
]
COUNTRIES = {
    "africa": ["ZA", "KE", "SN", "MA", "GH", "NG", "RW", "CI"],
    "asia_pacific": ["ID", "PH", "TH", "KR", "NP", "IN", "JP", "AU"],
    "eurasia": ["AM", "GE", "KZ", "KG", "RU"],
    "europe": ["FR", "ES", "PT", "NL", "PL", "DE", "IT", "SE"],
    "latin_america": ["BR", "CO", "EC", "MX", "PE", "UY", "AR", "CL"],
    "mewa": ["JO", "LB", "TR", "IR", "AE"],
    "north_america": ["CA", "US"],
}


def setup_django() -> None:
    OUT.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-bench-"))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def generate() -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

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
        Theme,
    )
    from listening.voices.models import Voice, VoiceKind, VoiceStatus

    random.seed(SEED)
    DATABASE.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        programme = Programme.objects.create(name="Benchmark programme", slug="benchmark")
        axes = [a.value for a in Axis]
        themes = Theme.objects.bulk_create(
            Theme(programme=programme, name=f"Theme {n}", slug=f"theme-{n}", axis=axes[n % 3])
            for n in range(THEMES)
        )
        regions = list(COUNTRIES)
        cities = City.objects.bulk_create(
            City(
                name=f"City {n}",
                country=random.choice(COUNTRIES[region]),
                region=region,
                latitude=random.uniform(-50, 70),
                longitude=random.uniform(-170, 170),
                population=random.randint(10_000, 5_000_000),
                geonames_id=10_000_000 + n,
            )
            for n, region in ((n, regions[n % len(regions)]) for n in range(CITIES))
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Organisation {n}",
                slug=f"organisation-{n}",
                kind=random.choice(list(OrganisationKind)).value,
                country=random.choice(COUNTRIES[random.choice(regions)]),
            )
            for n in range(ORGANISATIONS)
        )
        kinds = [k.value for k in PersonKind]
        people = []
        for n in range(PEOPLE):
            listed = random.random() < 0.8
            people.append(
                Person(
                    name=f"Person {n}",
                    slug=f"person-{n}",
                    organisation=random.choice(organisations),
                    city=random.choice(cities),
                    kind=random.choice(kinds),
                    consent_listed=listed,
                    consent_quoted=listed and random.random() < 0.7,
                )
            )
        people = Person.objects.bulk_create(people)
        start = datetime(2024, 1, 1, 14, tzinfo=UTC)
        sessions = ListeningSession.objects.bulk_create(
            ListeningSession(
                programme=programme,
                title=f"Listening session {n}",
                slug=f"session-{n}",
                axis=axes[n % 3],
                starts_at=start + timedelta(days=5 * n),
                ends_at=start + timedelta(days=5 * n, hours=2),
                format=SessionFormat.ONLINE,
                languages=["en"],
                status=SessionStatus.PLANNED if n > SESSIONS - 20 else SessionStatus.PUBLISHED,
            )
            for n in range(SESSIONS)
        )
        through = ListeningSession.themes.through
        through.objects.bulk_create(
            through(listeningsession_id=s.pk, theme_id=themes[n % THEMES].pk)
            for n, s in enumerate(sessions)
        )
        participations = []
        for n, person in enumerate(people):
            for session in random.sample(sessions, 2 if n % 3 == 0 else 1):
                participations.append(
                    Participation(
                        session=session, person=person, role=Role.SPEAKER, position=n % 10
                    )
                )
        participations += [
            Participation(session=random.choice(sessions), organisation=o, role=Role.PARTNER)
            for o in organisations[:300]
        ]
        Participation.objects.bulk_create(participations, batch_size=2_000)
        published = start + timedelta(days=1)
        voices = []
        for n in range(VOICES):
            speaker = random.choice(people) if n % 2 else None
            voices.append(
                Voice(
                    session=random.choice(sessions[: SESSIONS - 20]),
                    text=" ".join(random.choices(WORDS, k=random.randint(8, 30))).capitalize()
                    + ".",
                    language="en",
                    kind=random.choice(list(VoiceKind)).value,
                    speaker=speaker,
                    speaker_kind=speaker.kind if speaker else random.choice(kinds),
                    city=speaker.city if speaker and speaker.city else random.choice(cities),
                    axis=random.choice(axes),
                    status=VoiceStatus.PUBLISHED,
                    attribution_consent=bool(speaker and speaker.consent_quoted),
                    published_at=published + timedelta(minutes=n),
                )
            )
        created = Voice.objects.bulk_create(voices, batch_size=5_000)
        voice_theme = Voice.themes.through
        voice_theme.objects.bulk_create(
            (voice_theme(voice_id=v.pk, theme_id=themes[v.pk % THEMES].pk) for v in created),
            batch_size=10_000,
        )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    print(f"Generated in {time.perf_counter() - started:.0f} s: {DATABASE}")


def measure(runs: int) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    paths = [
        "/voices/",
        "/voices/?region=europe",
        "/voices/?theme=theme-3&speaker_kind=resident",
        "/voices/?q=water",
        "/voices/?q=water+shade&region=africa",
        "/voices/?page=4000",
        "/cities/",
        "/cities.geojson",
        "/",
        "/sessions/",
        "/people/",
        "/people/?region=europe",
        "/organisations/",
        "/fr/voices/?q=bus",
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
            client.get(path)
        results.append((path, statistics.median(timings), len(queries), len(response.content)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="generate the data again")
    parser.add_argument("--runs", type=int, default=21, help="timed renders per page")
    args = parser.parse_args()
    setup_django()
    if args.rebuild or not DATABASE.exists():
        generate()
    from listening.voices.models import Voice

    print(f"{Voice.objects.count():,} voices in {DATABASE.name}; median of {args.runs} runs")
    print("| page | median (ms) | queries | size (KiB) |\n| --- | ---: | ---: | ---: |")
    for path, median, queries, size in measure(args.runs):
        print(f"| `{path}` | {median:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
