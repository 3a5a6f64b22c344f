import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from listening.learning.models import (
    Attempt,
    BlockCompletion,
    Certificate,
    Learner,
    ModuleCompletion,
    QuestionType,
)
from listening.learning.services import attempt_start
from tests.learning.factories import (
    VTT,
    AnswerFactory,
    CaptionFactory,
    LearnerFactory,
    LessonFactory,
    QuestionFactory,
    QuizFactory,
    TextBlockFactory,
    VideoBlockFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db


def start(client, quiz):
    response = client.post(reverse("learning:quiz_start", args=[quiz.block_id]))
    assert response.status_code == 302
    return Attempt.objects.order_by("-pk").first()


def test_course_page_lists_modules_and_lessons(client):
    lesson = LessonFactory(title="Shade in every street")
    response = client.get(lesson.module.course.get_absolute_url())
    assert response.status_code == 200
    assert "Shade in every street" in response.text
    assert lesson.module.title in response.text


def test_unpublished_course_is_hidden_from_learners(client):
    lesson = LessonFactory(module__course__is_published=False)
    assert client.get(lesson.module.course.get_absolute_url()).status_code == 404
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_staff_author_previews_an_unpublished_lesson(admin_client):
    lesson = LessonFactory(module__course__is_published=False)
    TextBlockFactory(lesson=lesson, body="Draft text")
    response = admin_client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    assert "Draft text" in response.text


def test_lesson_page_renders_markdown_and_strips_scripts(client):
    block = TextBlockFactory(body="**Bold** <script>alert(1)</script> <a href='javascript:x'>a</a>")
    response = client.get(block.lesson.get_absolute_url())
    assert "<strong>Bold</strong>" in response.text
    assert "alert(1)" not in response.text
    assert "javascript:" not in response.text


def test_lesson_page_shows_captions_and_transcript_beside_the_video(client):
    caption = CaptionFactory(language="en")
    CaptionFactory(block=caption.block, language="fr")
    response = client.get(caption.block.lesson.get_absolute_url())
    assert '<track kind="captions" srclang="en"' in response.text
    assert 'srclang="fr"' in response.text
    assert "Cities are listening." in response.text
    vtt = client.get(reverse("learning:captions", args=[caption.block_id, "en"]))
    assert b"".join(vtt.streaming_content).decode() == VTT


def test_first_visit_creates_an_anonymous_learner_with_a_cookie(client):
    block = TextBlockFactory()
    response = client.get(block.lesson.get_absolute_url())
    assert "learner" in response.cookies
    assert BlockCompletion.objects.filter(block=block).count() == 1
    client.get(block.lesson.get_absolute_url())
    assert Learner.objects.count() == 1


def test_quiz_page_never_contains_fractions_or_feedback_before_submission(client):
    quiz = QuizFactory()
    question = QuestionFactory(quiz=quiz, type=QuestionType.SHORT_ANSWER)
    AnswerFactory(question=question, text="Daejeon", fraction=100, feedback="SECRET-FEEDBACK")
    numerical = QuestionFactory(quiz=quiz, type=QuestionType.NUMERICAL)
    AnswerFactory(question=numerical, value=2022.0, fraction=100, feedback="NUMERIC-SECRET")
    client.get(quiz.block.lesson.get_absolute_url())
    attempt = start(client, quiz)
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).text
    assert "Daejeon" not in page
    assert "SECRET-FEEDBACK" not in page
    assert "2022" not in page
    assert "NUMERIC-SECRET" not in page


def test_another_learner_cannot_read_or_change_an_attempt(client):
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    attempt = attempt_start(learner=LearnerFactory(), quiz=quiz)
    client.get(quiz.block.lesson.get_absolute_url())  # this browser is another learner
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 403
    answer = client.post(
        reverse("learning:attempt_answer", args=[attempt.pk]),
        {"question": question.pk, f"q{question.pk}": question.answers.first().pk},
    )
    assert answer.status_code == 403
    submit = client.post(reverse("learning:attempt_submit", args=[attempt.pk]))
    assert submit.status_code == 403
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert not attempt.responses.exists()


def test_answers_are_saved_one_by_one_then_submitted(client):
    quiz = QuizFactory(passing_score=100, shuffle_options=False)
    choice = single_choice_question(quiz)
    multi = QuestionFactory(quiz=quiz, type=QuestionType.MULTIPLE_CHOICE)
    a = AnswerFactory(question=multi, fraction=50)
    b = AnswerFactory(question=multi, fraction=50)
    AnswerFactory(question=multi, fraction=-100)
    matching = QuestionFactory(quiz=quiz, type=QuestionType.MATCHING)
    p1 = AnswerFactory(question=matching, text="Durban", match="Town Hall", fraction=100)
    p2 = AnswerFactory(question=matching, text="Daejeon", match="Summit", fraction=100)
    attempt = start(client, quiz)
    url = reverse("learning:attempt_answer", args=[attempt.pk])
    right = choice.answers.get(fraction=100).pk
    assert client.post(url, {"question": choice.pk, f"q{choice.pk}": right}).json() == {
        "saved": True
    }
    client.post(url, {"question": multi.pk, f"q{multi.pk}": [a.pk, b.pk]})
    client.post(
        url,
        {
            "question": matching.pk,
            f"q{matching.pk}-{p1.pk}": "Town Hall",
            f"q{matching.pk}-{p2.pk}": "Summit",
        },
    )
    # the learner leaves and comes back: the page shows what was saved
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).text
    assert re.search(rf'value="{right}"\s+checked', page)
    response = client.post(reverse("learning:attempt_submit", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100.0
    assert attempt.passed
    result = client.get(reverse("learning:attempt", args=[attempt.pk])).text
    assert "Passed" in result
    assert "Right." in result  # per-answer feedback, after submission


def test_bad_answer_gets_a_clear_message_not_an_error_page(client):
    quiz = QuizFactory()
    question = QuestionFactory(quiz=quiz, type=QuestionType.NUMERICAL)
    AnswerFactory(question=question, value=3, fraction=100)
    attempt = start(client, quiz)
    response = client.post(
        reverse("learning:attempt_answer", args=[attempt.pk]),
        {"question": question.pk, f"q{question.pk}": "three"},
    )
    assert response.status_code == 400
    assert "Write a number" in response.json()["error"]


def test_submission_sent_twice_counts_once(client):
    quiz = QuizFactory(attempts_allowed=2)
    question = single_choice_question(quiz)
    attempt = start(client, quiz)
    right = question.answers.get(fraction=100).pk
    client.post(reverse("learning:attempt_submit", args=[attempt.pk]), {f"q{question.pk}": right})
    client.post(reverse("learning:attempt_submit", args=[attempt.pk]), {f"q{question.pk}": ""})
    attempt.refresh_from_db()
    assert attempt.score == 100.0
    assert Attempt.objects.count() == 1


def test_video_progress_endpoint_records_intervals_and_reports_completion(client):
    video = VideoBlockFactory(duration=20)
    url = reverse("learning:video_progress", args=[video.pk])
    seek = client.post(
        url, json.dumps({"intervals": [[0, 1], [19, 20]], "position": 20}), "application/json"
    )
    assert seek.json()["complete"] is False
    watched = client.post(
        url, json.dumps({"intervals": [[0, 19]], "position": 19}), "application/json"
    )
    assert watched.json() == {"watched": 20.0, "duration": 20.0, "complete": True}
    bad = client.post(url, "not json", "application/json")
    assert bad.status_code == 400


def test_resume_position_is_put_on_the_player(client):
    video = VideoBlockFactory(duration=100)
    url = reverse("learning:video_progress", args=[video.pk])
    client.post(url, json.dumps({"intervals": [[0, 42]], "position": 42}), "application/json")
    page = client.get(video.lesson.get_absolute_url()).text
    assert 'data-resume="42.0"' in page


def test_anonymous_progress_is_kept_when_the_learner_signs_in(client):
    block = TextBlockFactory()
    quiz = QuizFactory(block__lesson=block.lesson, passing_score=50)
    question = single_choice_question(quiz)
    client.get(block.lesson.get_absolute_url())
    attempt = start(client, quiz)
    client.post(
        reverse("learning:attempt_submit", args=[attempt.pk]),
        {f"q{question.pk}": question.answers.get(fraction=100).pk},
    )
    user = get_user_model().objects.create_user("amina", password="pw-listening-123")
    client.force_login(user)
    client.get(block.module.course.get_absolute_url() if hasattr(block, "module") else
               block.lesson.module.course.get_absolute_url())  # fmt: skip
    learner = Learner.objects.get(user=user)
    assert ModuleCompletion.objects.filter(learner=learner).exists()
    assert Attempt.objects.get(pk=attempt.pk).learner == learner
    # the attempt page still opens for the signed-in learner
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 200


def test_anonymous_progress_merges_into_an_existing_account(client):
    first, second = TextBlockFactory(), TextBlockFactory()
    user = get_user_model().objects.create_user("amina", password="pw-listening-123")
    client.force_login(user)
    client.get(first.lesson.get_absolute_url())
    client.logout()
    client.get(second.lesson.get_absolute_url())  # anonymous again, a new learner
    client.force_login(user)
    client.get(second.lesson.get_absolute_url())
    learner = Learner.objects.get(user=user)
    assert set(learner.completions.values_list("block_id", flat=True)) == {first.pk, second.pk}
    assert Learner.objects.count() == 1


def test_certificate_is_issued_after_the_course_and_verified_publicly(client):
    block = TextBlockFactory()
    course = block.lesson.module.course
    client.get(block.lesson.get_absolute_url())
    response = client.post(
        reverse("learning:certificate_request", args=[course.slug]), {"name": "Amina Diallo"}
    )
    certificate = Certificate.objects.get()
    assert response.url == reverse("learning:certificate", args=[certificate.code])
    page = client.__class__().get(reverse("learning:certificate", args=[certificate.code]))
    assert page.status_code == 200
    assert "Amina Diallo" in page.text
    assert course.title in page.text
    pdf = client.get(reverse("learning:certificate_pdf", args=[certificate.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_certificate_is_refused_before_the_course_is_complete(client):
    block = TextBlockFactory()
    TextBlockFactory(lesson=LessonFactory(module__course=block.lesson.module.course))
    client.get(block.lesson.get_absolute_url())
    client.post(
        reverse("learning:certificate_request", args=[block.lesson.module.course.slug]),
        {"name": "Amina"},
    )
    assert not Certificate.objects.exists()


def test_unknown_certificate_code_says_so(client):
    response = client.get(reverse("learning:certificate", args=["AAAA-BBBB-CCCC"]))
    assert response.status_code == 404
    assert "No certificate has the code" in response.text


def test_chart_is_served_as_svg_with_a_text_alternative(client):
    response = client.get(reverse("learning:chart", args=["sessions_per_axis"]))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "<desc" in response.text
    assert client.get(reverse("learning:chart", args=["nope"])).status_code == 404


def test_statistics_are_for_authors_only(client, admin_client):
    course = LessonFactory().module.course
    url = reverse("learning:statistics", args=[course.slug])
    assert client.get(url).status_code == 403
    assert admin_client.get(url).status_code == 200


def test_captions_upload_with_bad_webvtt_is_refused_naming_the_file():
    from django.core.exceptions import ValidationError

    caption = CaptionFactory.build(
        block=VideoBlockFactory(),
        file=ContentFile(b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBackwards\n", name="x.vtt"),
    )
    with pytest.raises(ValidationError) as error:
        caption.full_clean()
    assert "file" in error.value.message_dict


def test_chart_infographic_lists_its_values_in_a_table(client):
    from tests.factories import ListeningSessionFactory

    ListeningSessionFactory(axis="planet")
    block = TextBlockFactory(
        kind="infographic", body="", chart="sessions_per_axis", long_description="Bars."
    )
    page = client.get(block.lesson.get_absolute_url()).text
    assert reverse("learning:chart", args=["sessions_per_axis"]) in page
    assert re.search(r'<th scope="row">Planet</th><td>1</td>', page)


@pytest.mark.parametrize(
    ("language", "heading", "start"),
    [
        ("fr", "Votre progression", "Commencer le quiz"),
        ("es", "Su progreso", "Empezar el cuestionario"),
    ],
)
def test_course_pages_speak_french_and_spanish(client, language, heading, start):
    quiz = QuizFactory()
    single_choice_question(quiz)
    course = quiz.block.lesson.module.course
    assert heading in client.get(f"/{language}/learn/{course.slug}/").text
    assert start in client.get(f"/{language}/learn/lessons/{quiz.block.lesson.slug}/").text


def test_course_page_links_each_module_to_its_sessions(client):
    from tests.factories import ListeningSessionFactory

    lesson = LessonFactory()
    session = ListeningSessionFactory(title="Shade and safety in public space")
    lesson.module.sessions.add(session)
    page = client.get(lesson.module.course.get_absolute_url()).text
    assert "Shade and safety in public space" in page
    assert reverse("public:session", args=[session.slug]) in page


def test_course_page_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    course = LessonFactory().module.course
    for _ in range(5):
        LessonFactory(module__course=course)
    client.get(course.get_absolute_url())
    with django_assert_max_num_queries(10):
        client.get(course.get_absolute_url())


def test_local_video_is_served_with_byte_ranges(client):
    content = bytes(range(256)) * 4
    video = VideoBlockFactory(video_url="", video_file=ContentFile(content, name="v.webm"))
    url = reverse("learning:video_file", args=[video.pk])
    whole = client.get(url)
    assert b"".join(whole.streaming_content) == content
    assert whole["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == content[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert client.get(url, headers={"Range": "bytes=-10"}).content == content[-10:]
    assert client.get(url, headers={"Range": "bytes=5000-"}).status_code == 416


@pytest.mark.parametrize(
    ("text_format", "text", "shown"),
    [
        ("html", "Match each <b>place</b><script>alert(1)</script>", "<b>place</b>"),
        ("markdown", "Public space **belongs** to", "<strong>belongs</strong>"),
        ("plain", "Is 2 < 3 <b>true</b>?", "Is 2 &lt; 3 &lt;b&gt;true&lt;/b&gt;?"),
        ("moodle", "A <i>commons</i><img src=x onerror=alert(1)>", "A <i>commons</i>"),
    ],
)
def test_question_text_is_rendered_in_its_format_and_sanitised(client, text_format, text, shown):
    quiz = QuizFactory()
    question = single_choice_question(quiz)
    question.text, question.text_format = text, text_format
    question.save()
    attempt = start(client, quiz)
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).text
    assert shown in page
    assert "alert(1)" not in page


def test_parts_of_an_unpublished_course_are_hidden_from_learners(client, admin_client):
    quiz = QuizFactory(block__lesson__module__course__is_published=False)
    single_choice_question(quiz)
    caption = CaptionFactory(block__lesson=quiz.block.lesson)
    start_url = reverse("learning:quiz_start", args=[quiz.block_id])
    captions_url = reverse("learning:captions", args=[caption.block_id, "en"])
    assert client.post(start_url).status_code == 404
    assert client.get(captions_url).status_code == 404
    assert not Attempt.objects.exists()
    assert admin_client.post(start_url).status_code == 302  # an author previews it
    preview = admin_client.get(captions_url)
    assert b"".join(preview.streaming_content).startswith(b"WEBVTT")
    preview.close()


def test_lesson_page_shows_french_content_to_a_french_reader_and_falls_back_to_english(client):
    lesson = LessonFactory(title_en="Shade in every street", title_fr="Une ombre dans chaque rue")
    TextBlockFactory(
        lesson=lesson,
        title_en="What we heard",
        title_fr="Ce que nous avons entendu",
        body_en="Plant **trees**.",
        body_fr="Planter des **arbres**.",
    )
    TextBlockFactory(lesson=lesson, title_en="Only in English", body_en="Not translated yet.")
    french = client.get(f"/fr/learn/lessons/{lesson.slug}/").text
    assert "Une ombre dans chaque rue" in french
    assert "Ce que nous avons entendu" in french
    assert "Planter des <strong>arbres</strong>." in french
    assert "Only in English" in french and "Not translated yet." in french  # the fallback
    assert "Shade in every street" not in french
    english = Client().get(f"/learn/lessons/{lesson.slug}/").text
    assert "Shade in every street" in english and "Plant <strong>trees</strong>." in english
    assert "Planter" not in english
