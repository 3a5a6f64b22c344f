"""Progress, computed on the server in the same transaction as the event that causes it:
a block completes (text and infographics when the lesson is viewed, a video when ≥ 90 % of it
has been watched, a quiz when passed), a lesson when all its blocks have, a module when all
its lessons have."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from listening.learning import video
from listening.learning.models import (
    Block,
    BlockCompletion,
    BlockKind,
    Learner,
    LearningEvent,
    Lesson,
    LessonCompletion,
    Module,
    ModuleCompletion,
    VideoProgress,
)

MAX_INTERVALS_PER_EVENT = 200


def event_record(
    *,
    learner: Learner,
    verb: str,
    block: Block | None = None,
    lesson: Lesson | None = None,
    module: Module | None = None,
    result: dict[str, Any] | None = None,
) -> LearningEvent:
    if block is not None and lesson is None:
        lesson = block.lesson
    if lesson is not None and module is None:
        module = lesson.module
    return LearningEvent.objects.create(
        learner=learner,
        verb=verb,
        block=block,
        lesson=lesson,
        module=module,
        course_id=module.course_id if module is not None else None,
        result=result or {},
        uuid=uuid.uuid4(),
    )


def _create_once(model: type[Any], **fields: Any) -> bool:
    """Create the row unless it exists; True if this call created it."""
    if model.objects.filter(**fields).exists():
        return False
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False  # created by a concurrent request
    return True


def block_complete(*, learner: Learner, block: Block) -> bool:
    """Mark a block complete and roll completion up to its lesson and module."""
    with transaction.atomic():
        if not _create_once(BlockCompletion, learner=learner, block=block):
            return False
        event_record(learner=learner, verb=LearningEvent.Verb.COMPLETED, block=block)
        _roll_up(learner=learner, lesson=block.lesson)
        return True


def _roll_up(*, learner: Learner, lesson: Lesson) -> None:
    pending_blocks = lesson.blocks.exclude(completions__learner=learner)
    if pending_blocks.exists():
        return
    if not _create_once(LessonCompletion, learner=learner, lesson=lesson):
        return
    event_record(learner=learner, verb=LearningEvent.Verb.COMPLETED, lesson=lesson)
    module = lesson.module
    if module.lessons.exclude(completions__learner=learner).exists():
        return
    if _create_once(ModuleCompletion, learner=learner, module=module):
        event_record(learner=learner, verb=LearningEvent.Verb.COMPLETED, module=module)


def progress_recompute(*, learner: Learner) -> None:
    """Roll block completions up again (after a merge of two learners)."""
    with transaction.atomic():
        lessons = Lesson.objects.filter(blocks__completions__learner=learner).distinct()
        for lesson in lessons.select_related("module"):
            _roll_up(learner=learner, lesson=lesson)


def lesson_view(*, learner: Learner, lesson: Lesson) -> None:
    """A learner opened a lesson: its text and infographic blocks count as read."""
    with transaction.atomic():
        event_record(learner=learner, verb=LearningEvent.Verb.EXPERIENCED, lesson=lesson)
        done = set(
            BlockCompletion.objects.filter(learner=learner, block__lesson=lesson).values_list(
                "block_id", flat=True
            )
        )
        for block in lesson.blocks.filter(kind__in=[BlockKind.TEXT, BlockKind.INFOGRAPHIC]):
            if block.pk not in done:
                block_complete(learner=learner, block=block)


def _intervals(raw: Any) -> list[list[float]]:
    if not isinstance(raw, list) or len(raw) > MAX_INTERVALS_PER_EVENT:
        raise ValidationError(
            {"intervals": _("Send a list of at most %(n)d [start, end] pairs.")
             % {"n": MAX_INTERVALS_PER_EVENT}}
        )  # fmt: skip
    result = []
    for item in raw:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in item)
            or item[0] < 0
            or item[1] < item[0]
        ):
            raise ValidationError(
                {"intervals": _("Each interval is a pair of seconds [start, end], start ≤ end.")}
            )
        result.append([float(item[0]), float(item[1])])
    return result


# One statement per report: insert the row or append the new intervals to the stored list,
# and return the list (PostgreSQL's jsonb ``||``; SQLite's json functions). The row stays
# locked until the transaction ends, so two reports never lose each other's intervals.
_UPSERT_SQL = {
    "postgresql": """
INSERT INTO {table} (learner_id, block_id, intervals, position, updated_at)
VALUES (%s, %s, %s::jsonb, %s, %s)
ON CONFLICT (learner_id, block_id) DO UPDATE
SET intervals = {table}.intervals || EXCLUDED.intervals,
    position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
RETURNING id, intervals::text
""",
    "sqlite": """
INSERT INTO {table} (learner_id, block_id, intervals, position, updated_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (learner_id, block_id) DO UPDATE
SET intervals = (
        SELECT json_group_array(json(value)) FROM (
            SELECT 0 AS part, key, value FROM json_each({table}.intervals)
            UNION ALL SELECT 1, key, value FROM json_each(excluded.intervals)
            ORDER BY part, key)),
    position = excluded.position, updated_at = excluded.updated_at
RETURNING id, intervals
""",
}
# The stored list is rewritten as its union once it holds more pairs than this.
COMPACT_AFTER = 16


def video_intervals_checked(
    *, block: Block, intervals: Sequence[Any], position: Any
) -> tuple[list[list[float]], float]:
    """The report's intervals clipped to the video and its position, or a ValidationError
    naming the field. Pure: reads and writes nothing."""
    if block.kind != BlockKind.VIDEO or not block.duration:
        raise ValidationError(_("This block is not a video with a known duration."))
    watched = video.clip(_intervals(intervals), block.duration)
    if isinstance(position, bool) or not isinstance(position, int | float):
        raise ValidationError({"position": _("The position is a number of seconds.")})
    return watched, max(0.0, min(float(position), block.duration))


def video_intervals_add(
    *, learner: Learner, block: Block, watched: list[list[float]], position: float
) -> VideoProgress:
    """Append checked intervals with one upsert; complete the video (and roll completion up)
    only when this report takes its coverage past 90 %. Call inside a transaction."""
    now = timezone.now()
    sql = _UPSERT_SQL[connection.vendor].format(
        table=connection.ops.quote_name(VideoProgress._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [learner.pk, block.pk, json.dumps(watched), position, now])
        progress_id, stored = cursor.fetchone()
    raw = json.loads(stored) if isinstance(stored, str | bytes) else stored
    merged = video.merge_intervals(raw)
    before = raw[: len(raw) - len(watched)]
    if len(raw) > COMPACT_AFTER and len(merged) < len(raw):
        VideoProgress.objects.filter(pk=progress_id).update(intervals=merged)
    duration = block.duration or 0.0
    if video.is_complete(merged, duration) and not video.is_complete(
        video.merge_intervals(before), duration
    ):
        block_complete(learner=learner, block=block)
    return VideoProgress(
        pk=progress_id,
        learner=learner,
        block=block,
        intervals=merged,
        position=position,
        updated_at=now,
    )


def video_progress_record(
    *, learner: Learner, block: Block, intervals: Sequence[Any], position: Any
) -> VideoProgress:
    """Add watched intervals (from the player's ``played`` ranges, never from the playback
    position) to the learner's union; the video completes at 90 % coverage."""
    watched, position = video_intervals_checked(
        block=block, intervals=list(intervals), position=position
    )
    with transaction.atomic():
        return video_intervals_add(learner=learner, block=block, watched=watched, position=position)
