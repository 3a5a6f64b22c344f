"""Authoring: quizzes imported from GIFT (all or nothing), exported back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from listening.learning import gift
from listening.learning.models import Answer, Block, BlockKind, Lesson, Question, Quiz


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
