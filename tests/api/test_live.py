import pytest

from listening.live.models import PollStatus, Question
from tests.live.factories import LiveRoomFactory, PollFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return LiveRoomFactory()


def _join(api, room):
    response = api.post(f"live/{room.code}/participants")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_live_api_join_ask_upvote_and_read(api, room):
    token = _join(api, room)
    asked = api.post(f"live/{room.code}/questions", {"text": "How will you fund it?"}, token=token)
    assert asked.status_code == 201
    question_id = asked.json()["id"]
    other = _join(api, room)
    upvoted = api.post(f"live/{room.code}/questions/{question_id}/upvote", token=other)
    again = api.post(f"live/{room.code}/questions/{question_id}/upvote", token=other)
    assert upvoted.json() == {"question": question_id, "upvotes": 1, "created": True}
    assert again.json() == {"question": question_id, "upvotes": 1, "created": False}
    state = api.get(f"live/{room.code.lower()}").json()
    assert [(q["text"], q["upvotes"]) for q in state["questions"]] == [("How will you fund it?", 1)]


def test_live_api_room_never_shows_pending_or_hidden(api):
    room = LiveRoomFactory(premoderate=True)
    QuestionFactory(room=room, status="pending", text="Pending <script>")
    QuestionFactory(room=room, status="hidden", text="Hidden")
    state = api.get(f"live/{room.code}").json()
    assert state["questions"] == []


def test_live_api_unknown_code_is_404(api):
    response = api.get("live/ZZZZZZ")
    assert response.status_code == 404
    assert "code" in response.json()["detail"]


def test_live_api_question_without_token_is_401(api, room):
    response = api.post(f"live/{room.code}/questions", {"text": "Hello?"})
    assert response.status_code == 401


@pytest.mark.parametrize(("text", "status"), [("", 422), ("x" * 301, 422)])
def test_live_api_bad_question_is_refused_with_detail(api, room, text, status):
    token = _join(api, room)
    response = api.post(f"live/{room.code}/questions", {"text": text}, token=token)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Question.objects.exists()


def test_live_api_closed_room_is_409(api):
    room = LiveRoomFactory()
    token = _join(api, room)
    room.is_open = False
    room.save()
    response = api.post(f"live/{room.code}/questions", {"text": "Late question"}, token=token)
    assert response.status_code == 409


def test_live_api_poll_answer_returns_results(api, room):
    poll = PollFactory(room=room, status=PollStatus.OPEN)
    token = _join(api, room)
    response = api.post(f"live/{room.code}/polls/{poll.pk}/answers", {"choice": 1}, token=token)
    assert response.status_code == 200
    counts = [c["count"] for c in response.json()["choices"]]
    assert counts == [0, 1, 0]


def test_live_api_poll_answer_boolean_is_not_a_choice(api, room):
    poll = PollFactory(room=room, status=PollStatus.OPEN)
    token = _join(api, room)
    response = api.post(f"live/{room.code}/polls/{poll.pk}/answers", {"choice": True}, token=token)
    assert response.status_code == 422


@pytest.mark.parametrize("text", ["nul \x00 byte", "lone \ud800 surrogate"])
def test_live_api_question_with_unstorable_text_is_422(api, room, text):
    token = _join(api, room)
    response = api.post(f"live/{room.code}/questions", {"text": text}, token=token)
    assert response.status_code == 422
    assert "text" in response.json()["detail"]
    assert not Question.objects.exists()
