import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from listening.learning import gift
from listening.learning.models import Answer, Question
from tests.learning.factories import LessonFactory

pytestmark = pytest.mark.django_db

EVERY_FEATURE = Path(__file__).parents[1] / "data" / "every-feature.gift"


def test_gift_import_then_export_round_trips_every_graded_question(tmp_path, capsys):
    lesson = LessonFactory(slug="public-space")
    out_json = tmp_path / "parsed.json"
    call_command("gift-import", str(EVERY_FEATURE), lesson="public-space", json=str(out_json))
    captured = capsys.readouterr()
    assert "Imported 11 questions" in captured.out
    assert "line" in captured.err and "essay question skipped" in captured.err
    assert Question.objects.filter(quiz__block__lesson=lesson).count() == 11
    parsed = json.loads(out_json.read_text())
    assert len(parsed["questions"]) == 13
    assert [w["message"].split()[0] for w in parsed["warnings"]] == ["essay", "description"]

    exported = tmp_path / "out.gift"
    call_command("gift-export", "public-space", str(exported))
    original = gift.parse(EVERY_FEATURE.read_text())
    again = gift.parse(exported.read_text())
    graded = [q for q in original.questions if q.type in gift.GRADED_TYPES]
    assert [{**q.as_dict(), "line": 0} for q in again.questions] == [
        {**q.as_dict(), "line": 0} for q in graded
    ]


def test_gift_import_malformed_file_names_the_line_and_imports_nothing(tmp_path):
    lesson = LessonFactory(slug="l")
    bad = tmp_path / "bad.gift"
    bad.write_text("Good {=a ~b}\n\nAlso good {T}\n\n::broken::Where {=a ~b\n")
    with pytest.raises(CommandError, match=r"line 5: .*Nothing was imported"):
        call_command("gift-import", str(bad), lesson=lesson.slug)
    assert not Question.objects.exists()
    assert not Answer.objects.exists()


def test_gift_import_dry_run_writes_nothing(tmp_path, capsys):
    call_command("gift-import", str(EVERY_FEATURE), dry_run=True)
    assert "11 questions to import" in capsys.readouterr().out
    assert not Question.objects.exists()


def test_gift_import_unknown_lesson_is_named(tmp_path):
    with pytest.raises(CommandError, match="no lesson 'nowhere'"):
        call_command("gift-import", str(EVERY_FEATURE), lesson="nowhere")


def test_imported_questions_grade_as_authored(tmp_path):
    from listening.learning.services import attempt_start, attempt_submit
    from tests.learning.factories import LearnerFactory

    lesson = LessonFactory(slug="years")
    source = tmp_path / "q.gift"
    source.write_text("::Year::Which year? {#=2022:0 =%50%2022:1}\n")
    call_command("gift-import", str(source), lesson="years")
    question = Question.objects.get()
    attempt = attempt_start(learner=LearnerFactory(), quiz=question.quiz)
    attempt = attempt_submit(attempt=attempt, answers={question.pk: "2021"})
    assert attempt.score == 50.0
    assert lesson.blocks.get().kind == "quiz"
