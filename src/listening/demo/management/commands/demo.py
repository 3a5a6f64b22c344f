from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.dataio.services import opendata_publish_stale
from listening.demo.loader import DATA_DIR, DemoDataError, load_demo
from listening.demo.removal import demo_remove


class Command(BaseCommand):
    help = (
        'Load the demo programme "Cities are Listening" (sample data; loading twice is safe), '
        "or remove it with --remove."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Delete the sample programme and everything that belongs only to it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["remove"]:
                self.stdout.write(str(demo_remove(data_dir=options["data_dir"])))
                return
            report = load_demo(options["data_dir"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(report))
        # So that /open-data/ has files to serve from the first page view.
        for programme, outcome in opendata_publish_stale():
            self.stdout.write(f"Open data of {programme.slug}: {outcome}.")
