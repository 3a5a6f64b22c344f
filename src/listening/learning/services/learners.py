"""Learners: anonymous ones (a token kept in a signed cookie) and signed-in users, and the
merge when an anonymous learner signs in."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from listening.learning.models import (
    Attempt,
    BlockCompletion,
    Certificate,
    Learner,
    LearningEvent,
    LessonCompletion,
    ModuleCompletion,
    VideoProgress,
)
from listening.learning.services.progress import block_complete, progress_recompute
from listening.learning.video import is_complete, merge_intervals


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def learner_create() -> tuple[Learner, str]:
    """A new anonymous learner and the token that identifies them (shown once)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        learner = Learner.objects.create(token_hash=token_hash(token))
    return learner, token


def learner_for_token(token: str) -> Learner | None:
    return Learner.objects.filter(token_hash=token_hash(token)).first()


def learner_for_user(*, user: AbstractBaseUser) -> Learner:
    with transaction.atomic():
        learner, _created = Learner.objects.get_or_create(user_id=user.pk)
    return learner


def learner_claim(*, learner: Learner, user: AbstractBaseUser) -> Learner:
    """An anonymous learner signs in: their progress becomes the user's.

    If the user already has a learner, everything is moved onto it: watched intervals are
    merged, completions and certificates kept once, attempts renumbered after the user's own;
    an attempt left open on both sides keeps the user's and drops the anonymous one.
    """
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        if learner.user_id == user.pk:
            return learner
        target = Learner.objects.select_for_update().filter(user_id=user.pk).first()
        if target is None:
            learner.user_id = user.pk
            learner.token_hash = None
            learner.save(update_fields=["user", "token_hash"])
            return learner
        _merge(source=learner, target=target)
        return target


def _merge(*, source: Learner, target: Learner) -> None:
    for progress in VideoProgress.objects.filter(learner=source).select_related("block__lesson"):
        mine = VideoProgress.objects.filter(learner=target, block=progress.block_id).first()
        if mine is None:
            progress.learner = target
            progress.save(update_fields=["learner"])
            continue
        mine.intervals = merge_intervals(mine.intervals + progress.intervals)
        mine.position = max(mine.position, progress.position)
        mine.save(update_fields=["intervals", "position", "updated_at"])
        if progress.block.duration and is_complete(mine.intervals, progress.block.duration):
            block_complete(learner=target, block=progress.block)
    for model, field in (
        (BlockCompletion, "block"),
        (LessonCompletion, "lesson"),
        (ModuleCompletion, "module"),
        (Certificate, "course"),
    ):
        kept = model.objects.filter(learner=target).values_list(f"{field}_id", flat=True)
        model.objects.filter(learner=source, **{f"{field}_id__in": list(kept)}).delete()
        model.objects.filter(learner=source).update(learner=target)
    open_quizzes = Attempt.objects.filter(learner=target, submitted_at__isnull=True).values_list(
        "quiz_id", flat=True
    )
    Attempt.objects.filter(
        learner=source, submitted_at__isnull=True, quiz_id__in=list(open_quizzes)
    ).delete()
    for attempt in Attempt.objects.filter(learner=source).order_by("quiz_id", "number"):
        last = (
            Attempt.objects.filter(learner=target, quiz_id=attempt.quiz_id)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        attempt.learner = target
        attempt.number = (last or 0) + 1
        attempt.save(update_fields=["learner", "number"])
    LearningEvent.objects.filter(learner=source).update(learner=target)
    source.delete()
    progress_recompute(learner=target)
