"""Every write of the learning app (one module per concern)."""

from listening.learning.services.authoring import (
    block_add,
    caption_add,
    course_upsert,
    gift_questions,
    lesson_upsert,
    module_upsert,
    quiz_for_lesson,
    quiz_import_gift,
)
from listening.learning.services.certificates import (
    certificate_issue,
    course_is_complete,
)
from listening.learning.services.events import BatchResult, events_record
from listening.learning.services.learners import (
    learner_claim,
    learner_create,
    learner_for_token,
    learner_for_user,
)
from listening.learning.services.progress import (
    block_complete,
    event_record,
    lesson_view,
    progress_recompute,
    video_progress_record,
)
from listening.learning.services.quizzes import (
    AttemptLimitReached,
    attempt_start,
    attempt_submit,
    response_save,
)

__all__ = [
    "AttemptLimitReached",
    "BatchResult",
    "attempt_start",
    "attempt_submit",
    "block_add",
    "block_complete",
    "caption_add",
    "certificate_issue",
    "course_is_complete",
    "course_upsert",
    "event_record",
    "events_record",
    "gift_questions",
    "learner_claim",
    "learner_create",
    "learner_for_token",
    "learner_for_user",
    "lesson_upsert",
    "lesson_view",
    "module_upsert",
    "progress_recompute",
    "quiz_for_lesson",
    "quiz_import_gift",
    "response_save",
    "video_progress_record",
]
