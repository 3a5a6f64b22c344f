"""Every admin page of the learning app opens for an author (list, add, change)."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from listening.learning.models import Caption
from listening.learning.services import certificate_issue, lesson_view
from tests.learning import factories

pytestmark = pytest.mark.django_db


def _certificate():
    block = factories.TextBlockFactory()
    learner = factories.LearnerFactory()
    lesson_view(learner=learner, lesson=block.lesson)
    return certificate_issue(learner=learner, course=block.lesson.module.course, name="Amina")


MODEL_FACTORIES = {
    "course": factories.CourseFactory,
    "module": factories.ModuleFactory,
    "lesson": factories.LessonFactory,
    "block": factories.VideoBlockFactory,
    "quiz": factories.QuizFactory,
    "question": factories.QuestionFactory,
    "certificate": _certificate,
}


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label == "learning"],
    ids=lambda m: m._meta.label,
)
def test_admin_pages_open(admin_client, model):
    opts = model._meta
    obj = MODEL_FACTORIES[opts.model_name]()
    for url in (
        reverse(f"admin:learning_{opts.model_name}_changelist"),
        reverse(f"admin:learning_{opts.model_name}_changelist") + "?q=test",
        reverse(f"admin:learning_{opts.model_name}_change", args=[obj.pk]),
        reverse(f"admin:learning_{opts.model_name}_add"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_refuses_malformed_captions_with_a_message(admin_client):
    video = factories.VideoBlockFactory()
    url = reverse("admin:learning_block_change", args=[video.pk])
    data = {
        "lesson": video.lesson_id, "position": 0, "kind": "video", "title": "V",
        "video_url": video.video_url, "duration": "100",
        "captions-TOTAL_FORMS": "1", "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0", "captions-MAX_NUM_FORMS": "1000",
        "captions-0-language": "fr",
        "captions-0-file": SimpleUploadedFile("fr.vtt", b"00:00:01.000 --> 00:00:02.000\nHi\n"),
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Not a WebVTT file" in response.text
    assert not Caption.objects.exists()


def test_author_writes_a_lesson_in_each_language_in_the_admin(admin_client):
    module = factories.ModuleFactory()
    data = {
        "module": module.pk, "slug": "trees", "position": 0,
        "title_en": "Trees for shade", "title_fr": "Des arbres pour l’ombre",
        "title_es": "Árboles para la sombra", "summary_en": "Why and where.",
        "blocks-TOTAL_FORMS": "1", "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0", "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-position": "0", "blocks-0-kind": "text",
        "blocks-0-body_en": "Plant trees.", "blocks-0-body_fr": "Plantez des arbres.",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:learning_lesson_add"), data)
    assert response.status_code == 302, response.text
    lesson = module.lessons.get(slug="trees")
    assert (lesson.title_en, lesson.title_fr, lesson.title_es) == (
        "Trees for shade",
        "Des arbres pour l’ombre",
        "Árboles para la sombra",
    )
    block = lesson.blocks.get()
    assert (block.body_en, block.body_fr, block.body_es) == (
        "Plant trees.",
        "Plantez des arbres.",
        "",
    )
    form = admin_client.get(reverse("admin:learning_lesson_change", args=[lesson.pk])).text
    assert 'name="title_fr"' in form and 'name="blocks-0-body_es"' in form
