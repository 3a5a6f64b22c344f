"""Open-data export speed: how long building every file of a programme takes.

    .venv/bin/python benchmarks/opendata.py           # the demo programme (own SQLite file)
    .venv/bin/python benchmarks/opendata.py --large   # pages.py's programme: 100,000 voices

Prints, per audience, the median wall time of building all the files in memory (what
``listening export-data`` and the admin's zip do), the number of files, their total size and
the ZIP's size; then the time of publishing the public files that /open-data/ serves
(``opendata_publish``: build, write, ZIP; docs/data-formats.md), of the staleness check the
page makes, and of serving the stored voices.csv; and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
OUT = HERE / "out"
DEMO_DATABASE = OUT / "opendata-demo.sqlite3"


def setup(large: bool, rebuild: bool) -> None:
    if large:
        import pages

        pages.setup_django()
        if rebuild or not pages.DATABASE.exists():
            pages.generate()
        return
    OUT.mkdir(exist_ok=True)
    fresh = rebuild or not DEMO_DATABASE.exists()
    if fresh:
        DEMO_DATABASE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DEMO_DATABASE}"
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="listening-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(HERE.parent / "src"))
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("demo", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="pages.py's 100,000 voices")
    parser.add_argument("--rebuild", action="store_true", help="generate the data again")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup(args.large, args.rebuild)
    from listening.dataio.opendata import build, opendata_zip
    from listening.programmes.models import Programme
    from listening.voices.models import Voice

    programme = Programme.objects.order_by("pk").first()
    assert programme is not None
    voices = Voice.objects.filter(session__programme=programme).count()
    print(f"programme {programme.slug!r}: {voices:,} voices; median of {args.runs} runs")
    print("| audience | build (s) | files | size (KiB) | ZIP (KiB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for audience in ("public", "organisers"):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            files = build(programme, audience)  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
        size = sum(len(c) for c in files.values())
        archive = opendata_zip(programme, audience=audience)  # type: ignore[arg-type]
        print(
            f"| {audience} | {statistics.median(times):.2f} | {len(files)} | "
            f"{size / 1024:,.0f} | {len(archive) / 1024:,.0f} |"
        )
    from django.conf import settings
    from django.test import Client

    from listening.dataio.selectors import opendata_build, opendata_is_stale
    from listening.dataio.services import opendata_publish

    start = time.perf_counter()
    published = opendata_publish(programme=programme)
    publish_time = time.perf_counter() - start
    assert published is not None
    checks = []
    for _ in range(args.runs):
        start = time.perf_counter()
        opendata_is_stale(programme, opendata_build(programme))
        checks.append(time.perf_counter() - start)
    client = Client(SERVER_NAME=settings.ALLOWED_HOSTS[0])
    served = []
    for _ in range(args.runs):
        start = time.perf_counter()
        reply = client.get(f"/open-data/{programme.slug}/voices.csv")
        assert reply.status_code == 200, reply.status_code
        size = sum(len(chunk) for chunk in reply.streaming_content)
        reply.close()
        served.append(time.perf_counter() - start)
    print(
        f"publish (build, write, ZIP): {publish_time:.2f} s; staleness check: "
        f"{statistics.median(checks) * 1000:.0f} ms; voices.csv served "
        f"({size / 1024:,.0f} KiB): {statistics.median(served) * 1000:.0f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
