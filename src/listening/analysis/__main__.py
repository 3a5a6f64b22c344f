"""``python -m listening.analysis opinions DIR --json OUT.json [--seed N] [--method M]``
and ``python -m listening.analysis themes FILE.csv --text-column NAME --json OUT.json``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .opinions import DEFAULT_METHOD, METHODS, OpinionResult, compute_opinions
from .polis_io import PolisExportError, read_polis_export

EXIT_BAD_INPUT = 2
# Show a progress bar on stderr from this many votes up.
PROGRESS_MIN_VOTES = 1_000_000
STAGES = (
    "load",
    "participation",
    "pca",
    "base_clusters",
    "groups",
    "counts",
    "repness",
    "bridging",
)


class ProgressBar:
    def __init__(self, stages: Sequence[str], enabled: bool) -> None:
        self.stages = list(stages)
        self.enabled = enabled
        self.done = 0

    def __call__(self, stage: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / len(self.stages))
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {self.done}/{len(self.stages)} {stage:<14}")
        if self.done >= len(self.stages):
            sys.stderr.write("\n")
        sys.stderr.flush()


def opinions(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        export = read_polis_export(args.dir)
        if not export.vote_source:
            raise PolisExportError(
                Path(args.dir), None, "no votes.csv or participants-votes.csv: no votes to analyse"
            )
        matrix = export.matrix(include_moderated=True)
    except PolisExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    load = time.perf_counter() - start
    bar = ProgressBar(STAGES, enabled=args.progress or matrix.n_votes >= PROGRESS_MIN_VOTES)
    bar("load")
    result = compute_opinions(
        matrix,
        seed=args.seed,
        moderated_out=export.moderated_out,
        progress=bar,
        method=args.method,
        participant_order=export.participant_order() if args.method == "polis" else None,
    )
    result.timings = {"load": load, **result.timings}
    out = result.to_json(include_timings=False)
    out["timings"] = {**{k: round(v, 6) for k, v in result.timings.items()}}
    out["timings"]["total"] = round(time.perf_counter() - start, 6)
    Path(args.json).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    if len(result.groups) < 2:
        print(f"note: {args.dir}: no opinion groups: {_why_no_groups(result)}", file=sys.stderr)
    return 0


def _why_no_groups(result: OpinionResult) -> str:
    if not result.statement_ids:
        return "every statement is moderated out"
    n_in = int(result.in_conversation.sum())
    if n_in < 2:
        return f"{n_in} participant(s) in the conversation"
    return "the participants' votes do not separate into groups"


def themes(args: argparse.Namespace) -> int:
    from .topics import TopicsError, find_themes, read_texts

    try:
        texts = read_texts(Path(args.file), args.text_column)
        result = find_themes(
            texts, k=args.k, language=args.language, seed=args.seed, method=args.method
        )
    except TopicsError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = result.to_json(texts)
    Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m listening.analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    op = sub.add_parser("opinions", help="opinion map of a Polis export folder")
    op.add_argument("dir", help="Polis export folder")
    op.add_argument("--json", required=True, help="where to write the result")
    op.add_argument("--seed", type=int, default=0)
    op.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"polis: Polis's own computation; listening: see docs/analysis.md "
        f"(default {DEFAULT_METHOD})",
    )
    op.add_argument("--progress", action="store_true", help="always show the progress bar")
    th = sub.add_parser("themes", help="themes of the texts in one column of a CSV file")
    th.add_argument("file", help="CSV file (UTF-8) with a header row")
    th.add_argument("--text-column", required=True, help="the column holding the texts")
    th.add_argument("--language", choices=["en", "fr", "es"], default="en")
    th.add_argument("--k", type=int, default=None, help="number of themes (default: by size)")
    th.add_argument("--json", required=True, help="where to write the result")
    th.add_argument("--seed", type=int, default=0)
    th.add_argument(
        "--method",
        choices=["lsa", "semantic"],
        default="lsa",
        help="lsa: words only (default); semantic: sentence embeddings (the optional extra "
        "'semantic', see docs/analysis.md)",
    )
    args = parser.parse_args(argv)
    if args.command == "opinions":
        return opinions(args)
    if args.command == "themes":
        return themes(args)
    return 1  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
