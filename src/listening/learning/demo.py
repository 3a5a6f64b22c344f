"""The demo course: eight modules, one per theme of the demo programme, from the demo's
``course.json`` (the demo loader reads it and calls ``load_course``); quizzes are written in
GIFT there and go through the same parser as ``listening gift-import``. The short demo video
is generated here with PyAV (its wheel ships the VP8 encoder), never downloaded, with
English, French and Spanish captions.

Every text is in English, French and Spanish (sample content): a ``translations`` key
({"fr": {"title": ...}, "es": {...}}) on the course, modules, lessons and blocks, and for
each quiz a ``gift_translations`` key with the same questions in French and Spanish GIFT,
in the same order, whose titles, texts, answers and feedback fill the other columns."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from listening.learning import gift
from listening.learning.captions import Cue, write_captions
from listening.learning.models import Block, BlockKind, Course, Quiz
from listening.learning.services import (
    block_add,
    caption_add,
    course_upsert,
    lesson_upsert,
    module_upsert,
    quiz_import_gift,
)
from listening.programmes.models import ListeningSession, Programme, Theme

VIDEO_SECONDS = 8
VIDEO_FPS = 10


def demo_video(seconds: int = VIDEO_SECONDS) -> bytes:
    """A small WebM (VP8) video: a coloured card with a bar crossing it, one per second."""
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=VIDEO_FPS)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"deadline": "realtime", "cpu-used": "8", "threads": "1"}
        frames = seconds * VIDEO_FPS
        for index in range(frames):
            image = np.empty((180, 320, 3), dtype=np.uint8)
            image[:] = (29, 94, 140) if (index // VIDEO_FPS) % 2 == 0 else (30, 107, 46)
            x = int(index * 300 / frames)
            image[80:100, x : x + 20] = 255
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def load_course(
    data: dict[str, Any],
    programme: Programme,
    themes: dict[str, Theme],
    sessions: dict[str, ListeningSession],
) -> Counter[str]:
    """Create the demo course unless it exists; returns what was created, for the report."""
    created: Counter[str] = Counter()
    if Course.objects.filter(slug=data["slug"]).exists():
        return created
    course = course_upsert(
        slug=data["slug"],
        title=data["title"],
        description=data["description"],
        programme=programme,
        is_published=True,
    )
    _translate(course, data.get("translations"))
    created["courses"] += 1
    for position, entry in enumerate(data["modules"]):
        theme = themes[entry["theme"]]
        module = module_upsert(
            course=course,
            slug=entry["slug"],
            title=entry["title"],
            summary=entry["summary"],
            position=position,
            theme=theme,
            sessions=[s for s in sessions.values() if theme in s.themes.all()],
        )
        _translate(module, entry.get("translations"))
        created["course modules"] += 1
        for lesson_position, item in enumerate(entry["lessons"]):
            _lesson(module, lesson_position, item)
            created["lessons"] += 1
    return created


def _lesson(module: Any, position: int, item: dict[str, Any]) -> None:
    lesson = lesson_upsert(
        module=module,
        slug=item["slug"],
        title=item["title"],
        summary=item.get("summary", ""),
        position=position,
    )
    _translate(lesson, item.get("translations"))
    for block_position, spec in enumerate(item["blocks"]):
        kind = spec["kind"]
        block: Block
        if kind == BlockKind.TEXT:
            block = block_add(
                lesson=lesson, kind=kind, position=block_position,
                title=spec.get("title", ""), body=spec["body"],
            )  # fmt: skip
        elif kind == BlockKind.INFOGRAPHIC:
            block = block_add(
                lesson=lesson, kind=kind, position=block_position, title=spec["title"],
                chart=spec["chart"], long_description=spec["long_description"],
            )  # fmt: skip
        elif kind == BlockKind.VIDEO:
            block = _video(lesson, block_position, spec)
        elif kind == BlockKind.QUIZ:
            block = block_add(
                lesson=lesson, kind=kind, position=block_position, title=spec["title"]
            )
            quiz = Quiz.objects.get(block=block)
            quiz.passing_score = spec.get("passing_score", 60)
            quiz.attempts_allowed = spec.get("attempts_allowed", 3)
            quiz.save(update_fields=["passing_score", "attempts_allowed"])
            quiz_import_gift(quiz=quiz, document=gift.parse(spec["gift"]))
            _translate_quiz(quiz, spec.get("gift_translations") or {})
        else:
            raise ValueError(f"{lesson.slug}: unknown block kind {kind!r}")
        _translate(block, spec.get("translations"))


def _translate(obj: Any, translations: dict[str, dict[str, str]] | None) -> None:
    """Store the other languages' text of a row: {"fr": {"title": ...}, "es": {...}}."""
    columns = []
    for language, fields in (translations or {}).items():
        for field, value in fields.items():
            column = f"{field}_{language}"
            if not hasattr(obj, column):
                raise ValueError(f"{obj}: no translated field {column!r}")
            setattr(obj, column, value)
            columns.append(column)
    if columns:
        obj.save(update_fields=columns)


def _translate_quiz(quiz: Quiz, documents: dict[str, str]) -> None:
    """The quiz's questions in other languages, from GIFT with the same questions in the
    same order: titles, texts, general feedback, answer texts, feedback and matches."""
    questions = list(quiz.questions.order_by("position", "id").prefetch_related("answers"))
    for language, text in documents.items():
        items = [q for q in gift.parse(text).questions if q.type not in gift.UNGRADED_TYPES]
        if len(items) != len(questions):
            raise ValueError(f"{quiz}: the {language} GIFT has {len(items)} questions, not "
                             f"{len(questions)}")  # fmt: skip
        for question, item in zip(questions, items, strict=True):
            _translate(
                question,
                {language: {"title": item.title[:200], "text": item.text,
                            "general_feedback": item.general_feedback}},
            )  # fmt: skip
            given = (
                [{"text": a.text, "feedback": a.feedback} for a in item.answers]
                + [{"feedback": v.feedback} for v in item.numerical]
                + [{"text": prompt, "match": match} for prompt, match in item.pairs]
            )
            answers = sorted(question.answers.all(), key=lambda a: (a.position, a.pk))
            if len(given) != len(answers):
                raise ValueError(f"{quiz}: question {item.title!r} in {language} has "
                                 f"{len(given)} answers, not {len(answers)}")  # fmt: skip
            for answer, fields in zip(answers, given, strict=True):
                _translate(answer, {language: {k: v for k, v in fields.items() if v}})


def _video(lesson: Any, position: int, spec: dict[str, Any]) -> Block:
    block = block_add(
        lesson=lesson,
        kind=BlockKind.VIDEO,
        position=position,
        title=spec["title"],
        video_file=(f"{lesson.slug}.webm", demo_video()),
        duration=float(VIDEO_SECONDS),
    )
    for language, lines in spec["captions"].items():
        step = VIDEO_SECONDS / len(lines)
        cues = [Cue(n * step, (n + 1) * step, text) for n, text in enumerate(lines)]
        caption_add(block=block, language=language, content=write_captions(cues).encode())
    return block
