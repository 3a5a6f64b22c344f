"""Live town halls: a room per listening session, audience questions, upvotes and polls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listening.people.models import PersonKind

# No 0/O, 1/I/L: a code read aloud or off a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class LiveRoom(models.Model):
    session = models.ForeignKey(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="live_rooms",
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    premoderate = models.BooleanField(
        _("questions are shown only after a moderator approves them"), default=False
    )
    is_open = models.BooleanField(_("open"), default=True)
    current_question = models.ForeignKey(
        "Question",
        verbose_name=_("current question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("live room")
        verbose_name_plural = _("live rooms")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.code} — {self.session}"


class LiveParticipant(models.Model):
    """Someone in the audience: no account, a token kept in a cookie or by an API client."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="participants")
    token_hash = models.CharField(max_length=64, unique=True)
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind of stakeholder"), max_length=30, choices=PersonKind.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("live participant")
        verbose_name_plural = _("live participants")

    def __str__(self) -> str:
        return f"participant {self.pk}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Shown")
    HIDDEN = "hidden", _("Hidden")


class Question(models.Model):
    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        LiveParticipant, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    text = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    is_answered = models.BooleanField(_("answered"), default=False)
    answer_note = models.TextField(_("answer notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Kept by the upvote service in the same transaction as the Upvote row it counts.
    upvote_count = models.PositiveIntegerField(_("upvotes"), default=0)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-upvote_count", "created_at", "id"]
        indexes = [models.Index(fields=["room", "status"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="live_question_text"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Upvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    participant = models.ForeignKey(
        LiveParticipant, on_delete=models.CASCADE, related_name="upvotes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="live_upvote_once_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} ↑ {self.question_id}"


class PollKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    AGREE_DISAGREE = "agree_disagree", _("Agree / disagree")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Poll(models.Model):
    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="polls")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PollKind.choices)
    choices = models.JSONField(_("choices"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["room", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class PollAnswer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(
        LiveParticipant, on_delete=models.CASCADE, related_name="poll_answers"
    )
    choice = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "participant"], name="live_poll_answer_once_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.poll_id}: {self.choice}"


class RegistrationDesk(models.Model):
    """Registration for one session: whether it is open and how many places. While a session
    has a desk, its link to join online (``ListeningSession.online_url``) is private: only
    confirmed registrants receive it."""

    session = models.OneToOneField(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registration_desk",
    )
    is_open = models.BooleanField(_("registration is open"), default=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    class Meta:
        verbose_name = _("registration desk")
        verbose_name_plural = _("registration desks")

    def __str__(self) -> str:
        return str(self.session)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    session = models.ForeignKey(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    city = models.ForeignKey(
        "places.City",
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind of stakeholder"), max_length=30, choices=PersonKind.choices, blank=True
    )
    consent_listed = models.BooleanField(_("may be listed among the participants"), default=False)
    consent_contact = models.BooleanField(_("may be contacted after the session"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    cancel_token_hash = models.CharField(max_length=64, unique=True)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~models.Q(status="cancelled"),
                name="registration_once_per_email",
                violation_error_message=_("This email address is already registered."),
            )
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.name} — {self.session}"
