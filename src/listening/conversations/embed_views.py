"""A conversation inside another site's page (docs/embedding.md).

``/embed.js`` (a static file) puts an iframe of ``/embed/<slug>/`` on the host page. The frame
is allowed only on the organiser's origins (CSP ``frame-ancestors``), speaks the host page's
language (``?lang=``) and takes part through the same services as the voting page.

No cookie: browsers block or drop cookies in a third-party frame (SameSite, third-party cookie
blocking), so the participant's token travels in the frame's own forms (a hidden field the host
page cannot read: the frame is another origin). The forms are exempt from Django's CSRF cookie
check, which could not work here; they need no other protection because nothing a browser adds
by itself (cookie, session, signed-in user) identifies anyone in these views, and a POST whose
``Origin`` is another site is refused. A host's signed-in user comes as ``xid`` with its
``xid_signature`` (HMAC-SHA256 under the conversation's secret), checked by
``participant_create``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from listening.config.clients import client_address
from listening.config.security import frame_ancestors_allow
from listening.conversations import selectors, services
from listening.conversations.embedding import origins_parse
from listening.conversations.forms import StatementForm, VoteForm
from listening.conversations.models import Conversation, Participant

# Message pages (unknown conversation, embedding off) hold text only: any site may frame them,
# so that the visitor reads why instead of the browser's blank refusal.
ANYWHERE = ["*"]
SUMMARY_STATEMENTS = 3


class EmbedRefused(Exception):
    def __init__(self, message: str, status: int, origins: list[str]) -> None:
        super().__init__(message)
        self.message, self.status, self.origins = message, status, origins


def _language(request: HttpRequest, asked: str) -> None:
    """The host page's language (``fr``, ``fr-CA``) when the site has it; otherwise the
    browser's (Accept-Language)."""
    code = (asked or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in dict(settings.LANGUAGES):
        # LocaleMiddleware gives unprefixed paths the default language: ask the browser here.
        code = translation.get_language_from_request(request)
    translation.activate(code)
    request.LANGUAGE_CODE = code


def _state(request: HttpRequest) -> dict[str, str]:
    """What the frame carries from page to page: language, host origin, participant token."""
    data = request.POST if request.method == "POST" else request.GET
    return {
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "origin": (data.get("origin") or "").strip()[:300],
        "token": (data.get("token") or "").strip()[:200],
    }


def _embeddable(request: HttpRequest, slug: str, origin: str) -> tuple[Conversation, list[str]]:
    try:
        conversation = selectors.conversation_get(slug)
    except Conversation.DoesNotExist:
        raise EmbedRefused(
            _("No conversation at this address: check the data-conversation of the embed code."),
            404,
            ANYWHERE,
        ) from None
    origins = conversation.embed_origin_list
    if not conversation.embed_allowed or not origins:
        raise EmbedRefused(
            _("This conversation is not open for embedding on other sites."), 403, ANYWHERE
        )
    if origin:
        try:
            listed = origins_parse(origin)
        except ValidationError:
            listed = []
        if len(listed) != 1 or listed[0] not in origins:
            raise EmbedRefused(
                _(
                    "This conversation may be shown only on the sites its organisers list; "
                    "%(origin)s is not one of them."
                )
                % {"origin": origin},
                403,
                origins,
            )
    return conversation, origins


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _respond(response: HttpResponse, origins: list[str]) -> HttpResponse:
    # A page with a participant's token is nobody else's: never stored by a cache.
    patch_cache_control(response, private=True, no_store=True)
    frame_ancestors_allow(response, origins)
    return response


def _refusal(request: HttpRequest, refused: EmbedRefused, state: dict[str, str]) -> HttpResponse:
    response = render(
        request,
        "conversations/embed/message.html",
        {"message": refused.message, "state": state},
        status=refused.status,
    )
    return _respond(response, refused.origins)


def _summary(conversation: Conversation, stats: dict[str, Any]) -> dict[str, Any]:
    """The results as the frame shows them, or the reason there are none yet."""
    if not stats["votes"]:
        return {"notice": _("No votes yet: the results appear here once people have voted.")}
    snapshot = selectors.opinion_latest(conversation)
    if snapshot is None:
        return {
            "notice": _(
                "No opinion map yet: it is computed once enough people have voted. Come back soon."
            )
        }
    # Groups and consensus only: no participant's position is read.
    result = selectors.opinion_public(conversation=conversation, snapshot=snapshot, positions_of=[])
    texts = selectors.statement_texts(conversation=conversation)

    def listed(items: list[Any]) -> list[str]:
        ids = [str(i["statement"] if isinstance(i, dict) else i) for i in items]
        return [texts[sid] for sid in ids if sid in texts][:SUMMARY_STATEMENTS]

    groups = result.get("groups", {})
    return {
        "groups": len(groups),
        "one_group": len(groups) < 2,
        "agree": listed(result.get("consensus", {}).get("agree", [])),
        "disagree": listed(result.get("consensus", {}).get("disagree", [])),
    }


def _context(
    conversation: Conversation,
    participant: Participant | None,
    state: dict[str, str],
    **extra: Any,
) -> dict[str, Any]:
    statement = (
        selectors.statement_next(participant=participant)
        if participant is not None
        else selectors.statement_first(conversation=conversation)
    )
    voted = len(selectors.participant_votes(participant=participant)) if participant else 0
    # The counts only serve the results summary (on a large conversation they cost the most).
    stats = selectors.conversation_stats(conversation) if conversation.embed_show_results else {}
    statement_form = StatementForm(conversation=conversation)
    # A vote redraws the card, this form and the results (htmx): a statement being written stays.
    statement_form.fields["text"].widget.attrs["hx-preserve"] = "true"
    return {
        "conversation": conversation,
        "statement": statement,
        "voted": voted,
        "is_open": conversation.is_open(),
        "vote_form": VoteForm(),
        "statement_form": statement_form,
        "state": state,
        "stats": stats,
        "summary": _summary(conversation, stats) if stats else None,
        **extra,
    }


@require_GET
def embed_page(request: HttpRequest, slug: str) -> HttpResponse:
    _language(request, request.GET.get("lang", ""))
    state = _state(request)
    try:
        conversation, origins = _embeddable(request, slug, state["origin"])
    except EmbedRefused as refused:
        return _refusal(request, refused, state)
    participant = None
    xid = request.GET.get("xid", "")
    if xid and conversation.is_open():
        try:
            participant, state["token"] = services.participant_create(
                conversation=conversation,
                xid=xid,
                xid_signature=request.GET.get("xid_signature", ""),
                ip=client_address(request),
            )
        except services.ConversationError as exc:
            return _refusal(request, EmbedRefused(str(exc), exc.status_code, origins), state)
    context = _context(conversation, participant, state)
    return _respond(render(request, "conversations/embed/page.html", context), origins)


def _post_guard(request: HttpRequest, slug: str) -> tuple[Conversation, list[str], dict[str, str]]:
    _language(request, request.POST.get("lang", ""))
    state = _state(request)
    origin = request.headers.get("Origin")
    if origin is not None and origin != _own_origin(request):
        raise EmbedRefused(_("This form can be sent only from its own frame."), 403, [])
    conversation, origins = _embeddable(request, slug, state["origin"])
    return conversation, origins, state


def _known(conversation: Conversation, state: dict[str, str]) -> Participant | None:
    token = state["token"]
    return (
        selectors.participant_for_token(conversation=conversation, token=token) if token else None
    )


def _participant(
    request: HttpRequest, conversation: Conversation, state: dict[str, str]
) -> Participant:
    """The frame's participant (its token), or a new one whose token the page then carries."""
    if state["token"]:
        participant = selectors.participant_for_token(
            conversation=conversation, token=state["token"]
        )
        if participant is None:
            raise services.ConversationError(
                _("This page has expired: reload it to go on voting."), status_code=403
            )
        return participant
    participant, state["token"] = services.participant_create(
        conversation=conversation, ip=client_address(request)
    )
    return participant


@csrf_exempt  # see the module's docstring: no cookie identifies anyone here
@require_POST
def embed_vote(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        conversation, origins, state = _post_guard(request, slug)
    except EmbedRefused as refused:
        return _refusal(request, refused, _state(request))
    form = VoteForm(request.POST)
    participant = None
    error = None
    status = 200
    if not form.is_valid():
        error, status = _("That vote could not be read: choose agree, disagree or pass."), 400
    else:
        try:
            participant = _participant(request, conversation, state)
            services.vote_cast(
                participant=participant,
                statement_id=form.cleaned_data["statement"],
                value=form.cleaned_data["vote"],
                ip=client_address(request),
            )
        except services.ConversationError as exc:
            error, status = str(exc), exc.status_code
    participant = participant or _known(conversation, state)
    context = _context(conversation, participant, state, error=error)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers; the error is in the card, announced by role=alert.
        response = render(request, "conversations/embed/_participate.html", context)
    else:
        response = render(request, "conversations/embed/page.html", context, status=status)
    return _respond(response, origins)


@csrf_exempt  # see the module's docstring: no cookie identifies anyone here
@require_POST
def embed_statement(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        conversation, origins, state = _post_guard(request, slug)
    except EmbedRefused as refused:
        return _refusal(request, refused, _state(request))
    form = StatementForm(request.POST, conversation=conversation)
    participant = None
    notice = error = None
    status = 200
    if not form.is_valid():
        error, status = " ".join(str(e) for e in form.errors.get("text", [])), 400
    else:
        try:
            participant = _participant(request, conversation, state)
            statement = services.statement_submit(
                participant=participant,
                text=form.cleaned_data["text"],
                ip=client_address(request),
            )
            notice = (
                _("Thank you: your statement is now open for votes.")
                if statement.status == "approved"
                else _("Thank you: your statement will appear once a moderator approves it.")
            )
        except services.ConversationError as exc:
            error, status = str(exc), exc.status_code
    participant = participant or _known(conversation, state)
    context = _context(conversation, participant, state, statement_error=error, notice=notice)
    if error:
        context["statement_form"] = form  # the text comes back, to be corrected
    response = render(request, "conversations/embed/page.html", context, status=status)
    return _respond(response, origins)


@cache
def _script() -> bytes:
    found = finders.find("conversations/embed.js")
    return Path(str(found)).read_bytes()


@require_GET
def embed_script(request: HttpRequest) -> HttpResponse:
    """``/embed.js``: the script a host page loads (the same file as the static one)."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_cache_control(response, public=True, max_age=300)
    return response
