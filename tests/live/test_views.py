import pytest
from django.urls import reverse

from listening.live.models import LiveParticipant, PollStatus, Question, QuestionStatus
from tests.live.factories import LiveRoomFactory, PollFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_room_page_shows_shown_questions_escaped_and_never_hidden_ones(client):
    room = LiveRoomFactory()
    QuestionFactory(room=room, text="<b>Bold</b> question")
    QuestionFactory(room=room, status=QuestionStatus.HIDDEN, text="Secret hidden question")
    QuestionFactory(room=room, status=QuestionStatus.PENDING, text="Pending question")
    page = client.get(reverse("live:room", args=[room.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;b&gt;Bold&lt;/b&gt; question" in html
    assert "Secret hidden question" not in html
    assert "Pending question" not in html


def test_room_page_unknown_code_is_404_with_a_message(client):
    page = client.get(reverse("live:room", args=["NOPE99"]))
    assert page.status_code == 404


def test_enter_by_code_redirects_to_the_room(client):
    room = LiveRoomFactory()
    response = client.get(reverse("live:enter"), {"code": room.code.lower()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/live/{room.code}/")


def test_ask_without_javascript_joins_and_shows_the_question(client):
    room = LiveRoomFactory()
    response = client.post(
        reverse("live:ask", args=[room.code]), {"text": "Where will the new park be?"}
    )
    assert response.status_code == 302
    assert LiveParticipant.objects.filter(room=room).count() == 1
    page = client.get(reverse("live:room", args=[room.code]))
    assert "Where will the new park be?" in page.content.decode()
    # the same browser is the same participant
    client.post(reverse("live:ask", args=[room.code]), {"text": "And when will it open?"})
    assert LiveParticipant.objects.filter(room=room).count() == 1


def test_ask_empty_question_shows_the_form_error(client):
    room = LiveRoomFactory()
    response = client.post(reverse("live:ask", args=[room.code]), {"text": "   "})
    assert response.status_code == 422
    assert not Question.objects.exists()


def test_upvote_form_counts_once(client):
    question = QuestionFactory()
    url = reverse("live:upvote", args=[question.room.code])
    client.post(url, {"question": question.pk})
    client.post(url, {"question": question.pk})
    question.refresh_from_db()
    assert question.upvote_count == 1


def test_screen_shows_code_and_qr(client):
    room = LiveRoomFactory()
    page = client.get(reverse("live:screen", args=[room.code]))
    assert room.code in page.content.decode()
    qr = client.get(reverse("live:qr", args=[room.code]))
    assert qr["Content-Type"] == "image/svg+xml"
    # a standalone SVG file: an <img> shows nothing without the namespace
    assert b'xmlns="http://www.w3.org/2000/svg"' in qr.content


def test_moderate_requires_a_moderator(client, django_user_model):
    room = LiveRoomFactory()
    url = reverse("live:moderate", args=[room.code])
    assert client.get(url).status_code == 302  # to the sign-in page
    user = django_user_model.objects.create_user("someone", password="pw")
    client.force_login(user)
    assert client.get(url).status_code == 404


def test_moderate_approve_pin_and_poll(client, admin_user):
    room = LiveRoomFactory(premoderate=True)
    question = QuestionFactory(room=room, status=QuestionStatus.PENDING)
    client.force_login(admin_user)
    url = reverse("live:moderate", args=[room.code])
    client.post(url, {"action": "approve", "questions": [question.pk]})
    client.post(url, {"action": "current", "question": question.pk})
    client.post(
        url,
        {
            "action": "poll_create",
            "text": "Which first?",
            "kind": "single_choice",
            "choices": "Parks\nBuses",
        },
    )
    poll = room.polls.get()
    client.post(url, {"action": "poll_open", "poll": poll.pk})
    room.refresh_from_db()
    poll.refresh_from_db()
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    assert room.current_question == question
    assert (poll.choices, poll.status) == (["Parks", "Buses"], PollStatus.OPEN)


def test_poll_answer_form_counts_the_answer(client):
    poll = PollFactory(status=PollStatus.OPEN)
    client.post(reverse("live:answer", args=[poll.room.code]), {"poll": poll.pk, "choice": 2})
    assert list(poll.answers.values_list("choice", flat=True)) == [2]


def test_session_page_archives_closed_rooms(client):
    room = LiveRoomFactory(is_open=False, session__status="published")
    QuestionFactory(room=room, text="Archived question", upvote_count=4)
    QuestionFactory(room=room, status=QuestionStatus.HIDDEN, text="Never archived")
    page = client.get(reverse("public:session", args=[room.session.slug]))
    html = page.content.decode()
    assert "Archived question" in html
    assert "Never archived" not in html


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Poser une question"), ("es", "Hacer una pregunta")]
)
def test_room_page_speaks_the_readers_language(client, language, text):
    room = LiveRoomFactory()
    page = client.get(f"/{language}/live/{room.code}/")
    assert text in page.content.decode()
