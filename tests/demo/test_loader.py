import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from listening.conversations.models import Conversation
from listening.demo.loader import DATA_DIR, DemoDataError, load_demo
from listening.learning.models import Course, QuestionType
from listening.people.models import Person
from listening.places.models import City
from listening.places.regions import WorldRegion
from listening.programmes.models import ListeningSession, Programme, SessionStatus
from listening.voices.models import Voice

pytestmark = pytest.mark.django_db


# The failing loads run first, on an empty database, so that rollback is visible.


def _counts():
    return [m.objects.count() for m in (Programme, City, Person, ListeningSession, Voice)]


def _broken_copy(tmp_path, name, edit):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_demo_bad_json_names_file_and_line_and_saves_nothing(tmp_path):
    data_dir = _broken_copy(tmp_path, "voices.json", lambda text: text.replace("}", "", 1))
    before = _counts()
    with pytest.raises(DemoDataError, match=r"voices\.json, line \d+: not valid JSON"):
        load_demo(data_dir)
    assert _counts() == before


def test_demo_invalid_voice_names_the_entry_and_saves_nothing(tmp_path):
    def empty_last_voice_text(text):
        voices = json.loads(text)
        voices[-1]["text"] = ""
        return json.dumps(voices)

    data_dir = _broken_copy(tmp_path, "voices.json", empty_last_voice_text)
    before = _counts()
    with pytest.raises(CommandError, match=r"voices\.json, entry \d+: .*text"):
        call_command("demo", "--data-dir", str(data_dir))
    assert _counts() == before


def test_demo_unknown_city_names_the_entry(tmp_path):
    def unknown_city(text):
        cities = json.loads(text)
        cities[0] = {"name": "Atlantis", "country": "GR"}
        return json.dumps(cities)

    data_dir = _broken_copy(tmp_path, "cities.json", unknown_city)
    before = _counts()
    with pytest.raises(DemoDataError, match=r"cities\.json, entry 1: No city called 'Atlantis'"):
        load_demo(data_dir)
    assert _counts() == before


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
        yield
        for model in (Course, Conversation, Voice, ListeningSession, Programme, Person, City):
            model.objects.all().delete()


def test_demo_programme_meets_its_promises(demo_loaded):
    programme = Programme.objects.get(slug="cities-are-listening")
    assert programme.is_sample
    assert programme.themes.count() == 8
    sessions = ListeningSession.objects.filter(programme=programme)
    assert sessions.count() >= 8
    assert {s.axis for s in sessions} == {"people", "planet", "government"}
    assert set(sessions.values_list("status", flat=True)) == set(SessionStatus.values)
    assert all(theme.sessions.exists() for theme in programme.themes.all())
    assert City.objects.count() >= 40
    assert set(City.objects.values_list("region", flat=True)) == set(WorldRegion.values)
    assert Person.objects.count() >= 40
    assert Voice.objects.count() >= 150
    assert set(Voice.objects.values_list("language", flat=True)) == {"en", "fr", "es"}


def test_demo_conversation_has_an_opinion_map(demo_loaded):
    conversation = Conversation.objects.get(slug="pact-healthy-cities")
    assert conversation.session is not None
    assert conversation.is_open()
    assert conversation.participants.exclude(constituency="").count() == 90
    result = conversation.snapshots.latest().result
    assert len(result["groups"]) >= 2
    assert set(result["attributes"]["constituency"]) >= {"civil_society", "private_sector"}


def test_demo_conversation_can_be_embedded_from_the_demo_address(demo_loaded, client):
    response = client.get("/embed/pact-healthy-cities/?lang=fr")
    assert response.status_code == 200
    assert (
        "frame-ancestors http://localhost:8000 http://127.0.0.1:8000"
        in response["Content-Security-Policy"]
    )


def test_demo_people_are_marked_as_sample(demo_loaded):
    assert not Person.objects.filter(is_sample=False).exists()
    assert all("(sample)" in name for name in Person.objects.values_list("name", flat=True))


def test_demo_attribution_respects_consent(demo_loaded):
    attributed = Voice.objects.filter(attribution_consent=True).select_related("speaker")
    assert attributed.exists()
    assert all(v.speaker.consent_quoted and v.speaker.consent_listed for v in attributed)


def test_demo_course_has_eight_modules_every_question_type_and_a_captioned_video(demo_loaded):
    course = Course.objects.get(slug="cities-are-listening-course")
    assert course.is_published
    modules = list(course.modules.select_related("theme"))
    assert len(modules) == 8
    assert {m.theme.slug for m in modules} == set(
        Programme.objects.get(slug="cities-are-listening").themes.values_list("slug", flat=True)
    )
    assert all(m.sessions.exists() for m in modules)
    question_types = set()
    for module in modules:
        quizzes = [
            b.quiz for lesson in module.lessons.all() for b in lesson.blocks.filter(kind="quiz")
        ]
        assert quizzes and all(q.questions.exists() for q in quizzes)
        question_types |= {q.type for quiz in quizzes for q in quiz.questions.all()}
    assert question_types == set(QuestionType.values)
    video = course.modules.first().lessons.first().blocks.get(kind="video")
    assert video.video_file.name.endswith(".webm")
    assert video.duration > 0
    assert set(video.captions.values_list("language", flat=True)) == {"en", "fr", "es"}
    assert course.modules.filter(lessons__blocks__kind="infographic").distinct().count() == 8


def test_demo_loading_twice_changes_nothing(demo_loaded, capsys):
    models = (Voice, ListeningSession, Person, City, Conversation, Course)
    counts = [m.objects.count() for m in models]
    call_command("demo")
    assert "nothing changed" in capsys.readouterr().out
    assert [m.objects.count() for m in models] == counts
