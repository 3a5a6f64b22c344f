import pytest
from django.core.exceptions import ValidationError

from listening.live import services
from listening.live.models import CODE_ALPHABET, PollKind, PollStatus, QuestionStatus, Upvote
from listening.voices.models import VoiceStatus
from tests.factories import CityFactory, ListeningSessionFactory
from tests.live.factories import (
    LiveParticipantFactory,
    LiveRoomFactory,
    PollFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


def test_room_open_gives_a_short_unambiguous_code():
    room = services.room_open(session=ListeningSessionFactory(), premoderate=True)
    assert len(room.code) == 6
    assert set(room.code) <= set(CODE_ALPHABET)
    assert room.premoderate and room.is_open


def test_question_ask_open_room_is_shown_at_once(
    captured_events, django_capture_on_commit_callbacks
):
    participant = LiveParticipantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(participant=participant, text="  Who pays   for it? ")
    assert question.text == "Who pays for it?"
    assert question.status == QuestionStatus.APPROVED
    groups = {group for group, payload in captured_events if payload["type"] == "question"}
    assert f"live.{participant.room.code}" in groups


def test_question_ask_premoderated_reaches_moderators_only(
    captured_events, django_capture_on_commit_callbacks
):
    participant = LiveParticipantFactory(room=LiveRoomFactory(premoderate=True))
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(participant=participant, text="A question to review")
    assert question.status == QuestionStatus.PENDING
    assert captured_events == [
        (f"live.{participant.room.code}.mod", captured_events[0][1]),
    ]
    assert captured_events[0][1]["type"] == "pending"


@pytest.mark.parametrize("text", ["", "   ", "x" * 301])
def test_question_ask_empty_or_overlong_is_refused(text):
    participant = LiveParticipantFactory()
    with pytest.raises(services.LiveError) as error:
        services.question_ask(participant=participant, text=text)
    assert error.value.status_code == 422


def test_question_ask_closed_room_is_refused():
    participant = LiveParticipantFactory(room=LiveRoomFactory(is_open=False))
    with pytest.raises(services.RoomClosed):
        services.question_ask(participant=participant, text="Too late?")


def test_question_upvote_counts_once_per_participant():
    question = QuestionFactory()
    voter = LiveParticipantFactory(room=question.room)
    _first, created = services.question_upvote(participant=voter, question_id=question.pk)
    again, created_again = services.question_upvote(participant=voter, question_id=question.pk)
    assert (created, created_again) == (True, False)
    assert again.upvote_count == 1
    assert Upvote.objects.filter(question=question).count() == 1


def test_question_upvote_hidden_or_other_room_is_not_found():
    hidden = QuestionFactory(status=QuestionStatus.HIDDEN)
    voter = LiveParticipantFactory(room=hidden.room)
    other_room_question = QuestionFactory()
    for question_id in (hidden.pk, other_room_question.pk, "1", True):
        with pytest.raises(services.LiveError) as error:
            services.question_upvote(participant=voter, question_id=question_id)
        assert error.value.status_code == 404


def test_questions_moderate_hide_removes_it_from_screens_and_unpins(
    captured_events, django_capture_on_commit_callbacks
):
    question = QuestionFactory()
    room = question.room
    services.room_set_current(room=room, question=question)
    with django_capture_on_commit_callbacks(execute=True):
        services.questions_moderate(room=room, question_ids=[question.pk], action="hide")
    room.refresh_from_db()
    assert room.current_question is None
    audience = [p for g, p in captured_events if g == f"live.{room.code}"]
    assert {"type": "question_removed", "id": question.pk} in audience
    assert all(p.get("type") != "pending" for p in audience)


def test_question_merge_moves_upvotes_once():
    keep = QuestionFactory()
    room = keep.room
    duplicate = QuestionFactory(room=room)
    both = LiveParticipantFactory(room=room)
    only_duplicate = LiveParticipantFactory(room=room)
    services.question_upvote(participant=both, question_id=keep.pk)
    services.question_upvote(participant=both, question_id=duplicate.pk)
    services.question_upvote(participant=only_duplicate, question_id=duplicate.pk)
    merged = services.question_merge(room=room, duplicate=duplicate, into=keep)
    duplicate.refresh_from_db()
    # keep's own voter, the duplicate's other voter and the duplicate's author, each once
    assert merged.upvote_count == 3
    assert duplicate.status == QuestionStatus.HIDDEN and duplicate.merged_into == keep


def test_poll_answer_counts_once_and_can_change():
    poll = PollFactory(status=PollStatus.OPEN)
    participant = LiveParticipantFactory(room=poll.room)
    services.poll_answer(participant=participant, poll_id=poll.pk, choice=0)
    services.poll_answer(participant=participant, poll_id=poll.pk, choice=1)
    assert list(poll.answers.values_list("choice", flat=True)) == [1]


@pytest.mark.parametrize("choice", [3, -1, True, "1"])
def test_poll_answer_out_of_range_is_refused(choice):
    poll = PollFactory(status=PollStatus.OPEN)
    participant = LiveParticipantFactory(room=poll.room)
    with pytest.raises(services.LiveError) as error:
        services.poll_answer(participant=participant, poll_id=poll.pk, choice=choice)
    assert error.value.status_code == 422


def test_poll_open_closes_the_other_open_poll():
    room = LiveRoomFactory()
    first = services.poll_create(room=room, text="First?", kind=PollKind.AGREE_DISAGREE)
    second = services.poll_create(
        room=room, text="Which first?", kind=PollKind.SINGLE_CHOICE, choices=["Parks", "Buses"]
    )
    services.poll_open(poll=first)
    services.poll_open(poll=second)
    first.refresh_from_db()
    assert first.status == PollStatus.CLOSED
    assert second.status == PollStatus.OPEN


def test_poll_create_single_choice_needs_choices():
    with pytest.raises(services.LiveError, match="2 to 10 choices"):
        services.poll_create(
            room=LiveRoomFactory(), text="Which?", kind=PollKind.SINGLE_CHOICE, choices=["One"]
        )


def test_question_to_voice_keeps_city_and_kind_as_a_draft():
    city = CityFactory()
    question = QuestionFactory(author__city=city, author__kind="academic_expert")
    voice = services.question_to_voice(question=question)
    assert voice.text == question.text
    assert voice.session == question.room.session
    assert (voice.city, voice.speaker_kind, voice.status) == (
        city,
        "academic_expert",
        VoiceStatus.DRAFT,
    )


def test_question_to_voice_without_a_city_says_so():
    question = QuestionFactory()
    with pytest.raises(ValidationError, match="city"):
        services.question_to_voice(question=question)


def test_participant_join_unknown_kind_is_refused():
    with pytest.raises(services.LiveError, match="not a kind of stakeholder"):
        services.participant_join(room=LiveRoomFactory(), kind="astronaut")


def test_room_close_closes_polls_and_refuses_questions():
    poll = PollFactory(status=PollStatus.OPEN)
    services.room_close(room=poll.room)
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    participant = LiveParticipantFactory(room=poll.room)
    with pytest.raises(services.RoomClosed):
        services.question_ask(participant=participant, text="Still there?")
