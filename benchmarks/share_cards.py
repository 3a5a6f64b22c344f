"""Share cards: drawing one against serving it from the cache, and the 304 of a revalidation.

    .venv/bin/python benchmarks/share_cards.py [--runs 21]

Draws the card of a long French quote with Pillow (the work done once per content and
language), then times ``voice_card_cached`` on a warm cache (a file read), and prints the
median of ``--runs`` of each in milliseconds. Then, through Django's test client on a fresh
SQLite database under ``benchmarks/out/share-cards/``: the first ``GET
/voices/<id>/card.png`` (drawn), the next (cached) and one with ``If-None-Match`` (304).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "share-cards"
QUOTE = (
    "Quand les rues sont ombragées et que l'eau coule aux fontaines, les aînés sortent à "
    "nouveau, les enfants jouent dehors et le marché reste ouvert l'après-midi, même en août."
)


def median_ms(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    os.environ.update(
        {
            "DATA_DIR": str(OUT),
            "DATABASE_URL": f"sqlite:///{OUT / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "listening.config.settings",
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
        }
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from listening.public import share_cards

    card = {"quote": QUOTE, "speaker": "Une habitante de Lyon", "heard_at": "Session", "site": "L"}
    drawn = median_ms(lambda: share_cards.voice_card_png(**card), args.runs)
    share_cards.voice_card_cached(**card)
    cached = median_ms(lambda: share_cards.voice_card_cached(**card), args.runs)
    print(f"load average before the run: {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print(f"draw the card (Pillow):        {drawn:7.1f} ms  (median of {args.runs})")
    print(f"from the share_cards cache:    {cached:7.1f} ms  (median of {args.runs})")

    call_command("migrate", verbosity=0)
    from tests.factories import VoiceFactory

    voice = VoiceFactory(text=QUOTE)
    client = Client()
    url = f"/voices/{voice.pk}/card.png"
    client.get(f"/voices/{voice.pk}/")  # warm up: URLs, templates, catalogs, connection
    start = time.perf_counter()
    first = client.get(url)
    first_ms = (time.perf_counter() - start) * 1000
    again = median_ms(lambda: client.get(url), args.runs)
    etag = first["ETag"]
    revalidated = median_ms(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), args.runs)
    status = client.get(url, HTTP_IF_NONE_MATCH=etag).status_code
    print(f"GET card.png, first (drawn):   {first_ms:7.1f} ms  ({len(first.content):,} bytes)")
    print(f"GET card.png, cached:          {again:7.1f} ms")
    print(f"GET with If-None-Match ({status}):  {revalidated:7.1f} ms")


if __name__ == "__main__":
    main()
