"""``listening gift-export LESSON_SLUG OUT.gift``: write a lesson's quiz questions as GIFT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.learning import gift
from listening.learning.models import Lesson
from listening.learning.services import gift_questions


class Command(BaseCommand):
    help = "Write the questions of every quiz of a lesson in Moodle's GIFT format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lesson", help="the lesson's slug")
        parser.add_argument("out", help="the GIFT file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        lesson = Lesson.objects.filter(slug=options["lesson"]).first()
        if lesson is None:
            raise CommandError(f"There is no lesson {options['lesson']!r}.")
        questions = gift_questions(lesson=lesson)
        try:
            Path(options["out"]).write_text(gift.write(questions), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {options['out']}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote {len(questions)} questions of {lesson.slug!r} to {options['out']}."
        )
