"""Quiz attempts: start (seeded draw of questions), save each answer as it is given, submit
once (a second submission returns the first result)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listening.learning import grading
from listening.learning.models import (
    Attempt,
    Learner,
    LearningEvent,
    Question,
    QuestionType,
    Quiz,
    Response,
)
from listening.learning.services.progress import block_complete, event_record
from listening.learning.services.statistics import question_summaries_add


class AttemptLimitReached(ValidationError):
    pass


def attempt_start(*, learner: Learner, quiz: Quiz) -> Attempt:
    """The learner's open attempt at this quiz, or a new one if the limit allows."""
    with transaction.atomic():
        Learner.objects.select_for_update().filter(pk=learner.pk).first()
        open_attempt = Attempt.objects.filter(
            learner=learner, quiz=quiz, submitted_at__isnull=True
        ).first()
        if open_attempt is not None:
            return open_attempt
        used = Attempt.objects.filter(learner=learner, quiz=quiz).count()
        if quiz.attempts_allowed and used >= quiz.attempts_allowed:
            raise AttemptLimitReached(
                _("You have used all %(n)d attempts at this quiz.") % {"n": quiz.attempts_allowed}
            )
        seed = secrets.randbits(31)
        question_ids = grading.draw_questions(
            list(quiz.questions.values_list("pk", flat=True)), seed=seed, pool_size=quiz.pool_size
        )
        if not question_ids:
            raise ValidationError(_("This quiz has no questions yet."))
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    learner=learner,
                    quiz=quiz,
                    number=used + 1,
                    seed=seed,
                    question_ids=question_ids,
                )
        except IntegrityError:
            # The same "start" sent twice at once: the other request opened it.
            return Attempt.objects.get(learner=learner, quiz=quiz, submitted_at__isnull=True)


def checked_value(question: Question, value: Any) -> Any:
    """The response in the shape its question type takes, or a ValidationError."""
    kind = question.type
    option_ids = {a.pk for a in question.answers.all()}
    if value in (None, "", []):
        return None
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
        try:
            chosen = int(value)
        except (TypeError, ValueError):
            chosen = -1
        if chosen not in option_ids:
            raise ValidationError(_("Choose one of the options."))
        return chosen
    if kind == QuestionType.MULTIPLE_CHOICE:
        values = value if isinstance(value, list) else [value]
        try:
            chosen_ids = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            chosen_ids = [-1]
        if not set(chosen_ids) <= option_ids:
            raise ValidationError(_("Choose among the options."))
        return chosen_ids
    if kind in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        if not isinstance(value, str) or len(value) > 500:
            raise ValidationError(_("Write an answer of at most 500 characters."))
        if kind == QuestionType.NUMERICAL and grading.parse_number(value) is None:
            raise ValidationError(_("Write a number, such as 12 or 3.5."))
        return value.strip()
    if kind == QuestionType.MATCHING:
        if not isinstance(value, dict):
            raise ValidationError(_("Match each item with an answer."))
        choices = {match for a in question.answers.all() for match in a.match_variants()}
        cleaned = {}
        for key, given in value.items():
            if not given:
                continue
            if str(key) not in {str(i) for i in option_ids} or given not in choices:
                raise ValidationError(_("Match each item with one of the answers offered."))
            cleaned[str(key)] = given
        return cleaned or None
    raise ValidationError(_("Unknown question type."))


def response_save(*, attempt: Attempt, question_id: int, value: Any) -> Response:
    """Save (or replace) the answer to one question of an open attempt."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise ValidationError(_("This attempt has been submitted: answers are final."))
        if question_id not in attempt.question_ids:
            raise ValidationError(_("This question is not part of the attempt."))
        question = Question.objects.prefetch_related("answers").get(pk=question_id)
        response, _created = Response.objects.update_or_create(
            attempt=attempt, question=question, defaults={"value": checked_value(question, value)}
        )
        return response


def attempt_submit(*, attempt: Attempt, answers: dict[int, Any] | None = None) -> Attempt:
    """Grade and close an attempt. Submitting an already submitted attempt changes nothing
    and returns it as it was: a submission sent twice counts once."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update()
            .select_related("quiz__block__lesson__module", "learner")
            .get(pk=attempt.pk)
        )
        if attempt.submitted_at is not None:
            return attempt
        for question_id, value in (answers or {}).items():
            response_save(attempt=attempt, question_id=question_id, value=value)
        questions = {
            q.pk: q
            for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related(
                "answers"
            )
        }
        responses = {r.question_id: r for r in attempt.responses.all()}
        scores, weights = [], []
        by_question: dict[int, float] = {}
        for question_id in attempt.question_ids:
            question = questions.get(question_id)
            if question is None:
                continue  # deleted since the attempt began
            key = grading.QuestionKey(
                type=question.type, options=[a.as_option() for a in question.answers.all()]
            )
            response = responses.get(question_id)
            result = grading.grade(key, response.value if response else None)
            if response is None:
                response = Response(attempt=attempt, question=question, value=None)
            response.score = result.score
            response.save()
            scores.append(result.score)
            weights.append(question.points)
            by_question[question_id] = result.score
        attempt.score = grading.percent(scores, weights)
        attempt.passed = attempt.score >= attempt.quiz.passing_score
        attempt.submitted_at = timezone.now()
        attempt.save(update_fields=["score", "passed", "submitted_at"])
        question_summaries_add(attempt=attempt, scores=by_question)
        block = attempt.quiz.block
        event_record(
            learner=attempt.learner,
            verb=LearningEvent.Verb.PASSED if attempt.passed else LearningEvent.Verb.FAILED,
            block=block,
            result={"score": attempt.score, "success": attempt.passed, "attempt": attempt.number},
        )
        if attempt.passed:
            block_complete(learner=attempt.learner, block=block)
        return attempt
