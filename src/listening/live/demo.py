"""The demo programme's live town halls: an archived room with its questions and polls, and an
open one for an upcoming session (sample data; loaded by `listening demo`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from listening.conversations.tokens import token_hash, token_new
from listening.live.models import (
    LiveParticipant,
    LiveRoom,
    Poll,
    PollAnswer,
    PollStatus,
    Question,
    QuestionStatus,
    Upvote,
)
from listening.programmes.models import ListeningSession


@transaction.atomic
def load_live_rooms(data: dict[str, Any], sessions: dict[str, ListeningSession]) -> None:
    """Rooms are matched by code: loading twice changes nothing."""
    for entry in data["rooms"]:
        if LiveRoom.objects.filter(code=entry["code"]).exists():
            continue
        room = LiveRoom.objects.create(
            session=sessions[entry["session"]],
            code=entry["code"],
            premoderate=entry["premoderate"],
            is_open=not entry["closed"],
        )
        most = max(
            [q["upvotes"] for q in entry["questions"]]
            + [sum(p["answers"]) for p in entry["polls"]]
            + [1]
        )
        audience = LiveParticipant.objects.bulk_create(
            LiveParticipant(room=room, token_hash=token_hash(token_new())) for _ in range(most)
        )
        for q in entry["questions"]:
            question = Question.objects.create(
                room=room,
                text=q["text"],
                status=QuestionStatus.APPROVED,
                is_answered=q["answered"],
                upvote_count=q["upvotes"],
            )
            Upvote.objects.bulk_create(
                Upvote(question=question, participant=p) for p in audience[: q["upvotes"]]
            )
        for p in entry["polls"]:
            poll = Poll.objects.create(
                room=room,
                text=p["text"],
                kind=p["kind"],
                choices=p.get("choices", []),
                status=PollStatus.OPEN if p.get("open") else PollStatus.CLOSED,
            )
            voters = iter(audience)
            PollAnswer.objects.bulk_create(
                PollAnswer(poll=poll, participant=next(voters), choice=choice)
                for choice, count in enumerate(p["answers"])
                for _ in range(count)
            )
