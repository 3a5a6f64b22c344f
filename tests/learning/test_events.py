"""The batch endpoint the player sends its queued progress events to."""

import json
import re
import uuid

import pytest
from django.urls import reverse

from listening.learning import xapi
from listening.learning.models import (
    Attempt,
    BlockCompletion,
    LearningEvent,
    LessonCompletion,
    QuestionType,
    Response,
)
from tests.learning.factories import (
    AnswerFactory,
    QuestionFactory,
    QuizFactory,
    VideoBlockFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db
URL = "/learn/events/"


def page_token(client, url):
    """Open a page as the learner would; the token the page gives its script."""
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'id="learning-events"[^>]*data-token="([^"]+)"', page.text)[1]


def send(client, token, events, content_type="application/json"):
    return client.post(URL, json.dumps({"token": token, "events": events}), content_type)


def video_event(block, intervals, position=None):
    return {
        "id": str(uuid.uuid4()),
        "type": "video",
        "block": block.pk,
        "intervals": intervals,
        "position": position if position is not None else intervals[-1][1],
    }


def answer_event(attempt, question, value):
    return {
        "id": str(uuid.uuid4()),
        "type": "answer",
        "attempt": attempt.pk,
        "question": question.pk,
        "value": value,
    }


def start_quiz(client, quiz):
    client.post(reverse("learning:quiz_start", args=[quiz.block_id]))
    attempt = Attempt.objects.order_by("-pk").first()
    return attempt, page_token(client, reverse("learning:attempt", args=[attempt.pk]))


def test_batch_of_video_and_answer_events_is_applied(client):
    quiz = QuizFactory(shuffle_options=False)
    question = single_choice_question(quiz)
    video = VideoBlockFactory(lesson=quiz.block.lesson, duration=100)
    attempt, token = start_quiz(client, quiz)
    right = question.answers.get(fraction=100).pk
    response = send(
        client,
        token,
        [
            video_event(video, [[0, 30]]),
            answer_event(attempt, question, right),
            video_event(video, [[30, 60]]),
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (3, 0, [])
    assert body["videos"][str(video.pk)] == {"watched": 60.0, "duration": 100.0, "complete": False}
    assert Response.objects.get(attempt=attempt, question=question).value == right
    # the learner comes back to the quiz: the answer given in the batch is checked
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).text
    assert re.search(rf'value="{right}"\s+checked', page)


def test_event_sent_twice_counts_once_and_does_not_undo_a_later_answer(client):
    quiz = QuizFactory(shuffle_options=False)
    question = single_choice_question(quiz)
    attempt, token = start_quiz(client, quiz)
    wrong = question.answers.get(fraction=0).pk
    right = question.answers.get(fraction=100).pk
    first = answer_event(attempt, question, wrong)
    send(client, token, [first])
    send(client, token, [answer_event(attempt, question, right)])
    again = send(client, token, [first, first]).json()  # a retry of the first batch
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    assert Response.objects.get(attempt=attempt, question=question).value == right
    assert LearningEvent.objects.filter(uuid=first["id"]).count() == 1


def test_sent_as_a_beacon_in_plain_text_it_is_accepted(client):
    video = VideoBlockFactory(duration=100)
    token = page_token(client, video.lesson.get_absolute_url())
    response = send(client, token, [video_event(video, [[0, 10]])], "text/plain;charset=UTF-8")
    assert response.status_code == 200
    assert response.json()["accepted"] == 1


def test_seeking_through_the_batch_does_not_complete_a_video_but_watching_does(client):
    video = VideoBlockFactory(duration=100)
    token = page_token(client, video.lesson.get_absolute_url())
    seek = send(client, token, [video_event(video, [[0, 2], [98, 100]], position=100)])
    assert seek.json()["videos"][str(video.pk)]["complete"] is False
    assert not BlockCompletion.objects.filter(block=video).exists()
    watched = send(client, token, [video_event(video, [[0, 45]]), video_event(video, [[45, 91]])])
    assert watched.json()["videos"][str(video.pk)]["complete"] is True
    assert BlockCompletion.objects.filter(block=video).count() == 1
    # the lesson had only this video (its page view is not a block): it completes too
    assert LessonCompletion.objects.filter(lesson=video.lesson).exists()
    send(client, token, [video_event(video, [[0, 100]])])
    completed = LearningEvent.objects.filter(verb="completed", block=video)
    assert completed.count() == 1  # the roll-up ran once, when the video completed


def test_invalid_event_is_reported_by_index_and_the_others_are_applied(client):
    quiz = QuizFactory()
    question = QuestionFactory(quiz=quiz, type=QuestionType.NUMERICAL)
    AnswerFactory(question=question, value=3, fraction=100)
    video = VideoBlockFactory(lesson=quiz.block.lesson, duration=100)
    attempt, token = start_quiz(client, quiz)
    response = send(
        client,
        token,
        [
            answer_event(attempt, question, "three"),
            video_event(video, [[0, 10]]),
            {"id": "not-a-uuid", "type": "video"},
            {"id": str(uuid.uuid4()), "type": "seek"},
        ],
    )
    body = response.json()
    assert response.status_code == 200
    assert body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [0, 2, 3]
    assert "Write a number" in body["rejected"][0]["error"]
    assert "UUID" in body["rejected"][1]["error"]
    assert not Response.objects.filter(attempt=attempt).exists()
    assert video.video_progress.get().intervals == [[0.0, 10.0]]


def test_answers_to_another_learners_attempt_are_refused(client):
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    theirs, _token = start_quiz(client, quiz)
    client.cookies.clear()
    other_quiz = QuizFactory(block__lesson=quiz.block.lesson)
    single_choice_question(other_quiz)
    _mine, token = start_quiz(client, other_quiz)
    right = question.answers.get(fraction=100).pk
    body = send(client, token, [answer_event(theirs, question, right)]).json()
    assert body["accepted"] == 0
    assert body["rejected"][0]["error"] == "No such attempt of yours."
    assert not Response.objects.filter(attempt=theirs).exists()


def test_answers_after_submission_are_refused(client):
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    attempt, token = start_quiz(client, quiz)
    client.post(reverse("learning:attempt_submit", args=[attempt.pk]))
    right = question.answers.get(fraction=100).pk
    body = send(client, token, [answer_event(attempt, question, right)]).json()
    assert "answers are final" in body["rejected"][0]["error"]


def test_batch_without_the_pages_token_is_refused(client):
    video = VideoBlockFactory(duration=100)
    page_token(client, video.lesson.get_absolute_url())
    for token in (None, "forged", "1:abc:def"):
        response = send(client, token, [video_event(video, [[0, 50]])])
        assert response.status_code == 403
        assert "reload" in response.json()["error"]
    assert not video.video_progress.exists()


def test_token_of_another_learner_is_refused(client):
    video = VideoBlockFactory(duration=100)
    token = page_token(client, video.lesson.get_absolute_url())
    client.cookies.clear()
    page_token(client, video.lesson.get_absolute_url())  # now someone else
    assert send(client, token, [video_event(video, [[0, 50]])]).status_code == 403


@pytest.mark.parametrize(
    "payload", ["not json", "[]", json.dumps({"token": "x"}), json.dumps({"events": "x"})]
)
def test_malformed_batch_gets_a_clear_message(client, payload):
    video = VideoBlockFactory(duration=100)
    token = page_token(client, video.lesson.get_absolute_url())
    if payload.startswith("{"):
        payload = json.dumps({**json.loads(payload), "token": token})
    response = client.post(URL, payload, "application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_too_many_events_at_once_are_refused(client):
    video = VideoBlockFactory(duration=100)
    token = page_token(client, video.lesson.get_absolute_url())
    response = send(client, token, [video_event(video, [[0, 1]])] * 101)
    assert response.status_code == 400
    assert "at most 100 events" in response.json()["error"]
    assert not video.video_progress.exists()


def test_progress_and_answers_are_exported_as_valid_xapi_statements(client):
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    video = VideoBlockFactory(lesson=quiz.block.lesson, duration=100)
    attempt, token = start_quiz(client, quiz)
    send(
        client,
        token,
        [video_event(video, [[0, 10]]), answer_event(attempt, question, None)],
    )
    events = LearningEvent.objects.filter(verb__in=["progressed", "answered"])
    assert sorted(events.values_list("verb", flat=True)) == ["answered", "progressed"]
    for event in events:
        statement = xapi.statement(event, base_url="https://example.org/")
        assert xapi.validation_errors(statement) == []
