"""Live rooms API: join, read the room, ask, upvote, answer a poll.

Participant endpoints take ``Authorization: Bearer <token>`` from joining (no cookies, so no
CSRF). Live events arrive on the WebSocket ``/ws/live/<code>/``; this API is also the fallback
that screens poll when WebSockets are not available.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictInt

from listening.api.common import bearer_token
from listening.api.schemas import Id, InputSchema
from listening.live import selectors, services
from listening.live.models import LiveParticipant, LiveRoom
from listening.places.models import City

router = Router(tags=["live"])


class Detail(Schema):
    detail: str


class LiveJoinIn(InputSchema):
    city: Id | None = None
    kind: str = ""


class LiveTokenOut(Schema):
    token: str


class LiveQuestionIn(InputSchema):
    text: str


class LiveQuestionOut(Schema):
    id: int
    text: str
    status: str
    upvotes: int
    answered: bool
    created_at: str


class LiveUpvoteOut(Schema):
    question: int
    upvotes: int
    created: bool


class LiveAnswerIn(InputSchema):
    choice: StrictInt


class LiveChoiceOut(Schema):
    index: int
    label: str
    count: int


class LivePollOut(Schema):
    id: int
    text: str
    kind: str
    status: str
    choices: list[LiveChoiceOut]
    total: int


class LiveRoomOut(Schema):
    code: str
    session: str
    is_open: bool
    premoderate: bool
    current: LiveQuestionOut | None
    questions: list[LiveQuestionOut]
    poll: LivePollOut | None


def _room(code: str) -> LiveRoom:
    try:
        return selectors.room_get(code)
    except LiveRoom.DoesNotExist:
        raise HttpError(404, "No live room has this code.") from None


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _participant(request: HttpRequest, room: LiveRoom) -> LiveParticipant:
    participant = selectors.participant_by_token(room=room, token=bearer_token(request))
    if participant is None:
        raise HttpError(401, "This token is malformed or unknown in this live room.")
    return participant


@router.get(
    "/{code}", response={200: LiveRoomOut, 404: Detail}, url_name="live_room", summary="A live room"
)
def room_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return selectors.room_state(_room(code))


@router.post(
    "/{code}/participants",
    response={201: LiveTokenOut, 404: Detail, 409: Detail, 413: Detail, 422: Detail, 429: Detail},
    summary="Join a live room: returns a participant token",
)
def participant_join(
    request: HttpRequest, code: str, payload: LiveJoinIn | None = None
) -> Status[dict[str, Any]]:
    room = _room(code)
    data = payload or LiveJoinIn()
    city = None
    if data.city is not None:
        city = City.objects.filter(pk=data.city).first()
        if city is None:
            raise HttpError(422, "city: there is no city with this id.")
    _participant_obj, token = services.participant_join(
        room=room, city=city, kind=data.kind, ip=_ip(request)
    )
    return Status(201, {"token": token})


@router.post(
    "/{code}/questions",
    response={
        201: LiveQuestionOut,
        401: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Ask a question",
)
def question_ask(
    request: HttpRequest, code: str, payload: LiveQuestionIn
) -> Status[dict[str, Any]]:
    room = _room(code)
    question = services.question_ask(
        participant=_participant(request, room), text=payload.text, ip=_ip(request)
    )
    return Status(201, selectors.question_json(question))


@router.post(
    "/{code}/questions/{question_id}/upvote",
    response={
        200: LiveUpvoteOut,
        401: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Upvote a question (once per participant)",
)
def question_upvote(request: HttpRequest, code: str, question_id: int) -> dict[str, Any]:
    room = _room(code)
    question, created = services.question_upvote(
        participant=_participant(request, room), question_id=question_id, ip=_ip(request)
    )
    return {"question": question.pk, "upvotes": question.upvote_count, "created": created}


@router.post(
    "/{code}/polls/{poll_id}/answers",
    response={
        200: LivePollOut,
        401: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Answer the open poll (answering again changes the answer)",
)
def poll_answer(
    request: HttpRequest, code: str, poll_id: int, payload: LiveAnswerIn
) -> dict[str, Any]:
    room = _room(code)
    answer = services.poll_answer(
        participant=_participant(request, room),
        poll_id=poll_id,
        choice=payload.choice,
        ip=_ip(request),
    )
    return selectors.poll_json(answer.poll)
