"""A learner takes a quiz with the keyboard only in a real browser; course, lesson and quiz
pages have no serious or critical axe-core violation."""

import pytest
from django.core.files.base import ContentFile

from listening.learning.demo import demo_video
from listening.learning.models import Attempt, QuestionType
from tests.browser.conftest import axe_violations
from tests.learning.factories import (
    AnswerFactory,
    CaptionFactory,
    QuestionFactory,
    QuizFactory,
    TextBlockFactory,
    VideoBlockFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def quiz():
    quiz = QuizFactory(
        block__lesson__slug="public-space",
        block__lesson__title="Public space",
        block__title="Check what you learned",
        passing_score=100,
        shuffle_options=False,
    )
    lesson = quiz.block.lesson
    TextBlockFactory(lesson=lesson, body="Public space is **a commons**.", position=0)
    video = VideoBlockFactory(
        lesson=lesson,
        position=1,
        video_url="",
        duration=2,
        video_file=ContentFile(demo_video(seconds=2), name="demo.webm"),
    )
    CaptionFactory(block=video, language="en")
    choice = QuestionFactory(quiz=quiz, type=QuestionType.SINGLE_CHOICE, text="Who owns it?")
    AnswerFactory(question=choice, text="The council", fraction=0)
    AnswerFactory(question=choice, text="Everyone", fraction=100)
    short = QuestionFactory(quiz=quiz, type=QuestionType.SHORT_ANSWER, text="Which city?")
    AnswerFactory(question=short, text="Durban", fraction=100)
    matching = QuestionFactory(quiz=quiz, type=QuestionType.MATCHING, text="Match them.")
    AnswerFactory(question=matching, text="Durban", match="Town Hall", fraction=100)
    AnswerFactory(question=matching, text="Daejeon", match="World Summit", fraction=100)
    return quiz


def test_course_and_lesson_pages_pass_axe(page, quiz):
    course = quiz.block.lesson.module.course
    page.goto(f"/learn/{course.slug}/")
    assert not axe_violations(page)
    page.goto("/learn/lessons/public-space/")
    assert page.locator("track[srclang=en]").count() == 1
    assert "Cities are listening." in page.locator(".transcript").inner_text()
    assert not axe_violations(page)


def test_take_a_quiz_with_the_keyboard_only(page, quiz):
    page.goto("/learn/lessons/public-space/")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/learn/attempts/*/")
    assert not axe_violations(page)

    # The attempt shows the questions in its own seeded order: answer each where it is,
    # moving on with Tab only.
    page.locator("fieldset.question input, fieldset.question select").first.focus()
    for fieldset in page.locator("fieldset.question").all():
        text = fieldset.locator(".question-text").inner_text()
        if text == "Who owns it?":
            page.keyboard.press("ArrowDown")  # from "The council" to "Everyone", checked
            assert fieldset.get_by_label("Everyone").is_checked()
        elif text == "Which city?":
            page.keyboard.type("durban")
        else:
            page.keyboard.type("Town Hall")  # type-ahead in the focused select
            page.keyboard.press("Tab")
            page.keyboard.type("World Summit")
        page.keyboard.press("Tab")
    # every answer was saved as it was given, before submitting
    page.wait_for_function(
        "() => [...document.querySelectorAll('.save-status')].every(e => e.textContent !== '')"
    )
    attempt = Attempt.objects.get()
    assert attempt.responses.count() == 3

    page.keyboard.press("Enter")  # Tab has reached the submit button
    page.wait_for_selector("#result")
    assert "Passed" in page.locator("#result").inner_text()
    attempt.refresh_from_db()
    assert attempt.passed
    assert not axe_violations(page)


def test_answer_queued_when_the_learner_leaves_is_sent_by_the_beacon(page, quiz):
    import time

    from listening.learning.models import Response

    page.goto("/learn/lessons/public-space/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/learn/attempts/*/")
    page.get_by_label("Everyone").check()  # queued; the next flush is seconds away
    page.goto("/learn/")  # leaving the page: pagehide sends the queue with sendBeacon
    for _ in range(100):
        if Response.objects.exists():
            break
        time.sleep(0.1)
    response = Response.objects.get()
    assert response.value == response.question.answers.get(text="Everyone").pk
