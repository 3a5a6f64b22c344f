import pytest

from listening.learning import stats
from listening.learning.selectors import lesson_drop_off, question_statistics
from listening.learning.services import attempt_start, attempt_submit, lesson_view
from tests.learning.factories import (
    LearnerFactory,
    LessonFactory,
    QuizFactory,
    TextBlockFactory,
    single_choice_question,
)


def test_facility_is_the_mean_score_in_percent():
    assert stats.facility([1.0, 0.0, 0.5, 0.5]) == 50.0
    assert stats.facility([]) is None


def test_discrimination_is_high_when_strong_learners_get_the_question_right():
    pairs = [(1.0, 0.9), (1.0, 0.8), (0.0, 0.2), (0.0, 0.1)]
    assert stats.discrimination(pairs) > 90


def test_discrimination_is_negative_when_weak_learners_do_better():
    pairs = [(0.0, 0.9), (0.0, 0.8), (1.0, 0.2), (1.0, 0.1)]
    assert stats.discrimination(pairs) < -90


def test_discrimination_is_undefined_without_variation():
    assert stats.discrimination([(1.0, 0.5), (1.0, 0.7)]) is None
    assert stats.discrimination([(1.0, 0.5)]) is None


@pytest.mark.django_db
def test_question_statistics_use_first_attempts():
    quiz = QuizFactory(attempts_allowed=0, shuffle_options=False)
    easy = single_choice_question(quiz)
    hard = single_choice_question(quiz)
    course = quiz.block.lesson.module.course

    def right(question):
        return question.answers.get(fraction=100).pk

    def wrong(question):
        return question.answers.get(fraction=0).pk

    plans = [(right, right), (right, right), (right, wrong), (wrong, wrong)]
    for easy_answer, hard_answer in plans:
        learner = LearnerFactory()
        attempt = attempt_start(learner=learner, quiz=quiz)
        attempt_submit(
            attempt=attempt, answers={easy.pk: easy_answer(easy), hard.pk: hard_answer(hard)}
        )
        # a second attempt, all right, must not count
        attempt_submit(
            attempt=attempt_start(learner=learner, quiz=quiz),
            answers={easy.pk: right(easy), hard.pk: right(hard)},
        )
    rows = {row.question.pk: row for row in question_statistics(course)}
    assert rows[easy.pk].facility == 75.0
    assert rows[hard.pk].facility == 50.0
    assert rows[easy.pk].responses == 4
    assert rows[hard.pk].discrimination > 0


@pytest.mark.django_db
def test_lesson_drop_off_counts_openers_and_finishers():
    lesson = LessonFactory()
    TextBlockFactory(lesson=lesson)
    quiz = QuizFactory(block__lesson=lesson)
    single_choice_question(quiz)
    for _ in range(4):
        lesson_view(learner=LearnerFactory(), lesson=lesson)
    finisher = LearnerFactory()
    lesson_view(learner=finisher, lesson=lesson)
    question = quiz.questions.get()
    attempt_submit(
        attempt=attempt_start(learner=finisher, quiz=quiz),
        answers={question.pk: question.answers.get(fraction=100).pk},
    )
    [row] = lesson_drop_off(lesson.module.course)
    assert (row.started, row.completed, row.drop_off) == (5, 1, 80.0)


def test_item_statistics_agree_with_the_plain_formulas():
    rows = [  # (question, attempt, score)
        (1, 10, 1.0), (2, 10, 1.0), (3, 10, 0.0),
        (1, 11, 1.0), (2, 11, 0.0), (3, 11, 1.0),
        (1, 12, 0.0), (2, 12, 0.0), (3, 12, 0.0),
        (1, 13, 1.0), (2, 13, 1.0), (3, 13, 1.0),
    ]  # fmt: skip
    result = stats.item_statistics(*zip(*rows, strict=True))
    for question in (1, 2, 3):
        mine = [(s, a) for q, a, s in rows if q == question]
        pairs = []
        for score, attempt in mine:
            others = [s for q, a, s in rows if a == attempt and q != question]
            pairs.append((score, sum(others) / len(others)))
        responses, facility, discrimination = result[question]
        assert responses == 4
        assert facility == stats.facility([s for s, _a in mine])
        assert discrimination == stats.discrimination(pairs)
