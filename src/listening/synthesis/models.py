"""Synthesis: key messages drawn from voices and statements, and the Pact's commitments.

Every key message keeps its evidence (the voices and conversation statements that support
it) and its lineage (the key messages it was merged or split from); every change to a key
message or a commitment leaves a ``Revision`` (who, when, why, and the fields after it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listening.programmes.models import Axis


class KeyMessageStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired (merged or split)")


class CommitmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ADOPTED = "adopted", _("adopted")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class KeyMessage(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="key_messages",
    )
    session = models.ForeignKey(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_messages",
    )
    theme = models.ForeignKey(
        "programmes.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_messages",
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=KeyMessageStatus.choices,
        default=KeyMessageStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    voices = models.ManyToManyField(
        "voices.Voice", verbose_name=_("supporting voices"), related_name="key_messages", blank=True
    )
    statements = models.ManyToManyField(
        "conversations.Statement",
        verbose_name=_("supporting statements"),
        related_name="key_messages",
        blank=True,
    )
    # Lineage: the key messages this one was merged or split from.
    sources = models.ManyToManyField(
        "self",
        verbose_name=_("made from"),
        symmetrical=False,
        related_name="successors",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("key message")
        verbose_name_plural = _("key messages")
        ordering = ["programme", "axis", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="key_message_title_required")
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """One commitment of the Pact, in the chapter of its axis."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    axis = models.CharField(_("chapter (axis)"), max_length=20, choices=Axis.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PROPOSED,
    )
    is_published = models.BooleanField(_("shown in the public Pact"), default=False)
    key_messages = models.ManyToManyField(
        KeyMessage, verbose_name=_("key messages"), related_name="commitments", blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["programme", "axis", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="commitment_title_required")
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated public note on how a commitment is going."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    status = models.CharField(
        _("status after this update"), max_length=20, choices=CommitmentStatus.choices
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["commitment", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.date}"


class Revision(models.Model):
    """One change to a key message or a commitment: who, when, why, and the fields after it."""

    key_message = models.ForeignKey(
        KeyMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("change"), max_length=40)
    reason = models.TextField(_("why"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("who"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    data = models.JSONField(_("fields after the change"), default=dict)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_message__isnull=True, commitment__isnull=False)
                | models.Q(key_message__isnull=False, commitment__isnull=True),
                name="revision_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_message or self.commitment} v{self.version}: {self.action}"
