"""One participant's position on a large opinion map: blocks against the one blob (issue 13).

Builds a snapshot of N participants (default 1,000,000) straight in the database — random
positions in four groups, no votes: what is measured depends only on how positions are
stored — once as the single ``positions_pack`` blob that snapshots held before, once in
``OpinionPositionBlock`` rows, and times (median of 20 participants drawn at random):

- **one position**: what the results page reads for a participant who sees their own point
  (``selectors.snapshot_positions_of``; for the blob, loading it and looking the id up);
- **every position**: what the next refresh's warm start, the API and the export read
  (``selectors.snapshot_positions``);
- **store**: writing the positions inside the refresh's transaction;
- the bytes stored either way;
- **the results page** (``GET /conversations/<slug>/results/``, Django test client, median
  of 5 after a warm-up) for a visitor and for a participant placed on the map, with the
  blocks snapshot the latest, then with the blob one (what the page read before). The map
  has no statements: the page's other parts are measured by opinions_platform.py.

Usage (the database must be migrated; the conversation made here is deleted at the end)::

    DATABASE_URL=postgresql://listening:listening@127.0.0.1:5432/listening_pos \\
        python benchmarks/results_positions.py --participants 1000000
    DATABASE_URL=sqlite:////tmp/positions.sqlite3 python benchmarks/results_positions.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def _ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 2)


def run(n: int, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
    os.environ["OPINION_JOBS"] = "off"
    import django

    django.setup()
    import numpy as np
    from django.core import signing
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from listening.conversations import selectors, services
    from listening.conversations.models import (
        Conversation,
        OpinionPositionBlock,
        OpinionSnapshot,
    )
    from listening.conversations.opinion_map import (
        Positions,
        map_summary,
        positions_blocks,
        positions_pack,
        positions_unpack,
    )
    from listening.conversations.views import COOKIE_SALT, _cookie_name

    rng = np.random.default_rng(13)
    group = rng.integers(0, 4, n)
    centres = np.array([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]])
    xy = centres[group] + rng.normal(0, 0.4, (n, 2))
    # Participant ids as a database hands them out: increasing, with a few gaps.
    ids = np.cumsum(rng.integers(1, 3, n)) + 1_000
    conversation = Conversation.objects.create(
        slug=f"bench-positions-{int(time.time())}",
        topic="Positions benchmark",
        languages=["en"],
        opens_at=timezone.now(),
    )
    me, token = services.participant_create(conversation=conversation)
    if not np.isin(me.pk, ids):
        ids[len(ids) // 2] = me.pk  # the page's participant sits on the map
    ids = np.unique(ids)
    n = len(ids)
    group = group[:n]
    xy = xy[:n]
    positions = Positions.from_arrays(ids, xy, group, np.ones(n, dtype=bool))
    out: dict[str, Any] = {
        "database": connection.vendor,
        "participants": n,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "load_average": os.getloadavg()[0],
    }
    try:
        summary = {"map": map_summary(positions), "n_participants": n}
        t = time.perf_counter()
        blob = positions_pack(positions)
        with transaction.atomic():
            old = OpinionSnapshot.objects.create(
                conversation=conversation, result=summary, positions=blob
            )
        out["store_blob_ms"] = round(1000 * (time.perf_counter() - t), 1)
        t = time.perf_counter()
        blocks = positions_blocks(positions)
        with transaction.atomic():
            new = OpinionSnapshot.objects.create(
                conversation=conversation, result=summary, positions_in_blocks=True
            )
            OpinionPositionBlock.objects.bulk_create(
                [
                    OpinionPositionBlock(snapshot=new, first_participant=first, data=data)
                    for first, data in blocks
                ],
                batch_size=50,
            )
        out["store_blocks_ms"] = round(1000 * (time.perf_counter() - t), 1)
        out["blob_mb"] = round(len(blob) / 1e6, 2)
        out["blocks"] = len(blocks)
        out["blocks_mb"] = round(sum(len(d) for _, d in blocks) / 1e6, 2)

        chosen = rng.choice(ids, repeat).tolist()
        # Each way in its own loop, so that neither reads after the other emptied the caches.
        one_blob, one_blocks, found = [], [], {}
        for pid in chosen:
            t = time.perf_counter()
            snapshot = OpinionSnapshot.objects.defer("result").get(pk=old.pk)
            found[pid] = positions_unpack(snapshot.positions).get(pid)
            one_blob.append(time.perf_counter() - t)
        for pid in chosen:
            t = time.perf_counter()
            snapshot = OpinionSnapshot.objects.defer("result", "positions").get(pk=new.pk)
            mine = selectors.snapshot_positions_of(snapshot, [pid])
            one_blocks.append(time.perf_counter() - t)
            assert found[pid] is not None and mine[str(pid)] == found[pid]
        out["one_position_blob_ms"] = _ms(one_blob)
        out["one_position_blocks_ms"] = _ms(one_blocks)

        every_blob, every_blocks = [], []
        for _ in range(3):
            t = time.perf_counter()
            a = selectors.snapshot_positions(OpinionSnapshot.objects.get(pk=old.pk))
            every_blob.append(time.perf_counter() - t)
            t = time.perf_counter()
            b = selectors.snapshot_positions(OpinionSnapshot.objects.get(pk=new.pk))
            every_blocks.append(time.perf_counter() - t)
            assert a is not None and b is not None and np.array_equal(a.ids, b.ids)
            assert np.array_equal(a.xy, b.xy)
        out["every_position_blob_ms"] = _ms(every_blob)
        out["every_position_blocks_ms"] = _ms(every_blocks)

        url = f"/conversations/{conversation.slug}/results/"
        name = _cookie_name(conversation)
        cookie = signing.get_cookie_signer(salt=name + COOKIE_SALT).sign(token)
        for stored, latest in (("blocks", new), ("blob", old)):
            OpinionSnapshot.objects.filter(pk=latest.pk).update(computed_at=timezone.now())
            for who in ("visitor", "participant"):
                client = Client(HTTP_HOST="localhost")
                if who == "participant":
                    client.cookies[name] = cookie
                times = []
                for i in range(6):
                    t = time.perf_counter()
                    response = client.get(url)
                    if i:
                        times.append(time.perf_counter() - t)
                    assert response.status_code == 200, response.status_code
                seen = b'data-you="true"' in response.content
                assert seen == (who == "participant"), (stored, who)
                out[f"page_{stored}_{who}_ms"] = _ms(times)
    finally:
        conversation.delete()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(run(args.participants, args.repeat), indent=2))


if __name__ == "__main__":
    main()
