"""Progress, computed on the server in the same transaction as the event that causes it:
a block completes (text and infographics when the lesson is viewed, a video when ≥ 90 % of it
has been watched, a quiz when passed), a lesson when all its blocks have, a module when all
its lessons have."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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


def video_progress_record(
    *, learner: Learner, block: Block, intervals: Sequence[Any], position: float
) -> VideoProgress:
    """Add watched intervals (from the player's ``played`` ranges, never from the playback
    position) to the learner's union; the video completes at 90 % coverage."""
    if block.kind != BlockKind.VIDEO or not block.duration:
        raise ValidationError(_("This block is not a video with a known duration."))
    watched = video.clip(_intervals(list(intervals)), block.duration)
    if isinstance(position, bool) or not isinstance(position, int | float):
        raise ValidationError({"position": _("The position is a number of seconds.")})
    with transaction.atomic():
        progress = (
            VideoProgress.objects.select_for_update().filter(learner=learner, block=block).first()
        )
        if progress is None:
            try:
                with transaction.atomic():
                    progress = VideoProgress.objects.create(learner=learner, block=block)
            except IntegrityError:  # created by a concurrent report
                progress = VideoProgress.objects.select_for_update().get(
                    learner=learner, block=block
                )
        progress.intervals = video.merge_intervals(progress.intervals + watched)
        progress.watched = video.covered(progress.intervals)
        progress.position = max(0.0, min(float(position), block.duration))
        progress.save(update_fields=["intervals", "watched", "position", "updated_at"])
        if video.is_complete(progress.intervals, block.duration):
            block_complete(learner=learner, block=block)
    return progress
