import pytest
from django.core.exceptions import ValidationError

from listening.learning.models import Attempt, BlockCompletion, QuestionType, Response
from listening.learning.services import (
    AttemptLimitReached,
    attempt_start,
    attempt_submit,
    response_save,
)
from tests.learning.factories import (
    AnswerFactory,
    LearnerFactory,
    QuestionFactory,
    QuizFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db


def right_answer(question):
    return question.answers.get(fraction=100).pk


def test_attempt_start_twice_returns_the_open_attempt():
    quiz = QuizFactory()
    single_choice_question(quiz)
    learner = LearnerFactory()
    first = attempt_start(learner=learner, quiz=quiz)
    assert attempt_start(learner=learner, quiz=quiz) == first
    assert Attempt.objects.count() == 1


def test_attempt_start_refuses_past_the_attempts_limit():
    quiz = QuizFactory(attempts_allowed=2)
    single_choice_question(quiz)
    learner = LearnerFactory()
    for _ in range(2):
        attempt_submit(attempt=attempt_start(learner=learner, quiz=quiz))
    with pytest.raises(AttemptLimitReached, match="all 2 attempts"):
        attempt_start(learner=learner, quiz=quiz)
    assert Attempt.objects.filter(learner=learner).count() == 2


def test_attempt_start_without_limit_allows_more_attempts():
    quiz = QuizFactory(attempts_allowed=0)
    single_choice_question(quiz)
    learner = LearnerFactory()
    for _ in range(4):
        attempt_submit(attempt=attempt_start(learner=learner, quiz=quiz))
    assert Attempt.objects.filter(learner=learner).count() == 4


def test_attempt_draws_its_pool_once_and_keeps_it():
    quiz = QuizFactory(pool_size=3, attempts_allowed=0)
    for _ in range(10):
        single_choice_question(quiz)
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, quiz=quiz)
    assert len(attempt.question_ids) == 3
    attempt.refresh_from_db()
    assert attempt_start(learner=learner, quiz=quiz).question_ids == attempt.question_ids


def test_response_save_replaces_the_previous_answer():
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    wrong = question.answers.get(fraction=0).pk
    response_save(attempt=attempt, question_id=question.pk, value=wrong)
    response_save(attempt=attempt, question_id=question.pk, value=right_answer(question))
    assert Response.objects.get(attempt=attempt).value == right_answer(question)


def test_response_save_refuses_an_option_of_another_question():
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    other = single_choice_question(QuizFactory())
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    with pytest.raises(ValidationError, match="Choose one of the options"):
        response_save(attempt=attempt, question_id=question.pk, value=right_answer(other))


def test_response_save_refuses_a_question_outside_the_attempt():
    quiz = QuizFactory()
    single_choice_question(quiz)
    stranger = single_choice_question(QuizFactory())
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    with pytest.raises(ValidationError, match="not part of the attempt"):
        response_save(attempt=attempt, question_id=stranger.pk, value=right_answer(stranger))


def test_response_save_refuses_text_that_is_not_a_number():
    quiz = QuizFactory()
    question = QuestionFactory(quiz=quiz, type=QuestionType.NUMERICAL)
    AnswerFactory(question=question, value=2022, fraction=100)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    with pytest.raises(ValidationError, match="Write a number"):
        response_save(attempt=attempt, question_id=question.pk, value="twenty")


def test_submit_grades_saved_answers_and_completes_the_quiz_when_passed():
    quiz = QuizFactory(passing_score=50)
    question = single_choice_question(quiz)
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, quiz=quiz)
    response_save(attempt=attempt, question_id=question.pk, value=right_answer(question))
    attempt = attempt_submit(attempt=attempt)
    assert attempt.score == 100.0
    assert attempt.passed
    assert BlockCompletion.objects.filter(learner=learner, block=quiz.block).exists()


def test_submit_failed_quiz_is_not_complete():
    quiz = QuizFactory(passing_score=60)
    single_choice_question(quiz)
    learner = LearnerFactory()
    attempt = attempt_submit(attempt=attempt_start(learner=learner, quiz=quiz))
    assert attempt.score == 0.0
    assert not attempt.passed
    assert not BlockCompletion.objects.filter(learner=learner).exists()


def test_submit_sent_twice_counts_once():
    quiz = QuizFactory(attempts_allowed=3)
    question = single_choice_question(quiz)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    first = attempt_submit(attempt=attempt, answers={question.pk: right_answer(question)})
    second = attempt_submit(attempt=attempt, answers={question.pk: None})
    assert second.submitted_at == first.submitted_at
    assert second.score == 100.0
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_answers_after_submission_are_refused():
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    attempt = attempt_submit(attempt=attempt_start(learner=LearnerFactory(), quiz=quiz))
    with pytest.raises(ValidationError, match="answers are final"):
        response_save(attempt=attempt, question_id=question.pk, value=right_answer(question))


def test_submit_weights_questions_by_points():
    quiz = QuizFactory(passing_score=70)
    heavy = single_choice_question(quiz)
    heavy.points = 3
    heavy.save()
    light = single_choice_question(quiz)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    attempt = attempt_submit(
        attempt=attempt,
        answers={heavy.pk: right_answer(heavy), light.pk: light.answers.get(fraction=0).pk},
    )
    assert attempt.score == 75.0
    assert attempt.passed


def test_open_attempt_is_unique_in_the_database():
    quiz = QuizFactory()
    single_choice_question(quiz)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            learner=attempt.learner, quiz=quiz, number=2, seed=1, question_ids=[]
        )


def test_short_and_matching_answers_are_accepted_in_any_language_the_author_gave():
    from django.utils import translation

    from tests.learning.factories import AnswerFactory, QuestionFactory

    quiz = QuizFactory(attempts_allowed=0)
    short = QuestionFactory(quiz=quiz, type=QuestionType.SHORT_ANSWER)
    AnswerFactory(question=short, text_en="town hall", text_fr="mairie", fraction=100)
    matching = QuestionFactory(quiz=quiz, type=QuestionType.MATCHING)
    pair = AnswerFactory(
        question=matching, text_en="Daejeon", match_en="Summit", match_fr="Sommet", fraction=100
    )
    other = AnswerFactory(
        question=matching, text_en="Durban", match_en="Town", match_fr="Ville", fraction=100
    )
    with translation.override("en"):  # graded in English, answered in French
        attempt = attempt_submit(
            attempt=attempt_start(learner=LearnerFactory(), quiz=quiz),
            answers={
                short.pk: "Mairie",
                matching.pk: {str(pair.pk): "Sommet", str(other.pk): "Ville"},
            },
        )
    assert attempt.score == 100.0
    with translation.override("fr"):
        wrong = attempt_submit(
            attempt=attempt_start(learner=LearnerFactory(), quiz=quiz),
            answers={short.pk: "Hôtel", matching.pk: {str(pair.pk): "Ville"}},
        )
    assert wrong.score == 0.0
