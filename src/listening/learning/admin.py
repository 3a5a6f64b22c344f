"""Authoring through the admin: courses, modules, lessons with their blocks, quizzes with
their questions and answers, each text in English, French and Spanish side by side
(django-modeltranslation; a text left empty shows the English one). "View on site" opens
the page as learners see it, also before the course is published (authors may preview)."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from listening.learning.models import (
    Answer,
    Block,
    Caption,
    Certificate,
    Course,
    Lesson,
    Module,
    Question,
    Quiz,
)


class ModuleInline(TranslationTabularInline[Module, Course]):
    model = Module
    fields = ("position", "title", "slug", "theme")
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(TranslationAdmin[Course]):
    list_display = ("title", "slug", "programme", "is_published")
    list_filter = ("is_published",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ModuleInline]


class LessonInline(TranslationTabularInline[Lesson, Module]):
    model = Lesson
    fields = ("position", "title", "slug")
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(TranslationAdmin[Module]):
    list_display = ("title", "course", "theme", "position")
    list_filter = ("course",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("sessions",)
    inlines = [LessonInline]


class BlockInline(TranslationStackedInline[Block, Lesson]):
    model = Block
    extra = 0
    show_change_link = True
    fields = (
        ("position", "kind", "title"),
        "body",
        ("video_file", "video_url", "duration"),
        ("image", "chart"),
        "long_description",
    )


@admin.register(Lesson)
class LessonAdmin(TranslationAdmin[Lesson]):
    list_display = ("title", "module", "position")
    list_filter = ("module__course", "module")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [BlockInline]


class CaptionInline(admin.TabularInline[Caption, Block]):
    model = Caption
    extra = 0


@admin.register(Block)
class BlockAdmin(TranslationAdmin[Block]):
    list_display = ("__str__", "lesson", "kind", "position")
    list_filter = ("kind",)
    inlines = [CaptionInline]

    def view_on_site(self, obj: Block) -> str:
        return f"{obj.lesson.get_absolute_url()}#block-{obj.pk}"


class QuestionInline(TranslationStackedInline[Question, Quiz]):
    model = Question
    extra = 0
    show_change_link = True
    fields = (("position", "type", "points"), "title", "text", "text_format", "general_feedback")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin[Quiz]):
    list_display = ("__str__", "attempts_allowed", "passing_score", "pool_size")
    inlines = [QuestionInline]

    def view_on_site(self, obj: Quiz) -> str:
        return f"{obj.block.lesson.get_absolute_url()}#block-{obj.block_id}"


class AnswerInline(TranslationTabularInline[Answer, Question]):
    model = Answer
    extra = 0
    fields = (
        "position", "text", "fraction", "feedback", "match", "value", "tolerance", "low", "high",
    )  # fmt: skip


@admin.register(Question)
class QuestionAdmin(TranslationAdmin[Question]):
    list_display = ("__str__", "quiz", "type", "position")
    list_filter = ("type",)
    search_fields = ("text", "title")
    inlines = [AnswerInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ("code", "name", "course", "issued_at")
    search_fields = ("code", "name")
    readonly_fields = ("code", "learner", "course", "issued_at")
