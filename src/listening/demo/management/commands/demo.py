from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.demo.loader import DATA_DIR, DemoDataError, load_demo


class Command(BaseCommand):
    help = 'Load the demo programme "Cities are Listening" (sample data; loading twice is safe).'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo(options["data_dir"])
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(report))
