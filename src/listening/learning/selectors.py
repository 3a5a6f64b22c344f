"""Shared reads of the learning app, with their query tuning."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from listening.learning import stats
from listening.learning.models import (
    Attempt,
    Block,
    BlockCompletion,
    Course,
    Learner,
    LearningEvent,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
    Question,
    Response,
    VideoProgress,
)
from listening.programmes.models import ListeningSession


def published_courses() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True).annotate(module_count=Count("modules"))


def course_get(slug: str, *, preview: bool = False) -> Course:
    courses = Course.objects.all() if preview else Course.objects.filter(is_published=True)
    return courses.select_related("programme").get(slug=slug)


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[tuple[Lesson, bool]]
    complete: bool

    @property
    def done(self) -> int:
        return sum(1 for _lesson, done in self.lessons if done)

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.lessons)) if self.lessons else 0


def course_outline(course: Course, learner: Learner | None) -> list[ModuleProgress]:
    """Modules, their lessons and sessions, with this learner's completion."""
    modules = course.modules.select_related("theme").prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id")),
        Prefetch(
            "sessions",
            queryset=ListeningSession.objects.order_by("starts_at"),
        ),
    )
    done_lessons: set[int] = set()
    done_modules: set[int] = set()
    if learner is not None:
        done_lessons = set(
            LessonCompletion.objects.filter(
                learner=learner, lesson__module__course=course
            ).values_list("lesson_id", flat=True)
        )
        done_modules = set(
            ModuleCompletion.objects.filter(learner=learner, module__course=course).values_list(
                "module_id", flat=True
            )
        )
    return [
        ModuleProgress(
            module=module,
            lessons=[(lesson, lesson.pk in done_lessons) for lesson in module.lessons.all()],
            complete=module.pk in done_modules,
        )
        for module in modules
    ]


def lesson_get(slug: str, *, preview: bool = False) -> Lesson:
    lessons = (
        Lesson.objects.all()
        if preview
        else Lesson.objects.filter(module__course__is_published=True)
    )
    return lessons.select_related("module__course").get(slug=slug)


def lesson_blocks(lesson: Lesson) -> list[Block]:
    return list(
        lesson.blocks.select_related("quiz").prefetch_related("captions").order_by("position", "id")
    )


def lesson_state(lesson: Lesson, learner: Learner | None) -> tuple[set[int], dict[int, float]]:
    """Completed block ids and resume positions of videos, for this learner."""
    if learner is None:
        return set(), {}
    done = set(
        BlockCompletion.objects.filter(learner=learner, block__lesson=lesson).values_list(
            "block_id", flat=True
        )
    )
    positions = dict(
        VideoProgress.objects.filter(learner=learner, block__lesson=lesson).values_list(
            "block_id", "position"
        )
    )
    return done, positions


def quiz_attempts(learner: Learner | None, quiz_ids: list[int]) -> dict[int, list[Attempt]]:
    result: dict[int, list[Attempt]] = {quiz_id: [] for quiz_id in quiz_ids}
    if learner is None or not quiz_ids:
        return result
    for attempt in Attempt.objects.filter(learner=learner, quiz_id__in=quiz_ids).order_by("number"):
        result[attempt.quiz_id].append(attempt)
    return result


def attempt_get(pk: int) -> Attempt:
    return Attempt.objects.select_related("quiz__block__lesson__module__course").get(pk=pk)


def attempt_questions(attempt: Attempt) -> list[tuple[Question, Response | None]]:
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("answers")
    }
    responses = {r.question_id: r for r in attempt.responses.all()}
    return [
        (questions[qid], responses.get(qid)) for qid in attempt.question_ids if qid in questions
    ]


@dataclass
class QuestionStatistics:
    question: Question
    responses: int
    facility: float | None
    discrimination: float | None


def question_statistics(course: Course) -> list[QuestionStatistics]:
    """Facility and discrimination index of each question, over first submitted attempts
    (as Moodle's quiz statistics do by default), read from the per-question summaries kept
    up to date when attempts are submitted (``services.statistics``); ``stats`` turns the
    sums into the indices."""
    questions = Question.objects.filter(quiz__block__lesson__module__course=course)
    rows = []
    for question in questions.select_related("summary").order_by(
        "quiz__block__lesson__module__position",
        "quiz__block__lesson__position",
        "quiz__block__position",
        "position",
        "id",
    ):
        summary = getattr(question, "summary", None)
        if summary is None or not summary.responses:
            rows.append(QuestionStatistics(question, 0, None, None))
            continue
        rows.append(
            QuestionStatistics(
                question,
                summary.responses,
                round(100 * summary.score_sum / summary.responses, 1),
                stats.correlation_from_sums(
                    summary.paired,
                    summary.paired_score_sum,
                    summary.rest_sum,
                    summary.score_squares,
                    summary.rest_squares,
                    summary.products,
                ),
            )
        )
    return rows


@dataclass
class LessonDropOff:
    lesson: Lesson
    started: int
    completed: int

    @property
    def drop_off(self) -> float | None:
        return None if not self.started else round(100 * (1 - self.completed / self.started), 1)


def lesson_drop_off(course: Course) -> list[LessonDropOff]:
    """Learners who opened each lesson and those who completed it."""
    started = dict(
        LearningEvent.objects.filter(course=course, verb=LearningEvent.Verb.EXPERIENCED)
        .values("lesson_id")
        .annotate(n=Count("learner_id", distinct=True))
        .values_list("lesson_id", "n")
    )
    lessons = (
        Lesson.objects.filter(module__course=course)
        .annotate(completed=Count("completions", distinct=True))
        .order_by("module__position", "position", "id")
    )
    return [
        LessonDropOff(lesson, started.get(lesson.pk, 0), lesson.completed) for lesson in lessons
    ]
