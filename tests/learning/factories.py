"""factory_boy factories for the learning app."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile

from listening.learning.models import (
    Answer,
    Block,
    BlockKind,
    Caption,
    Course,
    Learner,
    Lesson,
    Module,
    Question,
    QuestionType,
    Quiz,
)
from tests.factories import ThemeFactory

VTT = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nCities are listening.\n\n"
    "00:00:02.000 --> 00:00:04.000\nTo everyone.\n"
)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    description = "Learn what the **sessions** heard."
    is_published = True


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    position = factory.Sequence(lambda n: n)
    theme = factory.SubFactory(ThemeFactory)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    position = factory.Sequence(lambda n: n)


class TextBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    lesson = factory.SubFactory(LessonFactory)
    kind = BlockKind.TEXT
    title = "Reading"
    body = "Public space is *for everyone*."
    position = factory.Sequence(lambda n: n)


class VideoBlockFactory(TextBlockFactory):
    kind = BlockKind.VIDEO
    title = "Video"
    body = ""
    video_url = "https://video.example.org/session.webm"
    duration = 100.0


class QuizBlockFactory(TextBlockFactory):
    kind = BlockKind.QUIZ
    title = "Quiz"
    body = ""


class CaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caption

    block = factory.SubFactory(VideoBlockFactory)
    language = "en"
    file = factory.LazyFunction(lambda: ContentFile(VTT.encode(), name="captions.vtt"))


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    block = factory.SubFactory(QuizBlockFactory)
    attempts_allowed = 3
    passing_score = 50
    shuffle_options = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    type = QuestionType.SINGLE_CHOICE
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    fraction = 0.0


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    token_hash = factory.Sequence(lambda n: f"{n:064x}")


def single_choice_question(quiz: Quiz, *, right: str = "Yes", wrong: str = "No") -> Question:
    question = QuestionFactory(quiz=quiz, type=QuestionType.SINGLE_CHOICE)
    AnswerFactory(question=question, text=right, fraction=100, feedback="Right.")
    AnswerFactory(question=question, text=wrong, fraction=0, feedback="Not quite.")
    return question
