"""Authoring: courses, modules, lessons and blocks; quizzes imported from GIFT (all or
nothing) and exported back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from listening.learning import gift
from listening.learning.models import (
    Answer,
    Block,
    BlockKind,
    Caption,
    Course,
    Lesson,
    Module,
    Question,
    Quiz,
)
from listening.programmes.models import ListeningSession, Programme, Theme


def quiz_for_lesson(*, lesson: Lesson, title: str = "") -> Quiz:
    """The lesson's first quiz, created (as a new last block) if it has none."""
    with transaction.atomic():
        quiz = Quiz.objects.filter(block__lesson=lesson).order_by("block__position").first()
        if quiz is not None:
            return quiz
        last = lesson.blocks.order_by("-position").values_list("position", flat=True).first()
        block = Block.objects.create(
            lesson=lesson,
            kind=BlockKind.QUIZ,
            title=title or _("Quiz"),
            position=(last or 0) + 1,
        )
        return Quiz.objects.create(block=block)


def quiz_import_gift(*, quiz: Quiz, document: gift.GiftDocument) -> list[Question]:
    """Add the graded questions of a parsed GIFT document to the quiz, all or nothing."""
    created = []
    with transaction.atomic():
        position = quiz.questions.count()
        for item in document.questions:
            if item.type in gift.UNGRADED_TYPES:
                continue
            position += 1
            question = Question(
                quiz=quiz,
                position=position,
                type=item.type,
                title=item.title[:200],
                text=item.text,
                text_format=item.format,
                category=item.category,
                general_feedback=item.general_feedback,
            )
            try:
                question.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(line)d: %(error)s") % {"line": item.line, "error": exc}
                ) from None
            question.save()
            answers = [
                Answer(question=question, position=n, text=a.text, fraction=a.fraction,
                       feedback=a.feedback)
                for n, a in enumerate(item.answers)
            ]  # fmt: skip
            answers += [
                Answer(question=question, position=n, fraction=v.fraction, feedback=v.feedback,
                       value=v.value, tolerance=v.tolerance, low=v.min, high=v.max)
                for n, v in enumerate(item.numerical)
            ]  # fmt: skip
            answers += [
                Answer(question=question, position=n, text=prompt, match=answer, fraction=100)
                for n, (prompt, answer) in enumerate(item.pairs)
            ]
            Answer.objects.bulk_create(answers)
            created.append(question)
    return created


def gift_questions(*, lesson: Lesson) -> list[gift.GiftQuestion]:
    """The questions of every quiz of a lesson, as GIFT data (for export)."""
    questions = Question.objects.filter(quiz__block__lesson=lesson).prefetch_related("answers")
    result = []
    for question in questions.order_by("quiz__block__position", "position", "id"):
        item = gift.GiftQuestion(
            line=0,
            type=question.type,
            text=question.text,
            title=question.title,
            format=question.text_format,
            category=list(question.category),
            general_feedback=question.general_feedback,
        )
        for answer in question.answers.all():
            if question.type == "matching":
                item.pairs.append((answer.text, answer.match))
            elif question.type == "numerical":
                item.numerical.append(
                    gift.GiftNumerical(
                        fraction=answer.fraction,
                        value=answer.value,
                        tolerance=answer.tolerance,
                        min=answer.low,
                        max=answer.high,
                        feedback=answer.feedback,
                    )
                )
            else:
                item.answers.append(gift.GiftAnswer(answer.text, answer.fraction, answer.feedback))
        result.append(item)
    return result


def course_upsert(
    *,
    slug: str,
    title: str,
    description: str = "",
    programme: Programme | None = None,
    is_published: bool = False,
) -> Course:
    with transaction.atomic():
        course = Course.objects.filter(slug=slug).first() or Course(slug=slug)
        course.title, course.description = title, description
        course.programme, course.is_published = programme, is_published
        course.full_clean()
        course.save()
        return course


def module_upsert(
    *,
    course: Course,
    slug: str,
    title: str,
    summary: str = "",
    position: int = 0,
    theme: Theme | None = None,
    sessions: Sequence[ListeningSession] = (),
) -> Module:
    with transaction.atomic():
        module = Module.objects.filter(course=course, slug=slug).first() or Module(
            course=course, slug=slug
        )
        module.title, module.summary, module.position, module.theme = (
            title, summary, position, theme,
        )  # fmt: skip
        module.full_clean()
        module.save()
        module.sessions.set(sessions)
        return module


def lesson_upsert(
    *, module: Module, slug: str, title: str, summary: str = "", position: int = 0
) -> Lesson:
    with transaction.atomic():
        lesson = Lesson.objects.filter(slug=slug).first() or Lesson(slug=slug)
        lesson.module, lesson.title, lesson.summary, lesson.position = (
            module, title, summary, position,
        )  # fmt: skip
        lesson.full_clean()
        lesson.save()
        return lesson


def block_add(*, lesson: Lesson, kind: str, position: int, **fields: Any) -> Block:
    """A new block; files are given as (name, bytes) pairs in ``video_file`` / ``image``."""
    with transaction.atomic():
        files = {name: fields.pop(name) for name in ("video_file", "image") if name in fields}
        block = Block(lesson=lesson, kind=kind, position=position, **fields)
        for name, (filename, content) in files.items():
            getattr(block, name).save(filename, ContentFile(content), save=False)
        block.full_clean()
        block.save()
        if kind == BlockKind.QUIZ:
            Quiz.objects.create(block=block)
        return block


def caption_add(*, block: Block, language: str, content: bytes) -> Caption:
    """WebVTT captions for a video block, validated before they are stored."""
    with transaction.atomic():
        caption = Caption(block=block, language=language)
        caption.file.save(f"block-{block.pk}-{language}.vtt", ContentFile(content), save=False)
        caption.full_clean()
        caption.save()
        return caption
