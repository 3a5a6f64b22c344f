"""``listening gift-import FILE --lesson SLUG [--json OUT.json]`` or ``--dry-run``: read a
Moodle GIFT file into the lesson's quiz, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.learning import gift
from listening.learning.models import Lesson
from listening.learning.services import quiz_for_lesson, quiz_import_gift


class Command(BaseCommand):
    help = (
        "Import the questions of a GIFT file into a lesson's quiz (created if the lesson has "
        "none). A malformed file is refused naming its line; essays and descriptions are "
        "skipped with a warning."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the GIFT file (UTF-8)")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--lesson", help="slug of the lesson whose quiz receives them")
        target.add_argument(
            "--dry-run", action="store_true", help="parse and report; write nothing"
        )
        parser.add_argument("--json", help="also write what was parsed to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text.") from None
        try:
            document = gift.parse(source)
        except gift.GiftError as exc:
            raise CommandError(f"{path}, {exc} Nothing was imported.") from None
        lesson = None
        if options["lesson"]:
            lesson = Lesson.objects.filter(slug=options["lesson"]).first()
            if lesson is None:
                raise CommandError(f"There is no lesson {options['lesson']!r}.")
        if options["json"]:
            try:
                Path(options["json"]).write_text(
                    json.dumps(document.as_dict(), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8",
                )
            except OSError as exc:
                raise CommandError(f"Cannot write {options['json']}: {exc.strerror}.") from None
        for warning in document.warnings:
            self.stderr.write(f"{path}, line {warning.line}: {warning.message}")
        graded = [q for q in document.questions if q.type in gift.GRADED_TYPES]
        if lesson is None:
            self.stdout.write(
                f"{path}: {len(graded)} questions to import, "
                f"{len(document.warnings)} skipped (dry run: nothing written)."
            )
            return
        try:
            created = quiz_import_gift(quiz=quiz_for_lesson(lesson=lesson), document=document)
        except ValidationError as exc:
            raise CommandError(f"{path}: {' '.join(exc.messages)} Nothing was imported.") from None
        self.stdout.write(
            f"Imported {len(created)} questions into {lesson.slug!r}; "
            f"{len(document.warnings)} skipped."
        )
