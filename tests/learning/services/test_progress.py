import pytest
from django.core.exceptions import ValidationError

from listening.learning.models import (
    BlockCompletion,
    LearningEvent,
    LessonCompletion,
    ModuleCompletion,
)
from listening.learning.services import (
    attempt_start,
    attempt_submit,
    lesson_view,
    video_progress_record,
)
from tests.learning.factories import (
    LearnerFactory,
    LessonFactory,
    QuizFactory,
    TextBlockFactory,
    VideoBlockFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db


def test_seeking_to_the_end_does_not_complete_a_video():
    video = VideoBlockFactory(duration=100)
    learner = LearnerFactory()
    progress = video_progress_record(
        learner=learner, block=video, intervals=[[0, 5], [95, 100]], position=100
    )
    assert progress.watched == 10
    assert progress.position == 100
    assert not BlockCompletion.objects.filter(learner=learner, block=video).exists()


def test_video_completes_when_watched_intervals_cover_ninety_percent():
    video = VideoBlockFactory(duration=100)
    learner = LearnerFactory()
    video_progress_record(learner=learner, block=video, intervals=[[0, 50]], position=50)
    assert not BlockCompletion.objects.filter(learner=learner, block=video).exists()
    video_progress_record(learner=learner, block=video, intervals=[[40, 90]], position=90)
    assert BlockCompletion.objects.filter(learner=learner, block=video).exists()


def test_rewatching_the_same_part_adds_nothing():
    video = VideoBlockFactory(duration=100)
    learner = LearnerFactory()
    for _ in range(20):
        progress = video_progress_record(
            learner=learner, block=video, intervals=[[10, 30]], position=30
        )
    assert progress.watched == 20
    assert not BlockCompletion.objects.filter(learner=learner).exists()


def test_intervals_past_the_end_are_clipped_to_the_duration():
    video = VideoBlockFactory(duration=100)
    progress = video_progress_record(
        learner=LearnerFactory(), block=video, intervals=[[80, 500]], position=500
    )
    assert progress.watched == 20
    assert progress.position == 100


@pytest.mark.parametrize(
    "intervals", [[[5, 1]], [["a", 3]], [[1, 2, 3]], "0-100", [[-5, 10]], [[True, 10]]]
)
def test_malformed_intervals_are_refused_and_nothing_is_stored(intervals):
    video = VideoBlockFactory(duration=100)
    with pytest.raises(ValidationError):
        video_progress_record(
            learner=LearnerFactory(), block=video, intervals=intervals, position=0
        )
    assert not video.video_progress.exists()


def test_lesson_completes_when_every_block_does_and_module_when_every_lesson_does():
    lesson = LessonFactory()
    second_lesson = LessonFactory(module=lesson.module)
    TextBlockFactory(lesson=lesson)
    video = VideoBlockFactory(lesson=lesson, duration=10)
    quiz = QuizFactory(block__lesson=lesson)
    question = single_choice_question(quiz)
    TextBlockFactory(lesson=second_lesson)
    learner = LearnerFactory()

    lesson_view(learner=learner, lesson=lesson)
    video_progress_record(learner=learner, block=video, intervals=[[0, 10]], position=10)
    assert not LessonCompletion.objects.filter(learner=learner).exists()

    attempt = attempt_start(learner=learner, quiz=quiz)
    attempt_submit(attempt=attempt, answers={question.pk: question.answers.get(fraction=100).pk})
    assert LessonCompletion.objects.filter(learner=learner, lesson=lesson).exists()
    assert not ModuleCompletion.objects.filter(learner=learner).exists()

    lesson_view(learner=learner, lesson=second_lesson)
    assert ModuleCompletion.objects.filter(learner=learner, module=lesson.module).exists()
    completed = LearningEvent.objects.filter(learner=learner, verb="completed")
    assert completed.filter(module=lesson.module, lesson__isnull=True).count() == 1


def test_viewing_a_lesson_twice_completes_once():
    block = TextBlockFactory()
    learner = LearnerFactory()
    lesson_view(learner=learner, lesson=block.lesson)
    lesson_view(learner=learner, lesson=block.lesson)
    assert BlockCompletion.objects.filter(learner=learner).count() == 1
    assert LessonCompletion.objects.filter(learner=learner).count() == 1
