import io

import av
import pytest

from listening.learning.captions import Cue, read_captions, write_captions
from listening.learning.demo import VIDEO_SECONDS, demo_video


def test_demo_video_is_a_playable_webm_of_the_stated_length():
    data = demo_video(seconds=2)
    assert data[:4] == b"\x1aE\xdf\xa3"  # Matroska / WebM
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "vp8"
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 2 * 10
    assert VIDEO_SECONDS >= 5


def test_written_captions_read_back_as_the_same_cues():
    cues = [Cue(0.0, 2.0, "Les villes écoutent."), Cue(2.0, 4.5, "Huit thèmes.")]
    assert read_captions(write_captions(cues).encode()) == cues


@pytest.fixture
def demo_course(db):
    """The demo course from the demo's course.json, without its videos (encoded elsewhere)."""
    import json
    from pathlib import Path

    import listening.demo
    from listening.learning.demo import load_course
    from listening.learning.models import Course
    from tests.factories import ProgrammeFactory, ThemeFactory

    data = json.loads((Path(listening.demo.__file__).parent / "data" / "course.json").read_text())
    for module in data["modules"]:
        for lesson in module["lessons"]:
            lesson["blocks"] = [b for b in lesson["blocks"] if b["kind"] != "video"]
    programme = ProgrammeFactory()
    themes = {m["theme"]: ThemeFactory(programme=programme) for m in data["modules"]}
    load_course(data, programme, themes, {})
    return Course.objects.get(slug=data["slug"])


def test_demo_course_is_written_in_english_french_and_spanish(demo_course):
    from listening.learning.models import Answer, Block, Lesson, Module, Question

    rows = [
        (demo_course, ["title", "description"]),
        *[(m, ["title", "summary"]) for m in Module.objects.filter(course=demo_course)],
        *[(lesson, ["title"]) for lesson in Lesson.objects.filter(module__course=demo_course)],
        *[(b, ["title"]) for b in Block.objects.filter(lesson__module__course=demo_course)],
        *[
            (q, ["text"])
            for q in Question.objects.filter(quiz__block__lesson__module__course=demo_course)
        ],
    ]
    assert len(rows) > 40
    for row, fields in rows:
        for field in fields:
            for language in ("en", "fr", "es"):
                assert getattr(row, f"{field}_{language}"), f"{row!r}.{field}_{language}"
    options = Answer.objects.filter(
        question__quiz__block__lesson__module__course=demo_course, question__type="single_choice"
    )
    assert all(a.text_fr and a.text_es for a in options)
    assert "Sample content" in demo_course.description_en
    assert "Contenu d’exemple" in demo_course.description_fr
    assert "Contenido de ejemplo" in demo_course.description_es


def test_demo_short_answer_is_accepted_in_each_language(demo_course):
    from listening.learning.models import Question
    from listening.learning.services import attempt_start, attempt_submit
    from tests.learning.factories import LearnerFactory

    question = Question.objects.get(
        quiz__block__lesson__module__course=demo_course, title_en="Commons"
    )
    quiz = question.quiz
    quiz.attempts_allowed = 0
    quiz.save()
    scores = []
    for answer in ("commons", "bien commun", "bien común"):
        attempt = attempt_submit(
            attempt=attempt_start(learner=LearnerFactory(), quiz=quiz),
            answers={question.pk: answer},
        )
        scores.append(attempt.responses.get(question=question).score)
    assert scores == [1.0, 1.0, 1.0]


def test_demo_lesson_page_is_in_french_for_a_french_reader(demo_course, client):
    lesson = demo_course.modules.get(slug="public-space").lessons.get()
    page = client.get(f"/fr/learn/lessons/{lesson.slug}/").text
    assert "L’accès à l’espace public : ce que nous avons entendu" in page
    assert "Vérifiez ce que vous avez appris" in page
    assert "Access to public space" not in page
