"""Who may do what in the course (django-rules predicates).

Authors are staff users with the admin's change permission on courses; they see unpublished
courses (preview) and the statistics. A quiz attempt belongs to its learner only: the views
check ``attempt_belongs_to`` with the learner of the request (cookie or account).
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import Predicate

from listening.learning.models import Attempt, Learner


def _is_author(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm("learning.change_course"))


is_author = Predicate(_is_author)


def attempt_belongs_to(learner: Learner | None, attempt: Attempt) -> bool:
    return learner is not None and attempt.learner_id == learner.pk


add_perm("learning.preview_course", is_author)
add_perm("learning.view_statistics", is_author)
