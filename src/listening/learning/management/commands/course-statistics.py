"""``listening course-statistics SLUG``: recompute the per-question summaries behind the
authors' statistics page from the stored answers (they are kept up to date as attempts are
submitted; recompute after learners were deleted or merged, or data was loaded in bulk)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.learning.models import Course, Quiz
from listening.learning.services.statistics import question_summaries_rebuild


class Command(BaseCommand):
    help = "Recompute a course's per-question statistics from its learners' answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the course's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        course = Course.objects.filter(slug=options["slug"]).first()
        if course is None:
            raise CommandError(f"No course has the slug {options['slug']!r}.")
        quiz_ids = Quiz.objects.filter(block__lesson__module__course=course).values_list(
            "pk", flat=True
        )
        count = question_summaries_rebuild(quiz_ids=quiz_ids)
        self.stdout.write(f"{course.slug}: statistics recomputed for {count} questions.")
