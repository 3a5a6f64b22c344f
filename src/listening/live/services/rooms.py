"""Live rooms: open and close, join, ask, upvote, moderate, polls.

Each service runs in one transaction and publishes what changed (``events.publish``) once it
commits. Upvotes and poll answers are unique per participant in the database, so reconnects
and double clicks count once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from listening.conversations import ratelimit
from listening.conversations.tokens import token_hash, token_new
from listening.live import events
from listening.live.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LiveParticipant,
    LiveRoom,
    Poll,
    PollAnswer,
    PollKind,
    PollStatus,
    Question,
    QuestionStatus,
    Upvote,
)
from listening.live.selectors import poll_choices, poll_json, question_json
from listening.people.models import PersonKind
from listening.places.models import City
from listening.programmes.models import ListeningSession
from listening.voices.models import Voice, VoiceKind, VoiceStatus
from listening.voices.services import voice_create

User = AbstractBaseUser | AnonymousUser


class LiveError(Exception):
    """A request the room cannot accept; the message is shown to the person as is."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class RoomClosed(LiveError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(_("This live room is closed: the session has ended."))


class LiveRateLimited(LiveError):
    status_code = 429

    def __init__(self, wait: int) -> None:
        super().__init__(
            _("Too many requests in a short time; please wait %(wait)d seconds and try again.")
            % {"wait": wait}
        )
        self.retry_after = wait


def _account(user: User | None) -> Any:
    return user if user is not None and user.is_authenticated else None


def _limit(scope: str, idents: Iterable[tuple[str, int]], window: int) -> None:
    for ident, limit in idents:
        wait = ratelimit.hit(scope, ident, limit=limit, window=window)
        if wait is not None:
            raise LiveRateLimited(wait)


def _open(room: LiveRoom) -> None:
    if not room.is_open:
        raise RoomClosed()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def room_open(
    *, session: ListeningSession, premoderate: bool = False, actor: User | None = None
) -> LiveRoom:
    """Open a live room for the session, with a fresh short code."""
    for _attempt in range(20):
        code = _new_code()
        if not LiveRoom.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover - 31^6 codes
        raise LiveError(_("No free room code was found; try again."))
    return LiveRoom.objects.create(
        session=session, code=code, premoderate=premoderate, opened_by=_account(actor)
    )


@transaction.atomic
def room_close(*, room: LiveRoom) -> LiveRoom:
    """Close the room: it takes no more questions, upvotes or answers, and is archived on the
    session page."""
    room.is_open = False
    room.closed_at = timezone.now()
    Poll.objects.filter(room=room, status=PollStatus.OPEN).update(status=PollStatus.CLOSED)
    room.save(update_fields=["is_open", "closed_at"])
    events.publish(room.code, {"type": "room", "is_open": False})
    return room


@transaction.atomic
def participant_join(
    *, room: LiveRoom, city: City | None = None, kind: str = "", ip: str = ""
) -> tuple[LiveParticipant, str]:
    """A new audience member and their raw token (only its hash is stored)."""
    _open(room)
    if kind and kind not in PersonKind.values:
        raise LiveError(
            _("%(value)s is not a kind of stakeholder; choose one of %(choices)s, or none.")
            % {"value": repr(kind), "choices": ", ".join(PersonKind.values)},
            status_code=422,
        )
    _limit(
        "live-join",
        [(ip and f"{room.pk}:ip{ip}", settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP)],
        3600,
    )
    token = token_new()
    participant = LiveParticipant.objects.create(
        room=room, token_hash=token_hash(token), city=city, kind=kind
    )
    return participant, token


def _question_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise LiveError(_("A question cannot be empty."), status_code=422)
    limit = settings.LIVE_QUESTION_MAX_LENGTH
    if len(text) > limit:
        raise LiveError(
            _("A question can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": limit, "length": len(text)},
            status_code=422,
        )
    return text


@transaction.atomic
def question_ask(*, participant: LiveParticipant, text: str, ip: str = "") -> Question:
    """Post a question: shown at once, or after a moderator approves it in a premoderated room."""
    room = participant.room
    _open(room)
    clean = _question_text(text)
    _limit(
        "live-question",
        [
            (f"p{participant.pk}", settings.RATELIMIT_LIVE_QUESTIONS_PER_HOUR),
            (ip and f"ip{ip}", settings.RATELIMIT_LIVE_QUESTIONS_PER_HOUR_IP),
        ],
        3600,
    )
    status = QuestionStatus.PENDING if room.premoderate else QuestionStatus.APPROVED
    question = Question.objects.create(room=room, author=participant, text=clean, status=status)
    if status == QuestionStatus.APPROVED:
        events.publish(room.code, {"type": "question", "question": question_json(question)})
    else:
        events.publish(
            room.code, {"type": "pending", "question": question_json(question)}, everyone=False
        )
    return question


def _visible_question(room: LiveRoom, question_id: object) -> Question:
    if isinstance(question_id, bool) or not isinstance(question_id, int):
        raise LiveError(_("There is no such question in this room."), status_code=404)
    question = (
        Question.objects.select_for_update()
        .filter(room=room, pk=question_id, status=QuestionStatus.APPROVED)
        .first()
    )
    if question is None:
        raise LiveError(_("There is no such question in this room."), status_code=404)
    return question


@transaction.atomic
def question_upvote(
    *, participant: LiveParticipant, question_id: object, ip: str = ""
) -> tuple[Question, bool]:
    """Upvote a shown question; a second upvote by the same participant changes nothing.

    Returns the question and whether this upvote was new."""
    room = participant.room
    _open(room)
    _limit(
        "live-upvote",
        [
            (f"p{participant.pk}", settings.RATELIMIT_VOTES_PER_MINUTE),
            (ip and f"ip{ip}", settings.RATELIMIT_VOTES_PER_MINUTE_IP),
        ],
        60,
    )
    question = _visible_question(room, question_id)
    try:
        with transaction.atomic():
            Upvote.objects.create(question=question, participant=participant)
    except IntegrityError:
        return question, False
    Question.objects.filter(pk=question.pk).update(upvote_count=F("upvote_count") + 1)
    question.refresh_from_db(fields=["upvote_count"])
    events.publish(
        room.code,
        {"type": "upvote", "question": {"id": question.pk, "upvotes": question.upvote_count}},
    )
    return question, True


MODERATION_ACTIONS = ("approve", "hide", "answer", "unanswer")


@transaction.atomic
def questions_moderate(
    *, room: LiveRoom, question_ids: Iterable[int], action: str, note: str = ""
) -> int:
    """Approve, hide, or mark questions answered (or not); returns how many changed."""
    if action not in MODERATION_ACTIONS:
        raise LiveError(
            _("%(action)s is not a moderation action: use approve, hide, answer or unanswer.")
            % {"action": repr(action)}
        )
    questions = list(
        Question.objects.select_for_update().filter(room=room, pk__in=set(question_ids))
    )
    for question in questions:
        if action == "approve":
            question.status = QuestionStatus.APPROVED
        elif action == "hide":
            question.status = QuestionStatus.HIDDEN
        else:
            question.is_answered = action == "answer"
            if note:
                question.answer_note = note
        question.save(update_fields=["status", "is_answered", "answer_note"])
        if question.status == QuestionStatus.APPROVED:
            events.publish(room.code, {"type": "question", "question": question_json(question)})
        else:
            events.publish(room.code, {"type": "question_removed", "id": question.pk})
            events.publish(
                room.code, {"type": "pending", "question": question_json(question)}, everyone=False
            )
    if action == "hide" and room.current_question_id in {q.pk for q in questions}:
        room_set_current(room=room, question=None)
    return len(questions)


@transaction.atomic
def question_merge(*, room: LiveRoom, duplicate: Question, into: Question) -> Question:
    """Fold a duplicate into another question: its upvoters count for the other one (once),
    and the duplicate is hidden."""
    if duplicate.pk == into.pk or duplicate.room_id != room.pk or into.room_id != room.pk:
        raise LiveError(_("Merge two different questions of this room."))
    if into.status == QuestionStatus.HIDDEN:
        raise LiveError(_("Merge into a question that is shown, not a hidden one."))
    voters = set(Upvote.objects.filter(question=into).values_list("participant_id", flat=True))
    moved = [
        Upvote(question=into, participant_id=pid)
        for pid in Upvote.objects.filter(question=duplicate).values_list(
            "participant_id", flat=True
        )
        if pid not in voters
    ]
    if duplicate.author_id and duplicate.author_id not in voters:
        moved.append(Upvote(question=into, participant_id=duplicate.author_id))
    Upvote.objects.bulk_create(moved, ignore_conflicts=True)
    into.upvote_count = Upvote.objects.filter(question=into).count()
    into.save(update_fields=["upvote_count"])
    duplicate.status = QuestionStatus.HIDDEN
    duplicate.merged_into = into
    duplicate.save(update_fields=["status", "merged_into"])
    events.publish(room.code, {"type": "question_removed", "id": duplicate.pk})
    if into.status == QuestionStatus.APPROVED:
        events.publish(room.code, {"type": "question", "question": question_json(into)})
    return into


@transaction.atomic
def room_set_current(*, room: LiveRoom, question: Question | None) -> LiveRoom:
    """Pin the question the leaders are answering now (None to clear it)."""
    if question is not None and (
        question.room_id != room.pk or question.status != QuestionStatus.APPROVED
    ):
        raise LiveError(_("Only a shown question of this room can be the current one."))
    room.current_question = question
    room.save(update_fields=["current_question"])
    events.publish(
        room.code,
        {"type": "current", "question": question_json(question) if question else None},
    )
    return room


@transaction.atomic
def poll_create(*, room: LiveRoom, text: str, kind: str, choices: Iterable[str] = ()) -> Poll:
    text = " ".join((text or "").split())
    if not text:
        raise LiveError(_("A poll needs a question."), status_code=422)
    if kind not in PollKind.values:
        raise LiveError(
            _("A poll is single choice or agree/disagree, not %(kind)s.") % {"kind": repr(kind)},
            status_code=422,
        )
    options = [" ".join(c.split()) for c in choices if c and c.strip()]
    if kind == PollKind.SINGLE_CHOICE and not 2 <= len(options) <= 10:
        raise LiveError(_("A single-choice poll needs 2 to 10 choices."), status_code=422)
    if kind == PollKind.AGREE_DISAGREE:
        options = []
    return Poll.objects.create(room=room, text=text[:300], kind=kind, choices=options)


@transaction.atomic
def poll_open(*, poll: Poll) -> Poll:
    """Push the poll to every screen; any other open poll of the room closes."""
    _open(poll.room)
    for other in Poll.objects.filter(room_id=poll.room_id, status=PollStatus.OPEN).exclude(
        pk=poll.pk
    ):
        poll_close(poll=other)
    poll.status = PollStatus.OPEN
    poll.opened_at = timezone.now()
    poll.save(update_fields=["status", "opened_at"])
    events.publish(poll.room.code, {"type": "poll", "poll": poll_json(poll)})
    return poll


@transaction.atomic
def poll_close(*, poll: Poll) -> Poll:
    poll.status = PollStatus.CLOSED
    poll.save(update_fields=["status"])
    events.publish(poll.room.code, {"type": "poll", "poll": poll_json(poll)})
    return poll


@transaction.atomic
def poll_answer(
    *, participant: LiveParticipant, poll_id: object, choice: object, ip: str = ""
) -> PollAnswer:
    """Answer the open poll; answering again changes the answer (one per participant)."""
    room = participant.room
    _open(room)
    _limit(
        "live-answer",
        [
            (f"p{participant.pk}", settings.RATELIMIT_VOTES_PER_MINUTE),
            (ip and f"ip{ip}", settings.RATELIMIT_VOTES_PER_MINUTE_IP),
        ],
        60,
    )
    poll = None
    if isinstance(poll_id, int) and not isinstance(poll_id, bool):
        poll = Poll.objects.filter(room=room, pk=poll_id).first()
    if poll is None:
        raise LiveError(_("There is no such poll in this room."), status_code=404)
    if poll.status != PollStatus.OPEN:
        raise LiveError(_("This poll is not open."), status_code=409)
    count = len(poll_choices(poll))
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < count:
        raise LiveError(
            _("Choose an answer between 0 and %(last)d.") % {"last": count - 1}, status_code=422
        )
    answer, _created = PollAnswer.objects.update_or_create(
        poll=poll, participant=participant, defaults={"choice": choice}
    )
    events.publish(room.code, {"type": "poll", "poll": poll_json(poll)})
    return answer


@transaction.atomic
def question_to_voice(
    *, question: Question, city: City | None = None, speaker_kind: str = "", language: str = "en"
) -> Voice:
    """Keep an audience question as an anonymous voice of the session (a draft to review).

    The city and kind of stakeholder come from what the participant said, unless given."""
    author = question.author
    city = city or (author.city if author else None)
    speaker_kind = speaker_kind or (author.kind if author else "") or PersonKind.RESIDENT
    return voice_create(
        session=question.room.session,
        text=question.text,
        language=language,
        kind=VoiceKind.QUOTE,
        speaker_kind=speaker_kind,
        city=city,
        status=VoiceStatus.DRAFT,
    )
