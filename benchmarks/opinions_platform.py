"""Opinion maps at full scale inside the platform (issue 13), on SQLite and on PostgreSQL.

A synthetic conversation (benchmarks/synthetic.py, written as a Polis export by
benchmarks/opinions_speed.py) is imported with ``listening import-polis``, then:

- **import**: wall time of ``listening import-polis DIR --no-map`` (reading and checking the
  files, writing statements, participants and votes);
- **first map**: ``opinion_refresh`` with no vote cache — votes in the database → snapshot
  committed — and the peak RSS of that process;
- **refresh**: after N new votes cast through ``vote_cast`` (1,000 / 10,000; a new participant
  casts some, existing participants the rest, some of them changing a vote), the next
  ``opinion_refresh`` (incremental read from the vote cache), and its peak RSS;
- **results page**: server time of ``GET /conversations/<slug>/results/`` (Django test client,
  median of 5 after one warm-up), for a visitor and for a participant who sees their position.

Each step runs in its own process. Usage::

    python benchmarks/opinions_platform.py --db sqlite --case 100k
    python benchmarks/opinions_platform.py --db postgresql --case 100k \\
        --database-url postgresql://listening:listening@127.0.0.1:5432/listening_scale
    python benchmarks/opinions_platform.py --db sqlite --case 100k --steps import
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

CASES = {
    "small": {"label": "5k x 300, 120k votes", "new_votes": 1_000},
    "100k": {"label": "100k x 3k, 4.8M votes", "new_votes": 1_000},
    "1m": {"label": "1M x 10k, 50M votes", "new_votes": 10_000},
}
TARGETS = {
    "100k": "import <= 60 s, first map <= 10 s, refresh <= 3 s, RSS <= 1.5 GB, page <= 200 ms",
    "1m": "import <= 10 min, first map <= 3 min, refresh <= 30 s, RSS <= 8 GB, page <= 300 ms",
}


def _peak_mb() -> float:
    """Peak RSS of this process: VmHWM (ru_maxrss survives exec, so it would count the parent
    that forked this child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
    os.environ["OPINION_JOBS"] = "off"
    import django

    django.setup()


# -- children ------------------------------------------------------------------------------


def child_map(slug: str) -> dict[str, Any]:
    _django()
    from listening.conversations import vote_cache
    from listening.conversations.models import Conversation
    from listening.conversations.services import opinion_refresh

    conversation = Conversation.objects.get(slug=slug)
    vote_cache.cache_clear(conversation.pk)
    base = _peak_mb()
    t = time.perf_counter()
    snapshot = opinion_refresh(conversation_id=conversation.pk)
    seconds = time.perf_counter() - t
    assert snapshot is not None
    peak = _peak_mb()
    t = time.perf_counter()
    vote_cache.votes_read(conversation, use_cache=False)
    full_read = time.perf_counter() - t
    return {
        "first_map_s": seconds,
        "full_read_s": full_read,
        "first_map_rss_mb": peak,
        "rss_before_mb": base,
        "groups": len(snapshot.result["groups"]),
        "snapshot_positions_mb": sum(
            len(bytes(data)) for data in snapshot.position_blocks.values_list("data", flat=True)
        )
        / 1e6,
        "snapshot_position_blocks": snapshot.position_blocks.count(),
        "snapshot_result_mb": len(json.dumps(snapshot.result)) / 1e6,
    }


def child_refresh(slug: str, new_votes: int) -> dict[str, Any]:
    _django()
    import numpy as np

    from listening.conversations import services
    from listening.conversations.models import Conversation, Participant, Statement
    from listening.conversations.services import opinion_refresh

    conversation = Conversation.objects.get(slug=slug)
    rng = np.random.default_rng(7)
    statements = list(
        Statement.objects.filter(conversation=conversation, status="approved")
        .order_by("id")
        .values_list("id", flat=True)
    )
    people = list(
        Participant.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("id", flat=True)[:50_000]
    )
    me, token = services.participant_create(conversation=conversation)
    t = time.perf_counter()
    mine = min(40, len(statements))
    for sid in statements[:mine]:
        services.vote_cast(participant=me, statement_id=sid, value=int(rng.integers(-1, 2)))
    chosen = rng.choice(people, new_votes - mine).tolist()
    others = Participant.objects.in_bulk(chosen)
    for pid in chosen:
        sid = int(statements[int(rng.integers(0, min(200, len(statements))))])
        services.vote_cast(
            participant=others[pid], statement_id=sid, value=int(rng.integers(-1, 2))
        )
    cast = time.perf_counter() - t
    t = time.perf_counter()
    snapshot = opinion_refresh(conversation_id=conversation.pk)
    seconds = time.perf_counter() - t
    assert snapshot is not None
    peak = _peak_mb()
    from listening.conversations import vote_cache

    # The same incremental read again (the new votes are still within the overlap window).
    t = time.perf_counter()
    table = vote_cache.votes_read(conversation)
    incremental = time.perf_counter() - t
    # Votes after the map, which the page's counts add to the map's: a second new participant
    # and existing ones, 1,000 in all.
    late, _ = services.participant_create(conversation=conversation)
    for sid in statements[:mine]:
        services.vote_cast(participant=late, statement_id=sid, value=1)
    for pid in rng.choice(people, 1_000 - mine).tolist():
        sid = int(statements[int(rng.integers(0, min(200, len(statements))))])
        services.vote_cast(
            participant=others.get(pid) or Participant.objects.get(pk=pid),
            statement_id=sid,
            value=-1,
        )
    return {
        "incremental_read_s": incremental,
        "incremental_read_how": table.how,
        "votes_cast": new_votes,
        "cast_s": cast,
        "refresh_s": seconds,
        "refresh_rss_mb": peak,
        "token": token,
    }


def child_page(slug: str, token: str) -> dict[str, Any]:
    _django()
    from django.core import signing
    from django.test import Client

    from listening.conversations.models import Conversation, Participant
    from listening.conversations.tokens import token_hash
    from listening.conversations.views import COOKIE_SALT, _cookie_name

    conversation = Conversation.objects.get(slug=slug)
    me = str(Participant.objects.get(token_hash=token_hash(token)).pk)
    url = f"/conversations/{slug}/results/"
    out: dict[str, Any] = {}
    for who in ("visitor", "participant"):
        client = Client(HTTP_HOST="localhost")
        if who == "participant":
            name = _cookie_name(conversation)
            client.cookies[name] = signing.get_cookie_signer(salt=name + COOKIE_SALT).sign(token)
        times = []
        for i in range(6):
            t = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t
            assert response.status_code == 200, response.status_code
            if i:
                times.append(elapsed)
        if who == "participant":
            out["participant_sees_position"] = b'data-you="true"' in response.content
        out[f"page_{who}_ms"] = 1000 * statistics.median(times)
        out["page_kb"] = len(response.content) / 1024
    # Where the page's time goes: the map it draws (snapshot → drawn points and the viewer's
    # position) and the conversation's live counts (participants, voters, votes).
    from listening.conversations import selectors
    from listening.conversations.opinion_map import build_map

    parts: dict[str, list[float]] = {
        "page_map_ms": [],
        "page_position_ms": [],
        "page_counts_ms": [],
        "counts_every_vote_ms": [],
    }
    for _ in range(5):
        t = time.perf_counter()
        snapshot = selectors.opinion_latest(conversation)
        assert snapshot is not None
        result = selectors.opinion_public(
            conversation=conversation, snapshot=snapshot, positions_of=[me]
        )
        assert me in result["participants"]
        build_map(result, you=me)
        parts["page_map_ms"].append(time.perf_counter() - t)
        t = time.perf_counter()
        selectors.snapshot_positions_of(snapshot, [me])
        parts["page_position_ms"].append(time.perf_counter() - t)
        t = time.perf_counter()
        stats = selectors.conversation_stats(conversation)
        parts["page_counts_ms"].append(time.perf_counter() - t)
    # What the counts cost before: every vote and participant counted (once: seconds at 1M).
    t = time.perf_counter()
    exact = selectors.conversation_stats_counted(conversation)
    parts["counts_every_vote_ms"].append(time.perf_counter() - t)
    out["counts_equal_exact"] = all(
        exact[k] == stats[k] for k in ("participants", "voters", "votes")
    )
    out["votes_since_map"] = stats["votes"] - (snapshot.counts or {}).get("votes", 0)
    out.update({k: 1000 * statistics.median(v) for k, v in parts.items()})
    return out


# -- the run -------------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--case", choices=sorted(CASES), default="100k")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (with --db postgresql)")
    parser.add_argument("--work", default="/tmp/opinions-platform", help="exports, data dir")
    parser.add_argument("--child", choices=["map", "refresh", "page"])
    parser.add_argument("--slug", default="")
    parser.add_argument("--token", default="")
    parser.add_argument("--new-votes", type=int, default=1000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the imported conversation (for --page-only)"
    )
    parser.add_argument(
        "--page-only",
        action="store_true",
        help="only the results page, on a conversation kept by --keep (with --slug, --token)",
    )
    parser.add_argument(
        "--steps",
        choices=["all", "import"],
        default="all",
        help="import: time only the import (and its peak RSS), then delete the conversation",
    )
    args = parser.parse_args()
    if args.child == "map":
        print(json.dumps(child_map(args.slug)))
        return
    if args.child == "refresh":
        print(json.dumps(child_refresh(args.slug, args.new_votes)))
        return
    if args.child == "page":
        print(json.dumps(child_page(args.slug, args.token)))
        return

    work = Path(args.work)
    export = work / f"export-{args.case}"
    if not (export / "votes.csv").exists():
        import opinions_speed

        if args.case == "small":
            opinions_speed.CASES["small"] = {"label": "small", "size": (5_000, 300, 120_000)}
        print(f"writing the synthetic export {export} …", file=sys.stderr)
        opinions_speed.write_export(args.case, export)
    env = dict(os.environ)
    data = work / f"data-{args.db}"
    data.mkdir(parents=True, exist_ok=True)
    env["DATA_DIR"] = str(data)
    env["OPINION_JOBS"] = "off"
    if args.db == "postgresql":
        if not args.database_url:
            raise SystemExit("--database-url is needed with --db postgresql")
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{data / 'bench.sqlite3'}"
    listening = [sys.executable, "-m", "listening.manage"]
    subprocess.run([*listening, "migrate", "-v0"], env=env, check=True)
    if args.page_only:
        if not (args.slug and args.token):
            raise SystemExit("--page-only needs --slug and --token (printed by a --keep run)")
        page = _run(["--child", "page", "--slug", args.slug, "--token", args.token], env)
        print(json.dumps({"db": args.db, "slug": args.slug, **page}, indent=2))
        return
    slug = f"bench-{args.case}-{int(time.time())}"
    row: dict[str, Any] = {
        "db": args.db,
        "case": CASES[args.case]["label"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
    }
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [*listening, "import-polis", str(export), "--conversation", slug, "--no-map"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    row["import_s"] = time.perf_counter() - t
    # The largest child so far: the import (migrate before it is far smaller).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row["import_rss_mb"] = peak / 1024 if peak > before else None
    row["load_average"] = os.getloadavg()
    try:
        if args.steps == "import":
            return _done(row, args.case)
        row.update(_run(["--child", "map", "--slug", slug], env))
        refresh = _run(
            [
                "--child",
                "refresh",
                "--slug",
                slug,
                "--new-votes",
                str(CASES[args.case]["new_votes"]),
            ],
            env,
        )
        token = refresh.pop("token")
        row.update(refresh)
        row.update(_run(["--child", "page", "--slug", slug, "--token", token], env))
        if args.keep:
            row.update({"slug": slug, "token": token})
    finally:
        if not args.keep:
            subprocess.run(
                [
                    *listening,
                    "shell",
                    "-c",
                    "from listening.conversations.models import Conversation;"
                    f"Conversation.objects.filter(slug={slug!r}).delete()",
                ],
                env=env,
                check=False,
            )
    _done(row, args.case)


def _done(row: dict[str, Any], case: str) -> None:
    row["target"] = TARGETS.get(case, "")
    print(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
