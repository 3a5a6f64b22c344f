"""The open online course: course → modules → lessons → blocks (text, video, infographic,
quiz), learners, quiz attempts, progress and certificates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.learning import grading


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning:course", args=[self.slug])


class Module(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    theme = models.ForeignKey(
        "programmes.Theme",
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_modules",
    )
    sessions = models.ManyToManyField(
        "programmes.ListeningSession",
        verbose_name=_("listening sessions"),
        blank=True,
        related_name="course_modules",
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning:lesson", args=[self.slug])


class BlockKind(models.TextChoices):
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    INFOGRAPHIC = "infographic", _("Infographic")
    QUIZ = "quiz", _("Quiz")


class Chart(models.TextChoices):
    VOICES_PER_REGION = "voices_per_region", _("Voices per world region")
    SESSIONS_PER_AXIS = "sessions_per_axis", _("Sessions per axis of the Pact")
    VOICES_PER_THEME = "voices_per_theme", _("Voices per theme")


class Block(models.Model):
    """One part of a lesson. Which fields are used depends on ``kind``; ``clean`` checks them."""

    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="blocks"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=BlockKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown; HTML is sanitised."))
    video_file = models.FileField(_("video file"), upload_to="learning/videos/", blank=True)
    video_url = models.URLField(_("video URL"), blank=True)
    duration = models.FloatField(
        _("duration (seconds)"), null=True, blank=True, validators=[MinValueValidator(0.1)]
    )
    image = models.ImageField(_("image"), upload_to="learning/images/", blank=True)
    chart = models.CharField(_("chart"), max_length=40, choices=Chart.choices, blank=True)
    long_description = models.TextField(
        _("long description"),
        blank=True,
        help_text=_("What the image or chart shows, for people who cannot see it."),
    )

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.position}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == BlockKind.TEXT and not self.body.strip():
            errors["body"] = _("A text block needs text.")
        if self.kind == BlockKind.VIDEO:
            if bool(self.video_file) == bool(self.video_url):
                errors["video_url"] = _("Give either a video file or a video URL.")
            if not self.duration:
                errors["duration"] = _("Give the video's duration: progress is measured on it.")
        if self.kind == BlockKind.INFOGRAPHIC:
            if bool(self.image) == bool(self.chart):
                errors["chart"] = _("Give either an image or a chart.")
            if not self.long_description.strip():
                errors["long_description"] = _("An infographic needs a long description.")
        if errors:
            raise ValidationError(errors)


class Caption(models.Model):
    """WebVTT captions of a video block in one language."""

    block = models.ForeignKey(
        Block, verbose_name=_("video"), on_delete=models.CASCADE, related_name="captions"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("WebVTT file"), upload_to="learning/captions/")

    class Meta:
        verbose_name = _("captions")
        verbose_name_plural = _("captions")
        ordering = ["block", "language"]
        constraints = [
            models.UniqueConstraint(fields=["block", "language"], name="caption_unique_language")
        ]

    def __str__(self) -> str:
        return f"{self.block} ({self.language})"

    def clean(self) -> None:
        from listening.learning.captions import CaptionError, read_captions

        if self.file:
            try:
                with self.file.open("rb") as handle:
                    data = handle.read()
                read_captions(data)
            except CaptionError as exc:
                raise ValidationError({"file": str(exc)}) from None


class Quiz(models.Model):
    block = models.OneToOneField(
        Block, verbose_name=_("block"), on_delete=models.CASCADE, related_name="quiz"
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means no limit.")
    )
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pool_size = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=0,
        help_text=_("Draw this many questions from the pool for each attempt; 0 means all."),
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passing_score__lte=100), name="quiz_passing_score_percent"
            )
        ]

    def __str__(self) -> str:
        return str(self.block)


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = grading.SINGLE_CHOICE, _("Single choice")
    MULTIPLE_CHOICE = grading.MULTIPLE_CHOICE, _("Multiple choice")
    TRUE_FALSE = grading.TRUE_FALSE, _("True or false")
    SHORT_ANSWER = grading.SHORT_ANSWER, _("Short answer")
    NUMERICAL = grading.NUMERICAL, _("Numerical")
    MATCHING = grading.MATCHING, _("Matching")


class TextFormat(models.TextChoices):
    MOODLE = "moodle", _("Moodle auto-format")
    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")
    PLAIN = "plain", _("Plain text")


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("question"))
    text_format = models.CharField(
        _("format"), max_length=10, choices=TextFormat.choices, default=TextFormat.MOODLE
    )
    category = models.JSONField(_("category"), default=list, blank=True)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    points = models.FloatField(_("points"), default=1.0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class Answer(models.Model):
    """An option, a short-answer pattern, a numerical answer or a matching pair."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"), blank=True)
    fraction = models.FloatField(
        _("fraction of the marks (%)"),
        default=0.0,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
    )
    feedback = models.TextField(_("feedback"), blank=True)
    match = models.TextField(_("matching answer"), blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    tolerance = models.FloatField(_("tolerance"), default=0.0, validators=[MinValueValidator(0)])
    low = models.FloatField(_("range from"), null=True, blank=True)
    high = models.FloatField(_("range to"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fraction__gte=-100, fraction__lte=100),
                name="answer_fraction_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(low__isnull=True)
                | models.Q(high__isnull=True)
                | models.Q(low__lte=models.F("high")),
                name="answer_range_ordered",
                violation_error_message=_("A range must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60] or str(self.value)

    def _variants(self, field: str) -> tuple[str, ...]:
        """The field in every language its author gave (the reader's first)."""
        values = [getattr(self, field)] + [
            getattr(self, f"{field}_{code}", None) or "" for code, _name in settings.LANGUAGES
        ]
        return tuple(dict.fromkeys(value for value in values if value))

    def text_variants(self) -> tuple[str, ...]:
        return self._variants("text")

    def match_variants(self) -> tuple[str, ...]:
        return self._variants("match")

    def as_option(self) -> grading.Option:
        """What grading needs: a short answer or a matching answer is accepted in any of
        the languages the author gave, so grading does not depend on the reader's."""
        return grading.Option(
            id=self.pk,
            text=self.text,
            fraction=self.fraction,
            feedback=self.feedback,
            match=self.match,
            text_variants=self.text_variants(),
            match_variants=self.match_variants(),
            value=self.value,
            tolerance=self.tolerance,
            low=self.low,
            high=self.high,
        )


class Learner(models.Model):
    """Someone taking the course: anonymous (a token in a signed cookie) or a user."""

    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="learner",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")

    def __str__(self) -> str:
        return str(self.user) if self.user_id else f"learner {self.pk}"


class Attempt(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    question_ids = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)  # percent
    passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "learner", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "quiz", "number"], name="attempt_unique_number"
            ),
            # At most one attempt in progress per learner and quiz: a "start" sent twice
            # cannot open two.
            models.UniqueConstraint(
                fields=["learner", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="attempt_one_open",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.quiz_id}#{self.number}"


class Response(models.Model):
    """A learner's current answer to one question of an attempt, saved as it is given."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    value = models.JSONField(null=True)
    score = models.FloatField(null=True, blank=True)  # 0..1, set on submission
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}"


class QuestionSummary(models.Model):
    """Running sums over the first submitted attempts at a question, from which the authors'
    statistics page reads the facility and discrimination indices without scanning every
    answer. Updated in the transaction that submits an attempt (``services.statistics``)."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    responses = models.PositiveIntegerField(default=0)  # n
    score_sum = models.FloatField(default=0.0)  # Σ x (x: score on the question, 0..1)
    # over the responses whose attempt had other questions (y: their mean score)
    paired = models.PositiveIntegerField(default=0)
    paired_score_sum = models.FloatField(default=0.0)  # Σ x
    rest_sum = models.FloatField(default=0.0)  # Σ y
    score_squares = models.FloatField(default=0.0)  # Σ x²
    rest_squares = models.FloatField(default=0.0)  # Σ y²
    products = models.FloatField(default=0.0)  # Σ xy

    def __str__(self) -> str:
        return f"{self.question_id}: {self.responses}"


class VideoProgress(models.Model):
    """The union of the intervals a learner actually watched, and where they left off."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="video_progress")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="video_progress")
    # Appended to by one upsert per report (services.progress); merged into a union when
    # read, and stored merged again once the list grows (see ``video_progress_record``).
    intervals = models.JSONField(default=list)
    position = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "block"], name="video_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.block_id}: {self.watched:.0f}s"

    @property
    def watched(self) -> float:
        """Seconds covered by the union of the watched intervals."""
        from listening.learning.video import covered, merge_intervals

        return covered(merge_intervals(self.intervals))


class BlockCompletion(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="completions")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "block"], name="block_completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.block_id}"


class LessonCompletion(models.Model):
    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="lesson_completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.lesson_id}"


class ModuleCompletion(models.Model):
    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "module"], name="module_completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.module_id}"


class LearningEvent(models.Model):
    """What happened, kept to be exported as xAPI statements."""

    class Verb(models.TextChoices):
        EXPERIENCED = "experienced", _("experienced")
        PROGRESSED = "progressed", _("progressed")
        ANSWERED = "answered", _("answered")
        COMPLETED = "completed", _("completed")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    block = models.ForeignKey(Block, on_delete=models.CASCADE, null=True, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, null=True, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, null=True, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, null=True, related_name="+")
    result = models.JSONField(default=dict, blank=True)
    uuid = models.UUIDField(unique=True)
    timestamp = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["timestamp", "id"]
        # The authors' drop-off counts learners per lesson among a course's "experienced".
        indexes = [
            models.Index(fields=["course", "verb", "lesson", "learner"], name="event_drop_off")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.verb}"


class Certificate(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    name = models.CharField(_("name on the certificate"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="certificate_unique")
        ]

    def __str__(self) -> str:
        return self.code
