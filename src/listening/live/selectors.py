"""Reads of live rooms: the room as a screen shows it, and participants by token."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from listening.conversations.tokens import token_hash, token_is_well_formed
from listening.live.models import (
    LiveParticipant,
    LiveRoom,
    Poll,
    PollKind,
    PollStatus,
    Question,
    QuestionStatus,
    Registration,
    RegistrationStatus,
)

TOP_QUESTIONS = 50


def room_get(code: str) -> LiveRoom:
    """The room with this code (any case); ``LiveRoom.DoesNotExist`` otherwise."""
    return LiveRoom.objects.select_related("session", "current_question").get(
        code=(code or "").strip().upper()[:12]
    )


def participant_by_token(*, room: LiveRoom, token: str) -> LiveParticipant | None:
    if not token or not token_is_well_formed(token):
        return None
    return LiveParticipant.objects.filter(room=room, token_hash=token_hash(token)).first()


def question_json(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "text": question.text,
        "status": question.status,
        "upvotes": question.upvote_count,
        "answered": question.is_answered,
        "created_at": question.created_at.isoformat(),
    }


def poll_choices(poll: Poll) -> list[str]:
    if poll.kind == PollKind.AGREE_DISAGREE:
        from django.utils.translation import gettext as _

        return [_("Agree"), _("Disagree"), _("Unsure")]
    return [str(c) for c in poll.choices]


def poll_json(poll: Poll) -> dict[str, Any]:
    counts = dict(
        poll.answers.values_list("choice").annotate(n=Count("id")).values_list("choice", "n")
    )
    choices = poll_choices(poll)
    return {
        "id": poll.pk,
        "text": poll.text,
        "kind": poll.kind,
        "status": poll.status,
        "choices": [
            {"index": i, "label": label, "count": counts.get(i, 0)}
            for i, label in enumerate(choices)
        ],
        "total": sum(counts.values()),
    }


def visible_questions(room: LiveRoom) -> list[Question]:
    """Approved questions, most upvoted first (the audience's and projector's list)."""
    return list(Question.objects.filter(room=room, status=QuestionStatus.APPROVED)[:TOP_QUESTIONS])


def open_poll(room: LiveRoom) -> Poll | None:
    return Poll.objects.filter(room=room, status=PollStatus.OPEN).order_by("-opened_at").first()


def room_state(room: LiveRoom) -> dict[str, Any]:
    """What every screen of the room shows: never a pending or hidden question."""
    current = room.current_question
    poll = open_poll(room)
    return {
        "code": room.code,
        "session": room.session.title,
        "is_open": room.is_open,
        "premoderate": room.premoderate,
        "current": question_json(current)
        if current is not None and current.status == QuestionStatus.APPROVED
        else None,
        "questions": [question_json(q) for q in visible_questions(room)],
        "poll": poll_json(poll) if poll is not None else None,
    }


def moderation_queue(room: LiveRoom) -> dict[str, list[Question]]:
    questions = Question.objects.filter(room=room, merged_into__isnull=True).order_by(
        "created_at", "id"
    )
    queue: dict[str, list[Question]] = {s.value: [] for s in QuestionStatus}
    for question in questions:
        queue[question.status].append(question)
    return queue


def room_polls(room: LiveRoom) -> list[Poll]:
    return list(Poll.objects.filter(room=room))


def session_archive(session_id: int) -> list[dict[str, Any]]:
    """Closed rooms of a session with their questions (upvotes, answered) and poll results."""
    rooms = LiveRoom.objects.filter(session_id=session_id, is_open=False).order_by("opened_at")
    archive = []
    for room in rooms:
        archive.append(
            {
                "room": room,
                "questions": [
                    question_json(q)
                    for q in Question.objects.filter(room=room, status=QuestionStatus.APPROVED)
                ],
                "polls": [
                    poll_json(p) for p in Poll.objects.filter(room=room).exclude(status="draft")
                ],
            }
        )
    return archive


def attendance_count(programme_id: int) -> int:
    return (
        Registration.objects.filter(session__programme_id=programme_id, attended=True)
        .exclude(status=RegistrationStatus.CANCELLED)
        .count()
    )
