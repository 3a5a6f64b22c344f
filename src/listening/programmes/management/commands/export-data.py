"""``listening export-data PROGRAMME DIR``: a programme's open data (docs/data-formats.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.dataio.opendata import opendata_write
from listening.dataio.schema import Audience
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
        parser.add_argument("programme", help="the programme's slug")
        parser.add_argument("dir", type=Path, help="the folder to write (created if missing)")
        parser.add_argument(
            "--force", action="store_true", help="write into a folder that is not empty"
        )
        parser.add_argument(
            "--organisers",
            action="store_true",
            help="every row and column, including people who did not consent to be listed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(
                f"There is no programme {options['programme']!r} (programmes: {known})."
            )
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
