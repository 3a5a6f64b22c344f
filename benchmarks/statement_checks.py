"""What the statement and import checks of issue 9 cost.

1. The near-duplicate warning (``selectors.statement_near_duplicate``: difflib's
   ``get_close_matches`` over the casefolded public statements) against 100, 1,000 and all
   statements, the texts already loaded (the query is separate). The statements are the real
   comments of the Polis open data (``POLIS_OPENDATA`` or ../shared/polis-opendata); each
   probe is one of them with a typo.
2. ``statement_clean`` + ``statement_key`` on one 400-character statement.
3. Reading the largest open-data export with and without ``strict`` (``import-polis``'s
   checks: NUL scan, strict CSV, Polis ids, votes on listed comments only).

    .venv/bin/python benchmarks/statement_checks.py
"""

from __future__ import annotations

import difflib
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
import django

django.setup()

from listening.analysis import read_polis_export  # noqa: E402
from listening.conversations.models import statement_clean, statement_key  # noqa: E402
from listening.conversations.selectors import NEAR_DUPLICATE_RATIO, _comparable  # noqa: E402

ROOT = Path(
    os.environ.get(
        "POLIS_OPENDATA", Path(__file__).resolve().parents[2] / "shared" / "polis-opendata"
    )
)


def _median_ms(fn: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    folders = sorted(p for p in ROOT.iterdir() if p.is_dir()) if ROOT.is_dir() else []
    if not folders:
        sys.exit(f"no Polis open data at {ROOT}")
    real = list(
        dict.fromkeys(
            _comparable(c.text)
            for folder in folders
            for c in read_polis_export(folder).comments
            if c.text.strip()
        )
    )
    rng = random.Random(0)
    print(f"near-duplicate check (difflib.get_close_matches, cutoff {NEAR_DUPLICATE_RATIO}),")
    print(f"{len(real)} distinct real comments, a probe = one of them with a typo:")
    for n in (100, 1000, len(real)):
        texts = dict.fromkeys(rng.sample(real, n))
        probes = [p.replace("e", "a", 1) for p in rng.sample(list(texts), 5)]

        def check(t: dict[str, None] = texts, ps: list[str] = probes) -> None:
            for p in ps:
                difflib.get_close_matches(p, t, n=1, cutoff=NEAR_DUPLICATE_RATIO)

        print(f"  {n:>6} statements: {_median_ms(check) / len(probes):7.1f} ms per check")
    text = ("\u202e" + "Free buses on Sundays, and shade\u200b trees. " * 10)[:400]
    us = _median_ms(lambda: statement_key(statement_clean(text)), runs=101) * 1000
    print(f"statement_clean + statement_key, 400 characters: {us:.0f} µs")
    folder = ROOT / "american-assembly.bowling-green"
    if folder.is_dir():
        for strict in (False, True):
            ms = _median_ms(lambda s=strict: read_polis_export(folder, strict=s), runs=3)
            print(f"read_polis_export({folder.name}, strict={strict}): {ms:.0f} ms")


if __name__ == "__main__":
    main()
