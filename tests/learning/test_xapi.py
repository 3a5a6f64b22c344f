import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from listening.learning import xapi
from listening.learning.models import LearningEvent
from listening.learning.services import attempt_start, attempt_submit, lesson_view
from tests.learning.factories import (
    LearnerFactory,
    QuizFactory,
    TextBlockFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db


def learn_something():
    block = TextBlockFactory()
    quiz = QuizFactory(block__lesson=block.lesson, passing_score=50)
    question = single_choice_question(quiz)
    learner = LearnerFactory()
    lesson_view(learner=learner, lesson=block.lesson)
    attempt = attempt_start(learner=learner, quiz=quiz)
    attempt_submit(attempt=attempt, answers={question.pk: question.answers.get(fraction=100).pk})
    return block.lesson.module.course, learner


def test_every_event_makes_a_valid_xapi_statement():
    learn_something()
    events = LearningEvent.objects.select_related("block", "lesson", "module", "course")
    statements = xapi.statements(events, base_url="https://listening.example.org/")
    verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in statements}
    assert {"experienced", "completed", "passed"} <= verbs
    for statement in statements:
        assert xapi.validation_errors(statement) == []
        assert statement["version"] == "1.0.3"


def test_passed_statement_carries_a_scaled_score_and_the_course_as_grouping():
    course, _learner = learn_something()
    event = LearningEvent.objects.get(verb="passed")
    statement = xapi.statement(event, base_url="https://listening.example.org")
    assert statement["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert statement["result"]["success"] is True
    grouping = statement["context"]["contextActivities"]["grouping"]
    assert grouping[0]["id"] == f"https://listening.example.org/learn/{course.slug}/"


def test_learners_appear_by_account_never_by_name_or_email():
    learn_something()
    statement = xapi.statement(LearningEvent.objects.first(), base_url="https://x.example")
    assert set(statement["actor"]) == {"objectType", "account"}


@pytest.mark.parametrize(
    "breakage",
    [
        lambda s: s.pop("verb"),
        lambda s: s["actor"].update(mbox="mailto:a@example.org"),  # two identifiers
        lambda s: s["verb"].update(id="not an iri"),
        lambda s: s.update(result={"score": {"scaled": 1.5}}),
        lambda s: s.update(timestamp="yesterday"),
        lambda s: s.update(colour="blue"),
    ],
)
def test_validation_catches_a_broken_statement(breakage):
    learn_something()
    statement = xapi.statement(LearningEvent.objects.first(), base_url="https://x.example")
    breakage(statement)
    assert xapi.validation_errors(statement)


def test_xapi_export_command_writes_valid_statements(tmp_path):
    course, _learner = learn_something()
    out = tmp_path / "statements.json"
    call_command("xapi-export", str(out), course=course.slug)
    statements = json.loads(out.read_text())
    assert len(statements) == LearningEvent.objects.filter(course=course).count()
    assert all(not xapi.validation_errors(s) for s in statements)


def test_xapi_export_page_is_for_authors(client, admin_client):
    course, _learner = learn_something()
    url = reverse("learning:xapi", args=[course.slug])
    assert client.get(url).status_code == 403
    assert len(admin_client.get(url).json()) == LearningEvent.objects.count()
