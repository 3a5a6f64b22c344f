"""Live room pages: the audience's, the projector's and the moderators'.

Thin: validate, call a service or selector, render. The pages work without JavaScript (forms
post and come back); ``live/live.js`` keeps them current through the WebSocket, or by polling
the JSON API when WebSockets are not available.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from listening.live import selectors, services
from listening.live.forms import PollForm, QuestionForm, RegistrationForm
from listening.live.models import LiveParticipant, LiveRoom, Poll, Question, RegistrationDesk
from listening.live.rules import is_live_moderator
from listening.programmes.models import ListeningSession

COOKIE_SALT = "listening.live.participant"
COOKIE_MAX_AGE = 60 * 60 * 24 * 7


def _room(code: str) -> LiveRoom:
    try:
        return selectors.room_get(code)
    except LiveRoom.DoesNotExist:
        raise Http404(_("No live room has this code. Check the code on the screen.")) from None


def _cookie(room: LiveRoom) -> str:
    return f"live-{room.pk}"


def _participant(request: HttpRequest, room: LiveRoom) -> LiveParticipant | None:
    token = request.get_signed_cookie(
        _cookie(room), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return selectors.participant_by_token(room=room, token=token) if token else None


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _remember(response: HttpResponseBase, room: LiveRoom, token: str | None) -> None:
    if token:
        response.set_signed_cookie(
            _cookie(room),
            token,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
        )


def _ensure_participant(
    request: HttpRequest, room: LiveRoom, form: QuestionForm | None = None
) -> tuple[LiveParticipant, str | None]:
    participant = _participant(request, room)
    if participant is not None:
        return participant, None
    city = form.cleaned_data.get("city") if form is not None else None
    kind = form.cleaned_data.get("kind", "") if form is not None else ""
    return services.participant_join(room=room, city=city, kind=kind, ip=_ip(request))


def _back(room: LiveRoom) -> HttpResponse:
    return redirect("live:room", code=room.code)


@require_GET
def enter(request: HttpRequest) -> HttpResponse:
    """Type the code shown on the screen."""
    code = request.GET.get("code", "").strip()
    if code:
        try:
            room = selectors.room_get(code)
        except LiveRoom.DoesNotExist:
            messages.error(request, _("No live room has this code. Check the code on the screen."))
        else:
            return redirect("live:room", code=room.code)
    return render(request, "live/enter.html", {"code": code})


def _page_context(request: HttpRequest, room: LiveRoom) -> dict[str, Any]:
    participant = _participant(request, room)
    upvoted: set[int] = set()
    answered: dict[int, int] = {}
    if participant is not None:
        upvoted = set(participant.upvotes.values_list("question_id", flat=True))
        answered = dict(participant.poll_answers.values_list("poll_id", "choice"))
    state = selectors.room_state(room)
    return {
        "room": room,
        "state": state,
        "participant": participant,
        "upvoted": upvoted,
        "my_answer": answered.get(state["poll"]["id"]) if state["poll"] else None,
        "audience_url": request.build_absolute_uri(reverse("live:room", args=[room.code])),
    }


@require_GET
def room(request: HttpRequest, code: str) -> HttpResponse:
    live_room = _room(code)
    context = _page_context(request, live_room)
    context["form"] = QuestionForm()
    return render(request, "live/room.html", context)


@require_POST
def ask(request: HttpRequest, code: str) -> HttpResponse:
    live_room = _room(code)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        context = _page_context(request, live_room)
        context["form"] = form
        return render(request, "live/room.html", context, status=422)
    token = None
    try:
        participant, token = _ensure_participant(request, live_room, form)
        question = services.question_ask(
            participant=participant, text=form.cleaned_data["text"], ip=_ip(request)
        )
    except services.LiveError as exc:
        form.add_error("text", exc.message)
        context = _page_context(request, live_room)
        context["form"] = form
        response: HttpResponse = render(request, "live/room.html", context, status=exc.status_code)
    else:
        messages.success(
            request,
            _("Thank you: your question is shown.")
            if question.status == "approved"
            else _("Thank you: your question will be shown once a moderator approves it."),
        )
        response = _back(live_room)
    _remember(response, live_room, token)
    return response


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


@require_POST
def upvote(request: HttpRequest, code: str) -> HttpResponse:
    live_room = _room(code)
    token = None
    try:
        participant, token = _ensure_participant(request, live_room)
        services.question_upvote(
            participant=participant, question_id=_int(request.POST.get("question")), ip=_ip(request)
        )
    except services.LiveError as exc:
        messages.error(request, exc.message)
    response = _back(live_room)
    _remember(response, live_room, token)
    return response


@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    live_room = _room(code)
    token = None
    try:
        participant, token = _ensure_participant(request, live_room)
        services.poll_answer(
            participant=participant,
            poll_id=_int(request.POST.get("poll")),
            choice=_int(request.POST.get("choice")),
            ip=_ip(request),
        )
    except services.LiveError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your answer is counted."))
    response = _back(live_room)
    _remember(response, live_room, token)
    return response


@require_GET
def screen(request: HttpRequest, code: str) -> HttpResponse:
    live_room = _room(code)
    return render(request, "live/screen.html", _page_context(request, live_room))


@require_GET
def qr_code(request: HttpRequest, code: str) -> HttpResponse:
    """The audience page's address as a QR code (SVG, made here: no outside service)."""
    live_room = _room(code)
    url = request.build_absolute_uri(reverse("live:room", args=[live_room.code]))
    out = io.BytesIO()
    # A standalone SVG file (XML declaration and namespace), as an <img> needs it.
    segno.make(url, error="m").save(out, kind="svg", scale=8, dark="#000", light="#fff")
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def moderate(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_live_moderator(request.user):
        raise Http404(_("No live room has this code. Check the code on the screen."))
    live_room = _room(code)
    poll_form = PollForm()
    if request.method == "POST":
        poll_form, failed = _moderate_action(request, live_room)
        if not failed:
            return redirect("live:moderate", code=live_room.code)
    return render(
        request,
        "live/moderate.html",
        {
            "room": live_room,
            "queue": selectors.moderation_queue(live_room),
            "polls": selectors.room_polls(live_room),
            "poll_form": poll_form,
            "state": selectors.room_state(live_room),
        },
    )


def _question(room: LiveRoom, value: object) -> Question:
    question = Question.objects.filter(room=room, pk=_int(value) or 0).first()
    if question is None:
        raise services.LiveError(_("There is no such question in this room."))
    return question


def _moderate_action(request: HttpRequest, room: LiveRoom) -> tuple[PollForm, bool]:
    """Carry out one moderator action; (the poll form to show again, whether it failed)."""
    action = request.POST.get("action", "")
    poll_form = PollForm()
    try:
        if action in services.MODERATION_ACTIONS:
            ids = [i for i in map(_int, request.POST.getlist("questions")) if i is not None]
            count = services.questions_moderate(room=room, question_ids=ids, action=action)
            messages.success(request, _("%(count)d question(s) updated.") % {"count": count})
        elif action == "merge":
            services.question_merge(
                room=room,
                duplicate=_question(room, request.POST.get("duplicate")),
                into=_question(room, request.POST.get("into")),
            )
            messages.success(request, _("The questions were merged."))
        elif action == "current":
            pinned = request.POST.get("question")
            services.room_set_current(
                room=room, question=_question(room, pinned) if pinned else None
            )
        elif action == "poll_create":
            poll_form = PollForm(request.POST)
            if not poll_form.is_valid():
                return poll_form, True
            services.poll_create(
                room=room,
                text=poll_form.cleaned_data["text"],
                kind=poll_form.cleaned_data["kind"],
                choices=poll_form.choice_list(),
            )
            poll_form = PollForm()
        elif action in {"poll_open", "poll_close"}:
            poll = Poll.objects.filter(room=room, pk=_int(request.POST.get("poll")) or 0).first()
            if poll is None:
                raise services.LiveError(_("There is no such poll in this room."))
            (services.poll_open if action == "poll_open" else services.poll_close)(poll=poll)
        elif action == "to_voice":
            voice = services.question_to_voice(
                question=_question(room, request.POST.get("question"))
            )
            messages.success(
                request, _("Kept as a draft voice (number %(id)d).") % {"id": voice.pk}
            )
        elif action == "close":
            services.room_close(room=room)
            messages.success(request, _("The room is closed and archived on the session page."))
        else:
            raise services.LiveError(_("Unknown action."))
    except services.LiveError as exc:
        messages.error(request, exc.message)
        return poll_form, True
    except ValidationError as exc:  # a voice's validation error, named for the moderator
        messages.error(request, " ".join(exc.messages))
        return poll_form, True
    return poll_form, False


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Register for a session (before it starts); the email says what happens next."""
    session = ListeningSession.objects.filter(slug=slug).first()
    desk = RegistrationDesk.objects.filter(session=session).first() if session else None
    if session is None or desk is None:
        raise Http404(_("Registration is not open for this session."))
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                session=session,
                site_url=_site_url(request),
                language=getattr(request, "LANGUAGE_CODE", "en"),
                **form.cleaned_data,
            )
        except services.RegistrationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status_code
        else:
            return render(
                request, "live/registered.html", {"session": session, "registration": registration}
            )
    elif request.method == "POST":
        status = 422
    places_left = None
    if desk.capacity is not None:
        places_left = max(
            0, desk.capacity - session.registrations.filter(status="confirmed").count()
        )
    return render(
        request,
        "live/register.html",
        {"session": session, "desk": desk, "form": form, "places_left": places_left},
        status=status,
    )


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: confirm, then cancel (a GET never cancels)."""
    if request.method == "POST":
        try:
            registration = services.registration_cancel(
                token=token,
                site_url=_site_url(request),
                language=getattr(request, "LANGUAGE_CODE", "en"),
            )
        except services.RegistrationError as exc:
            return render(request, "live/cancel.html", {"error": exc.message}, status=404)
        return render(request, "live/cancel.html", {"cancelled": registration})
    return render(request, "live/cancel.html", {"token": token})
