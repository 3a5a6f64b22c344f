"""``listening export-data PROGRAMME DIR``: a programme's open data (docs/data-formats.md).

``listening export-data --publish [PROGRAMME]``: build the public files ``/open-data/`` serves
(every published programme whose files are older than its data when no programme is named:
what a cron job runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.dataio.opendata import opendata_write
from listening.dataio.schema import Audience
from listening.dataio.services import PublishBusyError, opendata_publish, opendata_publish_stale
from listening.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Write a programme's open data: sessions, people, organisations, voices, cities, "
        "conversations (Polis format), key messages, commitments and their evidence as CSV "
        "and JSON, Popolo, GeoJSON, iCalendar and a datapackage.json manifest. By default the "
        "public export (listed people, published voices, key messages and commitments); "
        "--organisers writes everything, consent flags and drafts included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", nargs="?", help="the programme's slug")
        parser.add_argument(
            "dir", nargs="?", type=Path, help="the folder to write (created if missing)"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="build the public files /open-data/ serves, instead of writing a folder: of "
            "the programme named, or of every published programme whose files are older than "
            "its data (all of them with --force)",
        )
        parser.add_argument(
            "--force", action="store_true", help="write into a folder that is not empty"
        )
        parser.add_argument(
            "--organisers",
            action="store_true",
            help="every row and column, including people who did not consent to be listed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["publish"]:
            self.publish(options)
            return
        if not options["programme"] or not options["dir"]:
            raise CommandError(
                "Give the programme's slug and the folder to write, e.g. "
                "`listening export-data my-programme ./export` (or --publish)."
            )
        programme = self.programme(options["programme"])
        folder: Path = options["dir"]
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file, not a folder.")
        if folder.is_dir() and any(folder.iterdir()) and not options["force"]:
            raise CommandError(
                f"{folder} is not empty: choose an empty folder, or give --force to overwrite "
                "the files of the same names."
            )
        audience: Audience = "organisers" if options["organisers"] else "public"
        try:
            written = opendata_write(programme, folder, audience=audience)
        except OSError as exc:
            raise CommandError(f"Cannot write {folder}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote the {audience} export of {programme.slug!r}: {len(written)} files in {folder}."
        )

    def programme(self, slug: str) -> Programme:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"There is no programme {slug!r} (programmes: {known}).")
        return programme

    def publish(self, options: dict[str, Any]) -> None:
        if options["dir"] is not None or options["organisers"]:
            raise CommandError(
                "--publish writes the public files into the data directory: give no folder "
                "and no --organisers."
            )
        if options["programme"] is None:
            for programme, outcome in opendata_publish_stale(force=options["force"]):
                self.stdout.write(f"{programme.slug}: {outcome}.")
            return
        programme = self.programme(options["programme"])
        try:
            build = opendata_publish(programme=programme)
        except PublishBusyError as exc:
            raise CommandError(str(exc)) from None
        if build is None:
            self.stdout.write(
                f"{programme.slug!r} has no session, so nothing of it is published: its open "
                "data files were removed."
            )
            return
        self.stdout.write(
            f"Published the open data of {programme.slug!r}: {len(build.files)} files as of "
            f"{build.built_at:%Y-%m-%d %H:%M} UTC in {build.folder}."
        )
