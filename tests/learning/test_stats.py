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
    # first attempts: (easy, hard) scores per learner; the rest of a quiz of two questions
    # is the other question
    firsts = [(1.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]
    assert rows[hard.pk].discrimination == stats.discrimination(
        [(hard_score, easy_score) for easy_score, hard_score in firsts]
    )
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


def test_correlation_from_sums_agrees_with_the_plain_formula():
    pairs = [(1.0, 0.5), (1.0, 0.5), (0.0, 0.5), (1.0, 1.0), (0.0, 0.0), (1.0, 1.0)]
    xs, ys = [x for x, _y in pairs], [y for _x, y in pairs]
    sums = (
        len(pairs), sum(xs), sum(ys), sum(x * x for x in xs), sum(y * y for y in ys),
        sum(x * y for x, y in pairs),
    )  # fmt: skip
    assert stats.correlation_from_sums(*sums) == stats.discrimination(pairs)


@pytest.mark.django_db
def test_recomputed_statistics_match_those_kept_as_attempts_are_submitted():
    from django.core.management import call_command

    from listening.learning.models import QuestionSummary

    quiz = QuizFactory(attempts_allowed=0, shuffle_options=False)
    questions = [single_choice_question(quiz) for _ in range(3)]
    course = quiz.block.lesson.module.course
    for plan in ["RRW", "RWW", "WWW", "RRR", "WRW"]:
        attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
        attempt_submit(
            attempt=attempt,
            answers={
                q.pk: q.answers.get(fraction=100 if mark == "R" else 0).pk
                for q, mark in zip(questions, plan, strict=True)
            },
        )
    kept = [
        (r.question.pk, r.responses, r.facility, r.discrimination)
        for r in question_statistics(course)
    ]
    QuestionSummary.objects.all().delete()
    assert all(row.responses == 0 for row in question_statistics(course))
    call_command("course-statistics", course.slug, verbosity=0)
    again = [
        (r.question.pk, r.responses, r.facility, r.discrimination)
        for r in question_statistics(course)
    ]
    assert again == kept
    assert [row[2] for row in kept] == [60.0, 60.0, 20.0]  # R in 3, 3 and 1 of 5 attempts


@pytest.mark.django_db
def test_statistics_page_reads_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    quiz = QuizFactory(attempts_allowed=0)
    question = single_choice_question(quiz)
    for _ in range(5):
        attempt_submit(
            attempt=attempt_start(learner=LearnerFactory(), quiz=quiz),
            answers={question.pk: question.answers.get(fraction=100).pk},
        )
    url = f"/learn/{quiz.block.lesson.module.course.slug}/statistics/"
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert "100" in response.text
