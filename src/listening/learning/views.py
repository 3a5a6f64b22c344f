"""Course pages: outline and progress, lessons, quiz attempts, video progress, certificates,
and the authors' statistics. Thin: resolve the learner, call a selector or a service, render.

Learners start anonymously: a random token in a signed cookie names them; when they sign in,
their progress moves to their account (``learner_claim``).
"""

from __future__ import annotations

import json
import mimetypes
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from listening.learning import charts, selectors, services, video, xapi
from listening.learning.captions import CaptionError, read_captions
from listening.learning.certificate_pdf import certificate_pdf
from listening.learning.content import render_markdown, render_question_text
from listening.learning.grading import shuffled
from listening.learning.models import (
    Attempt,
    Block,
    BlockKind,
    Caption,
    Certificate,
    Chart,
    Course,
    Learner,
    LearningEvent,
    Lesson,
    Question,
    QuestionType,
)
from listening.learning.rules import attempt_belongs_to

COOKIE = "learner"
COOKIE_SALT = "listening.learning.learner"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


class _Who:
    """The learner of a request, and a new token to set as a cookie if one was created."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.new_token: str | None = None
        self.forget_cookie = False
        self._learner: Learner | None = None
        self._resolved = False

    def get(self) -> Learner | None:
        if self._resolved:
            return self._learner
        self._resolved = True
        token = self.request.get_signed_cookie(
            COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
        )
        from_cookie = services.learner_for_token(token) if token else None
        user = self.request.user
        if user.is_authenticated:
            if from_cookie is not None and from_cookie.user_id is None:
                self._learner = services.learner_claim(learner=from_cookie, user=user)
                self.forget_cookie = True
            else:
                self._learner = Learner.objects.filter(user=user).first()
        else:
            self._learner = from_cookie
        return self._learner

    def get_or_create(self) -> Learner:
        learner = self.get()
        if learner is None:
            if self.request.user.is_authenticated:
                learner = services.learner_for_user(user=self.request.user)
            else:
                learner, self.new_token = services.learner_create()
            self._learner = learner
        return learner

    def finish(self, response: HttpResponseBase) -> HttpResponseBase:
        if self.new_token:
            response.set_signed_cookie(
                COOKIE,
                self.new_token,
                salt=COOKIE_SALT,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        elif self.forget_cookie:
            response.delete_cookie(COOKIE, samesite="Lax")
        return response


def _preview(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("learning.preview_course"))


def _course(request: HttpRequest, slug: str) -> Course:
    try:
        return selectors.course_get(slug, preview=_preview(request))
    except Course.DoesNotExist:
        raise Http404(_("No course at this address.")) from None


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/course_list.html", {"courses": selectors.published_courses()})


@require_GET
def course_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    course = _course(request, slug)
    who = _Who(request)
    learner = who.get()
    outline = selectors.course_outline(course, learner)
    complete = bool(outline) and all(item.complete for item in outline)
    certificate = (
        Certificate.objects.filter(learner=learner, course=course).first() if learner else None
    )
    context = {
        "course": course,
        "description": render_markdown(course.description),
        "outline": outline,
        "complete": complete,
        "certificate": certificate,
        "modules_done": sum(1 for item in outline if item.complete),
        "can_see_statistics": request.user.has_perm("learning.view_statistics"),
    }
    return who.finish(render(request, "learning/course_detail.html", context))


def _transcript(caption: Caption) -> list[dict[str, Any]]:
    try:
        caption.file.open("rb")
        with caption.file:
            cues = read_captions(caption.file.read())
    except (OSError, CaptionError):
        return []
    return [{"start": int(cue.start), "text": cue.text} for cue in cues]


@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        lesson = selectors.lesson_get(slug, preview=_preview(request))
    except Lesson.DoesNotExist:
        raise Http404(_("No lesson at this address.")) from None
    who = _Who(request)
    learner = who.get_or_create()
    services.lesson_view(learner=learner, lesson=lesson)
    blocks = selectors.lesson_blocks(lesson)
    done, positions = selectors.lesson_state(lesson, learner)
    quiz_ids = [block.quiz.pk for block in blocks if block.kind == BlockKind.QUIZ]
    attempts = selectors.quiz_attempts(learner, quiz_ids)
    language = request.LANGUAGE_CODE
    items = []
    for block in blocks:
        item: dict[str, Any] = {"block": block, "done": block.pk in done}
        if block.kind == BlockKind.TEXT:
            item["html"] = render_markdown(block.body)
        elif block.kind == BlockKind.VIDEO:
            captions = list(block.captions.all())
            shown = next((c for c in captions if c.language == language), None) or next(
                iter(captions), None
            )
            item.update(
                captions=captions,
                transcript=_transcript(shown) if shown else [],
                transcript_language=shown.language if shown else "",
                resume=positions.get(block.pk, 0.0),
            )
        elif block.kind == BlockKind.INFOGRAPHIC:
            item["description"] = render_markdown(block.long_description)
            if block.chart:
                item["chart_title"], item["chart_rows"] = charts.chart_data(block.chart)
        elif block.kind == BlockKind.QUIZ:
            quiz = block.quiz
            tried = attempts.get(quiz.pk, [])
            item.update(
                quiz=quiz,
                attempts=tried,
                open_attempt=next((a for a in tried if a.submitted_at is None), None),
                best=max((a.score or 0 for a in tried if a.submitted_at), default=None),
                attempts_left=(
                    None
                    if not quiz.attempts_allowed
                    else max(0, quiz.attempts_allowed - len(tried))
                ),
                question_count=quiz.pool_size or quiz.questions.count(),
            )
        items.append(item)
    lessons = list(lesson.module.lessons.order_by("position", "id"))
    index = next(i for i, other in enumerate(lessons) if other.pk == lesson.pk)
    context = {
        "lesson": lesson,
        "module": lesson.module,
        "course": lesson.module.course,
        "items": items,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "events_token": events_token(learner),
    }
    return who.finish(render(request, "learning/lesson.html", context))


def _block(request: HttpRequest, block_id: int, kind: str) -> Block:
    blocks = Block.objects.select_related("lesson__module__course", "quiz")
    if not _preview(request):
        blocks = blocks.filter(lesson__module__course__is_published=True)
    block = blocks.filter(pk=block_id, kind=kind).first()
    if block is None:
        raise Http404(_("No such part of a lesson."))
    return block


@require_POST
def quiz_start(request: HttpRequest, block_id: int) -> HttpResponseBase:
    block = _block(request, block_id, BlockKind.QUIZ)
    who = _Who(request)
    learner = who.get_or_create()
    try:
        attempt = services.attempt_start(learner=learner, quiz=block.quiz)
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
        return who.finish(redirect(f"{block.lesson.get_absolute_url()}#block-{block.pk}"))
    return who.finish(redirect("learning:attempt", pk=attempt.pk))


def _own_attempt(request: HttpRequest, pk: int) -> tuple[_Who, Attempt]:
    try:
        attempt = selectors.attempt_get(pk)
    except Attempt.DoesNotExist:
        raise Http404(_("No such attempt.")) from None
    who = _Who(request)
    if not attempt_belongs_to(who.get(), attempt):
        raise PermissionDenied(_("This attempt belongs to another learner."))
    return who, attempt


def _question_value(question: Question, data: Any) -> Any:
    """A question's response from form fields named ``q<id>`` (and ``q<id>-<pair id>``)."""
    name = f"q{question.pk}"
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return data.getlist(name)
    if question.type == QuestionType.MATCHING:
        return {
            str(answer.pk): data.get(f"{name}-{answer.pk}", "")
            for answer in question.answers.all()
            if data.get(f"{name}-{answer.pk}")
        }
    return data.get(name, "")


def _question_view(attempt: Attempt, question: Question, response: Any) -> dict[str, Any]:
    answers = list(question.answers.all())
    if attempt.quiz.shuffle_options and question.type != QuestionType.TRUE_FALSE:
        answers = shuffled(answers, seed=attempt.seed, salt=question.pk)
    value = response.value if response is not None else None
    view: dict[str, Any] = {
        "question": question,
        "text": render_question_text(question.text, question.text_format),
        "name": f"q{question.pk}",
        "answers": answers,
        "value": value,
        "chosen": set(value)
        if isinstance(value, list)
        else {value}
        if isinstance(value, int)
        else set(),
        "score": response.score if response is not None else None,
    }
    if question.type == QuestionType.MATCHING:
        matches = sorted({a.match for a in answers})
        view["matches"] = shuffled(matches, seed=attempt.seed, salt=-question.pk)
        view["pairs"] = [
            (answer, (value or {}).get(str(answer.pk), "") if isinstance(value, dict) else "")
            for answer in answers
        ]
    if attempt.submitted_at is not None:
        from listening.learning import grading

        key = grading.QuestionKey(type=question.type, options=[a.as_option() for a in answers])
        view["feedback"] = grading.grade(key, value).feedback
    return view


@require_GET
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    who, attempt = _own_attempt(request, pk)
    questions = [
        _question_view(attempt, question, response)
        for question, response in selectors.attempt_questions(attempt)
    ]
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "lesson": attempt.quiz.block.lesson,
        "course": attempt.quiz.block.lesson.module.course,
        "questions": questions,
        "events_token": events_token(attempt.learner),
    }
    return who.finish(render(request, "learning/attempt.html", context))


@require_POST
def attempt_answer(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Save one answer as it is given (the quiz page's script posts each change here)."""
    who, attempt = _own_attempt(request, pk)
    try:
        question_id = int(request.POST.get("question", ""))
        question = Question.objects.prefetch_related("answers").get(pk=question_id)
        services.response_save(
            attempt=attempt,
            question_id=question_id,
            value=_question_value(question, request.POST),
        )
    except (ValueError, Question.DoesNotExist):
        return JsonResponse({"error": _("Unknown question.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": _validation_message(exc)}, status=400)
    return who.finish(JsonResponse({"saved": True}))


@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponseBase:
    who, attempt = _own_attempt(request, pk)
    if attempt.submitted_at is None:
        answers = {
            question.pk: _question_value(question, request.POST)
            for question, _response in selectors.attempt_questions(attempt)
            if any(key.startswith(f"q{question.pk}") for key in request.POST)
        }
        try:
            attempt = services.attempt_submit(attempt=attempt, answers=answers)
        except ValidationError as exc:
            messages.error(request, _validation_message(exc))
            return who.finish(redirect("learning:attempt", pk=attempt.pk))
    return who.finish(redirect(reverse("learning:attempt", args=[attempt.pk]) + "#result"))


@require_POST
def video_progress(request: HttpRequest, block_id: int) -> HttpResponseBase:
    """Watched intervals reported by the player: JSON {"intervals": [[s, e], ...],
    "position": s}."""
    block = _block(request, block_id, BlockKind.VIDEO)
    who = _Who(request)
    learner = who.get_or_create()
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": _("Send a JSON object.")}, status=400)
    try:
        progress = services.video_progress_record(
            learner=learner,
            block=block,
            intervals=data.get("intervals", []),
            position=data.get("position", 0.0),
        )
    except ValidationError as exc:
        return JsonResponse({"error": _validation_message(exc)}, status=400)
    complete = video.is_complete(progress.intervals, block.duration or 0.0)
    return who.finish(
        JsonResponse(
            {
                "watched": round(progress.watched, 2),
                "duration": block.duration,
                "complete": complete,
            }
        )
    )


EVENTS_SALT = "listening.learning.events"
EVENTS_TOKEN_MAX_AGE = 60 * 60 * 24
EVENTS_MAX_BYTES = 256 * 1024


def events_token(learner: Learner) -> str:
    """A per-page token for the batch endpoint, signed and bound to the learner: it stands
    for the CSRF token, which ``navigator.sendBeacon`` cannot send as a header."""
    return signing.TimestampSigner(salt=EVENTS_SALT).sign(str(learner.pk))


def _events_token_ok(token: Any, learner: Learner | None) -> bool:
    if learner is None or not isinstance(token, str):
        return False
    try:
        value = signing.TimestampSigner(salt=EVENTS_SALT).unsign(
            token, max_age=EVENTS_TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == str(learner.pk)


@csrf_exempt  # replaced by the signed per-page token in the body, checked below
@require_POST
def events(request: HttpRequest) -> HttpResponseBase:
    """A batch of progress events from the player: {"token": ..., "events": [...]} (see
    ``services.events``). Sent with fetch every few seconds, or with sendBeacon (as text/plain)
    when the page is left."""
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > EVENTS_MAX_BYTES:
        return JsonResponse({"error": _("Send at most 256 KB of events at once.")}, status=413)
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"error": _("Send a JSON object.")}, status=400)
    learner = _Who(request).get()
    if not _events_token_ok(data.get("token"), learner):
        return JsonResponse(
            {"error": _("This page has expired or belongs to someone else: reload it.")},
            status=403,
        )
    assert learner is not None
    block_ids = [e.get("block") for e in data.get("events") or [] if isinstance(e, dict)]
    blocks = Block.objects.select_related("lesson__module").filter(
        pk__in=[b for b in block_ids if isinstance(b, int) and not isinstance(b, bool)],
        kind=BlockKind.VIDEO,
    )
    if not _preview(request):
        blocks = blocks.filter(lesson__module__course__is_published=True)
    try:
        result = services.events_record(
            learner=learner, events=data.get("events"), blocks={b.pk: b for b in blocks}
        )
    except ValidationError as exc:
        return JsonResponse({"error": _validation_message(exc)}, status=400)
    return JsonResponse(result.as_json())


RANGE = re.compile(r"bytes=(\d*)-(\d*)")
RANGE_CHUNK = 8 * 1024 * 1024


@require_GET
def video_file(request: HttpRequest, block_id: int) -> HttpResponseBase:
    """The stored video, with single byte ranges so that players can seek and resume."""
    block = _block(request, block_id, BlockKind.VIDEO)
    if not block.video_file:
        raise Http404(_("This video is not stored here."))
    content_type = mimetypes.guess_type(block.video_file.name)[0] or "application/octet-stream"
    size = block.video_file.size
    match = RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match is None or not (match[1] or match[2]):
        response: HttpResponseBase = FileResponse(
            block.video_file.open("rb"), content_type=content_type
        )
        response["Accept-Ranges"] = "bytes"
        return response
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]) if match[2] else size - 1, size - 1)
    else:  # the last N bytes
        start, end = max(0, size - int(match[2])), size - 1
    if start >= size or end < start:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    end = min(end, start + RANGE_CHUNK - 1)
    with block.video_file.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start + 1)
    response = HttpResponse(data, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


@require_GET
def captions_file(request: HttpRequest, block_id: int, language: str) -> HttpResponseBase:
    block = _block(request, block_id, BlockKind.VIDEO)
    caption = Caption.objects.filter(block=block, language=language).first()
    if caption is None:
        raise Http404(_("No captions in this language."))
    return FileResponse(caption.file.open("rb"), content_type="text/vtt; charset=utf-8")


@require_GET
def chart(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in Chart.values:
        raise Http404(_("No such chart."))
    response = HttpResponse(charts.chart_svg(chart), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response


@require_POST
def certificate_request(request: HttpRequest, slug: str) -> HttpResponseBase:
    course = _course(request, slug)
    who = _Who(request)
    learner = who.get()
    if learner is None:
        messages.error(request, _("Complete every module of the course first."))
        return redirect(course)
    try:
        certificate = services.certificate_issue(
            learner=learner, course=course, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        messages.error(request, _validation_message(exc))
        return who.finish(redirect(course))
    return who.finish(redirect("learning:certificate", code=certificate.code))


def _certificate(code: str) -> Certificate:
    certificate = (
        Certificate.objects.select_related("course").filter(code=code.strip().upper()).first()
    )
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return certificate


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding a code can check what it certifies."""
    try:
        certificate = _certificate(code)
    except Http404:
        return render(request, "learning/certificate.html", {"code": code}, status=404)
    return render(request, "learning/certificate.html", {"certificate": certificate, "code": code})


@require_GET
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    verify_url = request.build_absolute_uri(
        reverse("learning:certificate", args=[certificate.code])
    )
    response = HttpResponse(
        certificate_pdf(certificate, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


def _author_course(request: HttpRequest, slug: str) -> Course:
    if not request.user.has_perm("learning.view_statistics"):
        raise PermissionDenied(_("Only course authors see this page."))
    return _course(request, slug)


@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    course = _author_course(request, slug)
    context = {
        "course": course,
        "questions": selectors.question_statistics(course),
        "lessons": selectors.lesson_drop_off(course),
    }
    return render(request, "learning/statistics.html", context)


@require_GET
def xapi_export(request: HttpRequest, slug: str) -> HttpResponse:
    course = _author_course(request, slug)
    events = LearningEvent.objects.filter(course=course).select_related(
        "block", "lesson", "module", "course"
    )
    statements = xapi.statements(events, base_url=request.build_absolute_uri("/"))
    return JsonResponse(statements, safe=False, json_dumps_params={"ensure_ascii": False})
