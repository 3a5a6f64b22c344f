"""The live WebSocket with Channels' test communicator and the in-memory channel layer."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from listening.live import services
from listening.live.models import QuestionStatus
from listening.live.routing import websocket_urlpatterns
from tests.live.factories import LiveParticipantFactory, LiveRoomFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter(websocket_urlpatterns)


def _connect(code, user=None):
    communicator = WebsocketCommunicator(application, f"/ws/live/{code}/")
    if user is not None:
        communicator.scope["user"] = user
    return communicator


def test_consumer_sends_the_room_state_on_connect(run_async):
    question = QuestionFactory()
    QuestionFactory(room=question.room, status=QuestionStatus.HIDDEN, text="Hidden one")

    async def scenario():
        communicator = _connect(question.room.code.lower())
        connected, _ = await communicator.connect()
        assert connected
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return message

    message = run_async(scenario())
    assert message["type"] == "state"
    assert [q["text"] for q in message["room"]["questions"]] == [question.text]


def test_consumer_unknown_code_is_refused(run_async):
    async def scenario():
        communicator = _connect("NOSUCH")
        connected, code = await communicator.connect()
        return connected, code

    connected, code = run_async(scenario())
    assert not connected
    assert code == 4404


def test_consumer_question_and_upvote_reach_every_screen(run_async):
    room = LiveRoomFactory()
    asker = LiveParticipantFactory(room=room)
    voter = LiveParticipantFactory(room=room)

    async def scenario():
        screens = [_connect(room.code), _connect(room.code)]
        for screen in screens:
            await screen.connect()
            await screen.receive_json_from(timeout=5)  # state
        question = await sync_to_async(services.question_ask)(
            participant=asker, text="Will the buses be free?"
        )
        await sync_to_async(services.question_upvote)(participant=voter, question_id=question.pk)
        received = []
        for screen in screens:
            received.append(
                [
                    await screen.receive_json_from(timeout=5),
                    await screen.receive_json_from(timeout=5),
                ]
            )
            await screen.disconnect()
        return question, received

    question, received = run_async(scenario())
    for events in received:
        assert events[0] == {"type": "question", "question": events[0]["question"]}
        assert events[0]["question"]["text"] == "Will the buses be free?"
        assert events[1] == {"type": "upvote", "question": {"id": question.pk, "upvotes": 1}}


def test_consumer_pending_question_reaches_moderators_only(django_user_model, run_async):
    room = LiveRoomFactory(premoderate=True)
    asker = LiveParticipantFactory(room=room)
    moderator = django_user_model.objects.create_superuser("mod", "mod@example.org", "pw")

    async def scenario():
        audience = _connect(room.code)
        moderators = _connect(room.code, user=moderator)
        for screen in (audience, moderators):
            await screen.connect()
            await screen.receive_json_from(timeout=5)
        await sync_to_async(services.question_ask)(participant=asker, text="Please review me")
        for_moderators = await moderators.receive_json_from(timeout=5)
        audience_got_nothing = await audience.receive_nothing(timeout=0.5)
        await audience.disconnect()
        await moderators.disconnect()
        return for_moderators, audience_got_nothing

    for_moderators, audience_got_nothing = run_async(scenario())
    assert for_moderators["type"] == "pending"
    assert for_moderators["question"]["text"] == "Please review me"
    assert audience_got_nothing
