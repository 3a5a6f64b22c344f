"""Conversation pages: take part (vote, add statements), see the results, moderate.

Thin: validate with a form, call a service or a selector, render. Anonymous participants are
identified by a signed cookie holding their per-conversation token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from listening.config.clients import client_address
from listening.conversations import selectors, services
from listening.conversations.forms import (
    BulkModerationForm,
    ConstituencyForm,
    InvitationForm,
    ModerationFilterForm,
    SeedStatementForm,
    StatementForm,
    VoteForm,
)
from listening.conversations.models import Constituency, Conversation, Participant
from listening.conversations.opinion_map import build_map, group_label

COOKIE_SALT = "listening.conversations.participant"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def _cookie_name(conversation: Conversation) -> str:
    return f"conversation-{conversation.pk}"


def _conversation(slug: str) -> Conversation:
    try:
        return selectors.conversation_get(slug)
    except Conversation.DoesNotExist:
        raise Http404(_("No conversation at this address.")) from None


def _participant(request: HttpRequest, conversation: Conversation) -> Participant | None:
    """The participant of this browser (cookie) or of the signed-in user.

    An anonymous participant who signs in is claimed by their account and keeps their votes.
    """
    token = request.get_signed_cookie(
        _cookie_name(conversation), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    from_cookie = (
        selectors.participant_for_token(conversation=conversation, token=token) if token else None
    )
    user = request.user if request.user.is_authenticated else None
    if user is None:
        return from_cookie
    if from_cookie is not None and from_cookie.user_id is None:
        return services.participant_claim(participant=from_cookie, user=user)
    if from_cookie is not None and from_cookie.user_id == user.pk:
        return from_cookie
    # No cookie, or one left in this browser by another account: never act as that one.
    return Participant.objects.filter(conversation=conversation, user=user).first()


def _remember(response: HttpResponseBase, conversation: Conversation, token: str) -> None:
    response.set_signed_cookie(
        _cookie_name(conversation),
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def _ensure_participant(
    request: HttpRequest, conversation: Conversation
) -> tuple[Participant, str | None]:
    """The existing participant, or a new one (with the token to remember in a cookie)."""
    participant = _participant(request, conversation)
    if participant is not None:
        return participant, None
    user = request.user if request.user.is_authenticated else None
    return services.participant_create(
        conversation=conversation, user=user, ip=client_address(request)
    )


def _card_context(
    request: HttpRequest, conversation: Conversation, participant: Participant | None
) -> dict[str, Any]:
    statement = (
        selectors.statement_next(participant=participant)
        if participant is not None
        else selectors.statement_first(conversation=conversation)
    )
    voted = len(selectors.participant_votes(participant=participant)) if participant else 0
    return {
        "conversation": conversation,
        "statement": statement,
        "voted": voted,
        "is_open": conversation.is_open(),
        "vote_form": VoteForm(),
    }


@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = selectors.conversation_list()
    return render(request, "conversations/list.html", {"conversations": conversations})


@require_GET
def conversation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    participant = _participant(request, conversation)
    needs_invitation = conversation.invitation_required and participant is None
    context = {
        **_card_context(request, conversation, participant),
        "participant": participant,
        "needs_invitation": needs_invitation,
        "invitation_form": InvitationForm(),
        "statement_form": StatementForm(conversation=conversation),
        "constituency_form": ConstituencyForm(
            initial={"constituency": participant.constituency if participant else ""}
        ),
        "stats": selectors.conversation_stats(conversation),
        "can_moderate": request.user.has_perm("conversations.moderate_conversation", conversation),
    }
    return render(request, "conversations/detail.html", context)


@require_POST
def conversation_join(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        try:
            _participant, token = services.participant_create(
                conversation=conversation,
                user=request.user if request.user.is_authenticated else None,
                invitation_code=code,
                ip=client_address(request),
            )
        except services.ConversationError as exc:
            messages.error(request, str(exc))
            return redirect("conversations:detail", slug=slug)
        response = redirect("conversations:detail", slug=slug)
        _remember(response, conversation, token)
        messages.success(request, _("Welcome: you can now vote and add statements."))
        return response
    messages.error(request, _("Enter the invitation code you received."))
    return redirect("conversations:detail", slug=slug)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    form = VoteForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    error = None
    token = None
    participant = None
    if not form.is_valid():
        error = _("That vote could not be read: choose agree, disagree or pass.")
    else:
        try:
            participant, token = _ensure_participant(request, conversation)
            services.vote_cast(
                participant=participant,
                statement_id=form.cleaned_data["statement"],
                value=form.cleaned_data["vote"],
                ip=client_address(request),
            )
        except services.ConversationError as exc:
            error = str(exc)
    if htmx:
        context = {**_card_context(request, conversation, participant), "error": error}
        response = render(
            request, "conversations/_card.html", context, status=200 if error is None else 400
        )
    else:
        if error:
            messages.error(request, error)
        response = redirect("conversations:detail", slug=slug)
    if token:
        _remember(response, conversation, token)
    return response


@require_POST
def statement_add(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    form = StatementForm(request.POST, conversation=conversation)
    response = redirect("conversations:detail", slug=slug)
    if not form.is_valid():
        for error in form.errors.get("text", []):
            messages.error(request, str(error))
        return response
    try:
        participant, token = _ensure_participant(request, conversation)
        statement = services.statement_submit(
            participant=participant, text=form.cleaned_data["text"], ip=client_address(request)
        )
    except services.ConversationError as exc:
        messages.error(request, str(exc))
        return response
    if statement.status == "approved":
        messages.success(request, _("Thank you: your statement is now open for votes."))
    else:
        messages.success(
            request, _("Thank you: your statement will appear once a moderator approves it.")
        )
    if statement.near_duplicate is not None:
        messages.warning(
            request,
            _("A statement very like yours is already here: “%(text)s”. You can vote on it too.")
            % {"text": statement.near_duplicate.text},
        )
    if token:
        _remember(response, conversation, token)
    return response


@require_POST
def constituency(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    form = ConstituencyForm(request.POST)
    response = redirect("conversations:detail", slug=slug)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed constituencies."))
        return response
    try:
        participant, token = _ensure_participant(request, conversation)
        services.participant_set_constituency(
            participant=participant, constituency=form.cleaned_data["constituency"]
        )
    except services.ConversationError as exc:
        messages.error(request, str(exc))
        return response
    messages.success(request, _("Saved: your votes now count for this constituency too."))
    if token:
        _remember(response, conversation, token)
    return response


def _statement_rows(
    result: dict[str, Any], texts: dict[str, str], ids: list[Any]
) -> list[dict[str, Any]]:
    rows = []
    statements = result.get("statements", {})
    for item in ids:
        sid = str(item["statement"] if isinstance(item, dict) else item)
        if sid in texts:
            rows.append({"id": sid, "text": texts[sid], **statements.get(sid, {}), "item": item})
    return rows


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    participant = _participant(request, conversation)
    snapshot = selectors.opinion_latest(conversation)
    context: dict[str, Any] = {
        "conversation": conversation,
        "snapshot": snapshot,
        "stats": selectors.conversation_stats(conversation),
    }
    if snapshot is None:
        return render(request, "conversations/results.html", context)
    you = str(participant.pk) if participant else None
    result = selectors.opinion_public(
        conversation=conversation, snapshot=snapshot, positions_of=[you] if you else []
    )
    texts = selectors.statement_texts(conversation=conversation)
    opinion_map = build_map(result, you=you)
    your_group = None
    if you and you in result.get("participants", {}):
        gid = result["participants"][you].get("group")
        your_group = group_label(str(gid)) if gid is not None else None
    groups = []
    for gid, group in sorted(result.get("groups", {}).items(), key=lambda kv: int(kv[0])):
        colour = next((g.colour for g in opinion_map.groups if g.id == gid), "#555555")
        groups.append(
            {
                "id": gid,
                "label": group_label(gid),
                "size": group["size"],
                "colour": colour,
                "representative": _statement_rows(result, texts, group.get("representative", [])),
            }
        )
    statements = result.get("statements", {})
    by_bridging = sorted(
        (sid for sid in statements if sid in texts),
        key=lambda sid: -statements[sid].get("bridging", 0.0),
    )
    constituencies = _constituency_table(result, texts, by_bridging[:10])
    context.update(
        {
            "map": opinion_map,
            "groups": groups,
            "your_group": your_group,
            "consensus_agree": _statement_rows(
                result, texts, result.get("consensus", {}).get("agree", [])
            ),
            "consensus_disagree": _statement_rows(
                result, texts, result.get("consensus", {}).get("disagree", [])
            ),
            "bridging": _statement_rows(result, texts, by_bridging[:10]),
            "all_statements": _statement_rows(result, texts, sorted(statements, key=int)),
            "constituencies": constituencies,
            "min_group_size": result["min_group_size"],
            "group_votes": _group_votes(result, by_bridging[:10]),
        }
    )
    return render(request, "conversations/results.html", context)


def _percent(counts: dict[str, int]) -> int | None:
    seen = counts.get("seen", 0)
    return round(100 * counts.get("agree", 0) / seen) if seen else None


def _group_votes(result: dict[str, Any], sids: list[str]) -> dict[str, list[int | None]]:
    groups = sorted(result.get("groups", {}).items(), key=lambda kv: int(kv[0]))
    return {sid: [_percent(g.get("votes", {}).get(sid, {})) for _, g in groups] for sid in sids}


def _constituency_table(
    result: dict[str, Any], texts: dict[str, str], sids: list[str]
) -> dict[str, Any]:
    by_class = result.get("attributes", {}).get("constituency", {})
    labels = {**dict(Constituency.choices), selectors.ATTRIBUTE_OTHER: _("Other")}
    classes = [c for c in [*Constituency.values, selectors.ATTRIBUTE_OTHER] if c in by_class]
    return {
        "columns": [labels[c] for c in classes],
        "rows": [
            {
                "id": sid,
                "text": texts[sid],
                "cells": [_percent(by_class[c].get(sid, {})) for c in classes],
            }
            for sid in sids
        ],
    }


def _moderation_guard(request: HttpRequest, conversation: Conversation) -> None:
    if not request.user.has_perm("conversations.moderate_conversation", conversation):
        raise PermissionDenied(_("Only moderators of this conversation may do this."))


@login_required
def moderate(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    _moderation_guard(request, conversation)
    filters = ModerationFilterForm(request.GET or None)
    status = query = ""
    if filters.is_valid():
        status, query = filters.cleaned_data["status"], filters.cleaned_data["q"]
    queue = selectors.moderation_queue(
        conversation=conversation, status=status or None, query=query
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    if request.method == "POST":
        form = BulkModerationForm(request.POST, statement_ids=[s.pk for s in page.object_list])
        if form.is_valid() and form.cleaned_data["statements"]:
            count = services.statements_moderate(
                conversation=conversation,
                statement_ids=form.cleaned_data["statements"],
                action=form.cleaned_data["action"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("%(count)d statement(s) updated.") % {"count": count})
        else:
            messages.error(request, _("Select at least one statement on this page, and an action."))
        return redirect(request.get_full_path())
    context = {
        "conversation": conversation,
        "page": page,
        "filters": filters,
        "seed_form": SeedStatementForm(),
        "stats": selectors.conversation_stats(conversation),
        "log": selectors.moderation_log(conversation=conversation)[:10],
    }
    return render(request, "conversations/moderate.html", context)


@login_required
@require_POST
def seed(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    _moderation_guard(request, conversation)
    form = SeedStatementForm(request.POST)
    if form.is_valid():
        try:
            services.statement_seed(
                conversation=conversation, text=form.cleaned_data["text"], actor=request.user
            )
            messages.success(request, _("Seed statement added."))
        except services.ConversationError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("A seed statement needs its text."))
    return redirect("conversations:moderate", slug=slug)


@login_required
@require_POST
def open_close(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    _moderation_guard(request, conversation)
    if request.POST.get("action") == "close":
        services.conversation_close(conversation=conversation, actor=request.user)
        messages.success(request, _("The conversation is closed: no more votes or statements."))
    elif request.POST.get("action") == "reopen":
        services.conversation_reopen(conversation=conversation, actor=request.user)
        messages.success(request, _("The conversation is open again."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("conversations:moderate", slug=slug)


@login_required
@require_GET
def moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    _moderation_guard(request, conversation)
    page = Paginator(selectors.moderation_log(conversation=conversation), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "conversations/log.html", {"conversation": conversation, "page": page})
