"""``listening report PROGRAMME --pdf OUT.pdf [--html OUT.html] [--language en|fr|es]
[--session SLUG]``: "The voices we heard", a programme's (or a session's) report."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.synthesis.report import (
    LANGUAGES,
    ReportError,
    check_language,
    report_build,
    report_target,
)


def check_output(path: Path, option: str) -> Path:
    """The path to write, or CommandError if it cannot be written (checked before any work)."""
    if path.is_dir():
        raise CommandError(f"{option} {path}: this is a folder; give a file name.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"{option} {path}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"{option} {path}: not writable (permission denied).")
    return path


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: each goes to a temporary file beside it, then all are
    renamed into place."""
    temporary: dict[Path, str] = {}
    try:
        for path, content in files.items():
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporary[path] = name
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        for path, name in temporary.items():
            os.replace(name, path)
    except OSError as exc:
        for name in temporary.values():
            Path(name).unlink(missing_ok=True)
        raise CommandError(f"Cannot write the report: {exc}.") from None


class Command(BaseCommand):
    help = (
        '"The voices we heard": key messages, quotes, cities and organisations, charts of '
        "participation, opinion maps and the Pact's commitments of a programme (or one of its "
        "sessions), as a PDF and optionally HTML. Progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="the programme's slug")
        parser.add_argument("--pdf", type=Path, help="the PDF file to write")
        parser.add_argument("--html", type=Path, help="also (or only) write the HTML")
        parser.add_argument(
            "--language", default="en", help=f"the report's language ({', '.join(LANGUAGES)})"
        )
        parser.add_argument("--session", help="the report of one session of the programme")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        pdf_path: Path | None = options["pdf"]
        html_path: Path | None = options["html"]
        if pdf_path is None and html_path is None:
            raise CommandError("Give --pdf OUT.pdf (and/or --html OUT.html): where to write.")
        try:
            language = check_language(options["language"])
            programme, session = report_target(options["programme"], options["session"])
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if pdf_path is not None:
            check_output(pdf_path, "--pdf")
        if html_path is not None:
            check_output(html_path, "--html")
        if pdf_path is not None and pdf_path.resolve() == (html_path or Path()).resolve():
            raise CommandError("--pdf and --html name the same file.")

        def progress(line: str) -> None:
            if not options["quiet"]:
                print(line, file=sys.stderr, flush=True)

        report = report_build(
            programme=programme,
            session=session,
            language=language,
            pdf=pdf_path is not None,
            progress=progress,
        )
        files: dict[Path, bytes] = {}
        if pdf_path is not None and report.pdf is not None:
            files[pdf_path] = report.pdf
        if html_path is not None:
            files[html_path] = report.html.encode("utf-8")
        write_all(files)
        what = f"{programme.slug}" + (f" / {session.slug}" if session else "")
        self.stdout.write(
            f"Wrote the report of {what} ({language}): " + ", ".join(str(p) for p in files)
        )
