"""Open conversations: statements anyone may add, votes, and the opinion maps computed on them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from listening.conversations.embedding import origins_parse, validate_origins
from listening.programmes.content_languages import check_translations

_SPACE = re.compile(r"\s+")
# Joiners shape scripts (Persian, Indic) and emoji sequences: kept in the text, not in the key.
_JOINERS = frozenset("\u200c\u200d")
_WHITESPACE_CONTROLS = frozenset("\t\n\r")
# Format (invisible, bidi), control and lone surrogate code points: never part of a statement.
_INVISIBLE = frozenset(("Cf", "Cc", "Cs"))


def statement_clean(text: str) -> str:
    """The text as stored and shown: NFC, without invisible format characters (U+200B zero
    width space, U+00AD soft hyphen, U+FEFF, ...), bidi controls (U+202A–U+202E,
    U+2066–U+2069, U+200E/F, U+061C), control characters (NUL, ...; tabs and line breaks
    stay) or lone surrogates, stripped. Joiners (U+200C, U+200D) stay: scripts and emoji
    need them."""
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFC", text)
        if unicodedata.category(ch) not in _INVISIBLE
        or ch in _JOINERS
        or ch in _WHITESPACE_CONTROLS
    )
    return kept.strip()


def statement_normalise(text: str) -> str:
    """The form used to find duplicates: NFKC (fullwidth letters, ligatures, superscripts
    folded) and casefolded, without any invisible or bidi control character, punctuation or
    symbol, single spaces."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    kept = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in folded)
    return _SPACE.sub(" ", kept).strip()


def statement_key(text: str) -> str:
    """The indexed key of a statement's normalised text (SHA-256, hex)."""
    return hashlib.sha256(statement_normalise(text).encode()).hexdigest()


def statement_max_length_default() -> int:
    """The ``STATEMENT_MAX_LENGTH`` setting (400): the default longest statement."""
    return int(getattr(settings, "STATEMENT_MAX_LENGTH", 400))


class ModerationMode(models.TextChoices):
    POST = "post", _("Statements are visible at once; moderators may reject them later")
    PRE = "pre", _("Statements are visible only after a moderator approves them")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Constituency(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local or regional government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    INTERNATIONAL = "international", _("International organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    RESIDENT = "resident", _("Resident")


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Conversation(models.Model):
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    topic = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    session = models.ForeignKey(
        "programmes.ListeningSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed by an organiser"), default=False)
    # New conversations are pre-moderated; rows made before keep theirs.
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    statement_min_length = models.PositiveSmallIntegerField(
        _("shortest statement"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Statements shorter than this many characters are refused."),
    )
    statement_max_length = models.PositiveSmallIntegerField(
        _("longest statement"),
        default=statement_max_length_default,
        validators=[MinValueValidator(1)],
        help_text=_("Statements longer than this many characters are refused."),
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    invitation_required = models.BooleanField(_("an invitation code is required"), default=False)
    xid_secret = models.CharField(
        _("secret for signed external ids"),
        max_length=128,
        blank=True,
        validators=[MinLengthValidator(32)],
        help_text=_(
            "Set it (at least 32 random characters, kept on the embedding site's server only) to "
            "require that every external id (xid) comes with xid_signature, the hex "
            "HMAC-SHA256 of the xid under this secret (docs/api.md). Empty: an xid is taken "
            "as it is."
        ),
    )
    embed_allowed = models.BooleanField(
        _("may be embedded on other sites"),
        default=False,
        help_text=_("Lets the sites listed below show this conversation (docs/embedding.md)."),
    )
    embed_origins = models.TextField(
        _("sites allowed to embed"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One origin a line: https://www.city.example or https://city.example:8443 "
            "(http:// only for localhost)."
        ),
    )
    embed_show_results = models.BooleanField(
        _("show the results in the embed"),
        default=False,
        help_text=_("Below the voting card, a summary of the opinion groups and common ground."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statement_max_length__gte=models.F("statement_min_length")),
                name="conversation_statement_lengths_ordered",
                violation_error_message=_(
                    "The longest statement cannot be shorter than the shortest."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="conversation_closes_after_opening",
                violation_error_message=_("A conversation must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def clean(self) -> None:
        check_translations(self, self.programme if self.programme_id else None)
        if self.embed_allowed and not self.embed_origin_list:
            raise ValidationError(
                {"embed_origins": _("List at least one site, or do not allow embedding.")}
            )

    @property
    def embed_origin_list(self) -> list[str]:
        """The allowed origins, normalised (none when the list does not validate)."""
        try:
            return origins_parse(self.embed_origins)
        except ValidationError:
            return []

    def is_open(self, at: object = None) -> bool:
        now = at or timezone.now()
        return (
            not self.is_closed
            and self.opens_at <= now  # type: ignore[operator]
            and (self.closes_at is None or now < self.closes_at)  # type: ignore[operator]
        )


class InvitationCode(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="invitation_codes"
    )
    code = models.CharField(_("code"), max_length=64)
    uses_left = models.PositiveIntegerField(_("uses left"), default=1)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "code"], name="invitation_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class Participant(models.Model):
    """Someone taking part in one conversation: anonymous (cookie or API token) or signed in."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversation_participations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    xid = models.CharField(_("external id"), max_length=200, blank=True)
    constituency = models.CharField(
        _("constituency"), max_length=30, choices=Constituency.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_unique_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "xid"],
                condition=~models.Q(xid=""),
                name="participant_unique_xid",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk}"


def statement_language() -> str:
    """The language of the page a statement is written on (the admin's or the site's)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
    )
    text = models.TextField(_("text"))
    # The language `text` was written in; everyone votes on this one statement, and
    # `translation` (translation_en, _fr, _es: modeltranslation) only helps other readers.
    language = models.CharField(
        _("original language"), max_length=8, choices=settings.LANGUAGES, default=statement_language
    )
    translation = models.TextField(_("translation"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    external_id = models.PositiveIntegerField(_("id in the imported export"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # statement_key(text), kept by save(); finds a duplicate with one indexed lookup.
    text_key = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["conversation", "id"]
        indexes = [
            models.Index(fields=["conversation", "status"]),
            models.Index(fields=["conversation", "text_key"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="statement_text_required"),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="statement_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    # Set by statement_submit (not stored): a public statement this one closely resembles.
    near_duplicate: Statement | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Invisible and bidi control characters never reach a page, whoever writes the text.
        self.text = statement_clean(self.text) or self.text
        self.text_key = statement_key(self.text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "text_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        conversation = self.conversation if self.conversation_id else None
        check_translations(self, conversation.programme if conversation else None)


class Vote(models.Model):
    """The current vote of one participant on one statement (a changed vote replaces it)."""

    # No index of their own: (conversation, updated_at) and the unique (participant,
    # statement) lead with them. Seven indexes made a large import write each vote seven
    # times; these four serve every query on votes (docs/conversations.md, "Importing").
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=VoteValue.choices)
    # An imported vote: created_at is Polis's time of the vote, updated_at the import's
    # (vote_cache.import_stamp).
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="vote_unique_current"
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="vote_value_valid"
            ),
        ]
        indexes = [
            # The opinion map reads only the votes changed since its last read (vote_cache).
            models.Index(fields=["conversation", "updated_at"], name="vote_conversation_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class OpinionSnapshot(models.Model):
    """One complete opinion map, as listening.analysis computed it; the latest is shown."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="snapshots"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    vote_count = models.PositiveIntegerField(default=0)
    participant_count = models.PositiveIntegerField(default=0)
    # The summary (groups, representative statements, consensus, statement figures, the drawn
    # map); a snapshot stored before ``positions`` existed also holds every participant here.
    result = models.JSONField(default=dict)
    state = models.JSONField(default=dict, help_text="k-smoothing and warm-start state")
    # Every participant's position, group and membership as compact arrays in one blob
    # (opinion_map.py, ``positions_pack``): snapshots stored before ``OpinionPositionBlock``.
    positions = models.BinaryField(null=True, blank=True, editable=False)
    # True when the positions are stored in ``OpinionPositionBlock`` rows (and ``positions``
    # is empty); the warm-start state's member lists are read from them too.
    positions_in_blocks = models.BooleanField(default=False, editable=False)
    # What the map's vote read counted, so pages need not count every vote: "participants",
    # "voters", "votes", and the largest participant and vote ids counted
    # ("participant_max_id", "vote_max_id"); pages add what is newer (selectors.py,
    # ``conversation_stats``). Empty on snapshots stored before.
    counts = models.JSONField(default=dict, blank=True, editable=False)
    # Polis routing priority per statement id, so choosing the next statement reads no votes.
    priorities = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.conversation} at {self.computed_at:%Y-%m-%d %H:%M}"


class OpinionPositionBlock(models.Model):
    """The positions of a few thousand consecutive participants of one snapshot
    (opinion_map.py, ``positions_blocks``): one participant's position is one indexed read."""

    snapshot = models.ForeignKey(
        OpinionSnapshot, on_delete=models.CASCADE, related_name="position_blocks"
    )
    # The smallest participant id in the block; the block holds ids up to the next one's.
    first_participant = models.BigIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("opinion map positions")
        verbose_name_plural = _("opinion map positions")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "first_participant"], name="position_block_unique_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} from participant {self.first_participant}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    SEED = "seed", _("Added a seed statement")
    CLOSE = "close", _("Closed the conversation")
    REOPEN = "reopen", _("Reopened the conversation")
    IMPORT = "import", _("Imported a Polis export")


class ModerationLog(models.Model):
    """Who did what, and when: the audit trail of a conversation's moderation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="moderation_log"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
