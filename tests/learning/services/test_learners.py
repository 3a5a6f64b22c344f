import pytest
from django.contrib.auth import get_user_model

from listening.learning.models import Attempt, Learner, VideoProgress
from listening.learning.services import (
    attempt_start,
    attempt_submit,
    learner_claim,
    learner_create,
    learner_for_token,
    video_progress_record,
)
from tests.learning.factories import (
    LearnerFactory,
    QuizFactory,
    VideoBlockFactory,
    single_choice_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("amina", password="pw-listening-123")


def test_learner_token_is_stored_only_as_a_hash():
    learner, token = learner_create()
    assert token not in learner.token_hash
    assert learner_for_token(token) == learner
    assert learner_for_token(token + "x") is None


def test_claim_by_a_new_account_keeps_the_same_learner(user):
    learner, _token = learner_create()
    claimed = learner_claim(learner=learner, user=user)
    assert claimed.pk == learner.pk
    assert claimed.user == user
    assert claimed.token_hash is None


def test_claim_into_an_existing_account_merges_progress(user):
    quiz = QuizFactory(attempts_allowed=0)
    single_choice_question(quiz)
    video = VideoBlockFactory(duration=100)
    mine = LearnerFactory(user=user, token_hash=None)
    attempt_submit(attempt=attempt_start(learner=mine, quiz=quiz))
    mine_open = attempt_start(learner=mine, quiz=quiz)
    video_progress_record(learner=mine, block=video, intervals=[[0, 50]], position=50)

    anonymous = LearnerFactory()
    attempt_submit(attempt=attempt_start(learner=anonymous, quiz=quiz))
    attempt_start(learner=anonymous, quiz=quiz)  # open on both sides: the account's is kept
    video_progress_record(learner=anonymous, block=video, intervals=[[40, 95]], position=95)

    merged = learner_claim(learner=anonymous, user=user)
    assert merged == mine
    assert not Learner.objects.filter(pk=anonymous.pk).exists()
    attempts = Attempt.objects.filter(learner=mine).order_by("number")
    assert [a.number for a in attempts] == [1, 2, 3]
    assert attempts.filter(submitted_at__isnull=True).get() == mine_open
    progress = VideoProgress.objects.get(learner=mine, block=video)
    assert progress.intervals == [[0.0, 95.0]]
    assert progress.watched == 95.0
    assert video.completions.filter(learner=mine).exists()


def test_claiming_twice_changes_nothing(user):
    learner, _token = learner_create()
    first = learner_claim(learner=learner, user=user)
    assert learner_claim(learner=first, user=user) == first
    assert Learner.objects.count() == 1
