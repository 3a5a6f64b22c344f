"""Progress events sent in batches by the player: watched intervals and quiz answers queued in
the page and sent together every few seconds (and with ``navigator.sendBeacon`` when the page
is left).

Each event carries an id made by the page (a UUID). Every event is checked first; the valid
ones are then applied together in one transaction, and each is recorded as a learning event
under its id, so an event sent twice (a retry, or a beacon racing the last request) counts
once. An invalid event is reported with its index and reason and changes nothing; the others
are still applied.

    {"events": [
        {"id": "…uuid…", "type": "video", "block": 12, "intervals": [[0, 9.5]], "position": 9.5},
        {"id": "…uuid…", "type": "answer", "attempt": 7, "question": 31, "value": 104}
    ]}
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from listening.learning.models import (
    Attempt,
    Block,
    BlockKind,
    Learner,
    LearningEvent,
    Question,
    Response,
)
from listening.learning.services.progress import video_intervals_add, video_intervals_checked
from listening.learning.services.quizzes import checked_value
from listening.learning.video import is_complete

MAX_EVENTS_PER_BATCH = 100
VIDEO = "video"
ANSWER = "answer"


@dataclass
class BatchResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"index", "id", "error"}
    videos: dict[int, dict[str, Any]] = field(default_factory=dict)  # block id → state

    def as_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "videos": {str(k): v for k, v in self.videos.items()},
        }


@dataclass
class _Video:
    index: int
    id: uuid.UUID
    block: Block
    intervals: list[list[float]]
    position: float


@dataclass
class _Answer:
    index: int
    id: uuid.UUID
    attempt_id: int
    question_id: int
    value: Any


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(_("“%(field)s” must be a positive whole number.") % {"field": name})
    return int(value)


def _event_id(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ValidationError(_("“id” must be a UUID made by the page.")) from None


def events_record(
    *, learner: Learner, events: Any, blocks: dict[int, Block] | None = None
) -> BatchResult:
    """Check and apply a batch of progress events for one learner (see the module's doc).

    ``blocks`` are the video blocks this learner may report on, by id (the view passes the
    published ones); when None, any video block may be reported on.
    """
    if not isinstance(events, list) or not events:
        raise ValidationError({"events": _("Send a non-empty list of events.")})
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise ValidationError(
            {"events": _("Send at most %(n)d events at once.") % {"n": MAX_EVENTS_PER_BATCH}}
        )
    result = BatchResult()
    checked: list[tuple[int, Any, dict[str, Any]]] = []
    for index, event in enumerate(events):
        try:
            if not isinstance(event, dict):
                raise ValidationError(_("Each event is a JSON object."))
            checked.append((index, _event_id(event.get("id")), event))
        except ValidationError as exc:
            result.rejected.append({"index": index, "id": None, "error": " ".join(exc.messages)})
    if blocks is None:
        block_ids = {e.get("block") for _i, _id, e in checked if e.get("type") == VIDEO} - {None}
        blocks = {
            b.pk: b
            for b in Block.objects.filter(
                pk__in=[b for b in block_ids if isinstance(b, int)], kind=BlockKind.VIDEO
            ).select_related("lesson__module")
        }
    with transaction.atomic():
        attempt_ids = {
            e.get("attempt")
            for _i, _id, e in checked
            if e.get("type") == ANSWER and isinstance(e.get("attempt"), int)
        }
        attempts = {
            a.pk: a
            for a in Attempt.objects.select_for_update(of=("self",))
            .filter(pk__in=attempt_ids, learner=learner)
            .select_related("quiz__block__lesson__module")
        }
        question_ids = {
            e.get("question")
            for _i, _id, e in checked
            if e.get("type") == ANSWER and isinstance(e.get("question"), int)
        }
        questions = {
            q.pk: q
            for q in Question.objects.filter(pk__in=question_ids).prefetch_related("answers")
        }
        videos: list[_Video] = []
        answers: list[_Answer] = []
        for index, event_id, event in checked:
            try:
                kind = event.get("type")
                if kind == VIDEO:
                    block = blocks.get(_positive_int(event.get("block"), "block"))
                    if block is None:
                        raise ValidationError(_("No such video."))
                    intervals, position = video_intervals_checked(
                        block=block,
                        intervals=event.get("intervals", []),
                        position=event.get("position", 0.0),
                    )
                    videos.append(_Video(index, event_id, block, intervals, position))
                elif kind == ANSWER:
                    attempt = attempts.get(_positive_int(event.get("attempt"), "attempt"))
                    if attempt is None:
                        raise ValidationError(_("No such attempt of yours."))
                    if attempt.submitted_at is not None:
                        raise ValidationError(
                            _("This attempt has been submitted: answers are final.")
                        )
                    question_id = _positive_int(event.get("question"), "question")
                    if question_id not in attempt.question_ids or question_id not in questions:
                        raise ValidationError(_("This question is not part of the attempt."))
                    value = checked_value(questions[question_id], event.get("value"))
                    answers.append(_Answer(index, event_id, attempt.pk, question_id, value))
                else:
                    raise ValidationError(_("“type” must be “video” or “answer”."))
            except ValidationError as exc:
                result.rejected.append(
                    {"index": index, "id": str(event_id), "error": " ".join(exc.messages)}
                )
        # Record the valid events first: the ids already recorded (an earlier or concurrent
        # copy of the same event) are duplicates, and only the others are applied.
        new = _record_new(
            [_answered(learner, attempts[a.attempt_id], a) for a in answers]
            + [_progressed(learner, v) for v in videos]
        )
        fresh_answers = [a for a in answers if a.id in new]
        fresh_videos = [v for v in videos if v.id in new]
        _apply_answers(fresh_answers)
        _apply_videos(learner, fresh_videos, result)
        result.accepted = len(fresh_answers) + len(fresh_videos)
        result.duplicates = len(answers) + len(videos) - result.accepted
    result.rejected.sort(key=lambda rejected: rejected["index"])
    return result


_EVENT_FIELDS = ("learner", "verb", "block", "lesson", "module", "course", "result", "uuid")


def _record_new(events: list[LearningEvent]) -> set[uuid.UUID]:
    """Insert the events whose id is not yet recorded, in one statement; the ids inserted.
    (A second copy of an id within ``events`` is dropped by the database too.)"""
    if not events:
        return set()
    now = timezone.now()
    fields: list[Field[Any, Any]] = [
        field
        for name in (*_EVENT_FIELDS, "timestamp")
        if isinstance(field := LearningEvent._meta.get_field(name), Field)
    ]
    columns = [str(field.column) for field in fields]
    rows: list[str] = []
    params: list[Any] = []
    seen: set[uuid.UUID] = set()
    for event in events:
        if event.uuid in seen:
            continue
        seen.add(event.uuid)
        event.timestamp = now
        rows.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        params += [
            field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields
        ]
    quote = connection.ops.quote_name
    key = quote(str(LearningEvent._meta.get_field("uuid").column))
    sql = (
        f"INSERT INTO {quote(LearningEvent._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}) VALUES {', '.join(rows)} "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
            for (value,) in cursor.fetchall()
        }


def _apply_answers(answers: list[_Answer]) -> None:
    """One upsert for every answer of the batch; the last one per question wins."""
    latest = {(a.attempt_id, a.question_id): a for a in answers}
    if not latest:
        return
    Response.objects.bulk_create(
        [
            Response(attempt_id=a.attempt_id, question_id=a.question_id, value=a.value)
            for a in latest.values()
        ],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["value", "updated_at"],
    )


def _apply_videos(learner: Learner, videos: list[_Video], result: BatchResult) -> None:
    """One upsert per video of the batch, with the intervals of all its events."""
    by_block: dict[int, list[_Video]] = {}
    for event in videos:
        by_block.setdefault(event.block.pk, []).append(event)
    for events in by_block.values():
        block = events[0].block
        progress = video_intervals_add(
            learner=learner,
            block=block,
            watched=[interval for event in events for interval in event.intervals],
            position=events[-1].position,
        )
        result.videos[block.pk] = {
            "watched": round(progress.watched, 2),
            "duration": block.duration,
            "complete": is_complete(progress.intervals, block.duration or 0.0),
        }


def _progressed(learner: Learner, event: _Video) -> LearningEvent:
    lesson = event.block.lesson
    return LearningEvent(
        learner=learner,
        verb=LearningEvent.Verb.PROGRESSED,
        block=event.block,
        lesson=lesson,
        module_id=lesson.module_id,
        course_id=lesson.module.course_id,
        result={"intervals": event.intervals, "position": event.position},
        uuid=event.id,
    )


def _answered(learner: Learner, attempt: Attempt, event: _Answer) -> LearningEvent:
    block = attempt.quiz.block
    return LearningEvent(
        learner=learner,
        verb=LearningEvent.Verb.ANSWERED,
        block=block,
        lesson=block.lesson,
        module_id=block.lesson.module_id,
        course_id=block.lesson.module.course_id,
        result={"attempt": attempt.number, "question": event.question_id},
        uuid=event.id,
    )
