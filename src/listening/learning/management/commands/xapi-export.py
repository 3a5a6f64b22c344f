"""``listening xapi-export OUT.json [--course SLUG] [--base-url URL]``: learning events as
xAPI 1.0.3 statements, each checked against the statement structure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.learning import xapi
from listening.learning.models import LearningEvent


class Command(BaseCommand):
    help = "Export learning events as a JSON array of xAPI 1.0.3 statements."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the JSON file to write")
        parser.add_argument("--course", help="only this course's events (its slug)")
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000/",
            help="the site's public address, used in activity and account IRIs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        events = LearningEvent.objects.select_related("block", "lesson", "module", "course")
        if options["course"]:
            events = events.filter(course__slug=options["course"])
        statements = []
        for event in events.iterator(chunk_size=2000):
            statement = xapi.statement(event, base_url=options["base_url"])
            errors = xapi.validation_errors(statement)
            if errors:
                raise CommandError(f"Event {event.pk} makes an invalid statement: {errors[0]}")
            statements.append(statement)
        try:
            Path(options["out"]).write_text(
                json.dumps(statements, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        except OSError as exc:
            raise CommandError(f"Cannot write {options['out']}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {len(statements)} xAPI statements to {options['out']}.")
