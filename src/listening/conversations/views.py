"""Conversation pages: take part (vote, add statements), see the results, moderate.

Thin: validate with a form, call a service or a selector, render. Anonymous participants are
identified by a signed cookie holding their per-conversation token.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from listening.config.clients import client_address
from listening.conversations import selectors, services
from listening.conversations.charts import (
    PATTERN_DEFS,
    Series,
    bar_row,
    growth_svg,
    vote_bars_svg,
    vote_table_html,
)
from listening.conversations.forms import (
    BulkModerationForm,
    ConstituencyForm,
    InvitationForm,
    ModerationFilterForm,
    SeedStatementForm,
    StatementForm,
    VoteForm,
)
from listening.conversations.models import (
    Constituency,
    Conversation,
    OpinionSnapshot,
    Participant,
    StatementStatus,
)
from listening.conversations.opinion_map import HEIGHT as MAP_HEIGHT
from listening.conversations.opinion_map import MARGIN as MAP_MARGIN
from listening.conversations.opinion_map import WIDTH as MAP_WIDTH
from listening.conversations.opinion_map import MapPoint, OpinionMap, build_map, group_label
from listening.pdf import html_to_pdf

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
    if participant is not None:
        statement, left = selectors.statement_next_and_left(participant=participant)
    else:
        statement = selectors.statement_first(conversation=conversation)
        left = selectors.statements_left(conversation=conversation, participant=None)
    voted = len(selectors.participant_votes(participant=participant)) if participant else 0
    return {
        "conversation": conversation,
        "statement": statement,
        "voted": voted,
        "left": left,
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


STATEMENTS_PER_PAGE = 20
# A stored map never changes: what is drawn from it is kept while it is the latest (the key
# also names the public statements, so a moderation shows at once).
FIGURES_SECONDS = 600
# Counts and growth charts read every vote: on the results page and the report they may lag
# by this much (a large conversation has millions of votes).
LIVE_SECONDS = 60
GROWTH_SECONDS = 600


def _conversation_key(conversation: Conversation) -> str:
    return f"conversations:{conversation.pk}:{conversation.created_at.timestamp()}"


def _cached(key: str, seconds: int, compute: Any) -> Any:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _public_figures(
    conversation: Conversation, snapshot: Any, texts: dict[str, str]
) -> dict[str, Any]:
    """``opinion_public`` without its participants, the drawn map and the map's extent,
    computed once per stored map and set of public statements."""
    shown = hashlib.sha256(",".join(sorted(texts)).encode()).hexdigest()[:16]
    key = (
        f"{_conversation_key(conversation)}:figures:{snapshot.pk}:"
        f"{snapshot.computed_at.timestamp()}:{shown}"
    )

    def compute() -> dict[str, Any]:
        # No participant's position: the drawn map's summary has what the page draws.
        result = selectors.opinion_public(
            conversation=conversation, snapshot=snapshot, positions_of=[]
        )
        summary = result.get("map", {})
        # The bounds of the placed participants: where a participant's own point is scaled.
        extent = tuple(float(b) for b in summary["bounds"]) if summary.get("total") else None
        opinion_map = build_map(result)
        # Drawn once per map: the page's largest loop, and never in the page's number format.
        points = "".join(
            f'<circle cx="{p.x!r}" cy="{p.y!r}" r="2.5" fill="{p.colour}" fill-opacity="0.6"/>'
            for p in opinion_map.points
        )
        return {
            "result": {k: v for k, v in result.items() if k != "participants"},
            "map": opinion_map,
            "points": points,
            "extent": extent,
        }

    figures: dict[str, Any] = _cached(key, FIGURES_SECONDS, compute)
    return figures


def _cells_key(conversation: Conversation, snapshot: Any, what: str = "cells") -> str:
    return (
        f"{_conversation_key(conversation)}:{what}:{snapshot.pk}:{snapshot.computed_at.timestamp()}"
    )


def _place_of(snapshot: Any, participant: Participant) -> tuple[float, float, int] | None:
    """Where a participant sits on the map and in which group (server side only): one block
    of the stored positions, read by its index."""
    mine = selectors.snapshot_positions_of(snapshot, [participant.pk]).get(str(participant.pk))
    if mine is None or mine.get("group") is None:
        return None
    return mine["x"], mine["y"], mine["group"]


def _you_on_map(
    extent: tuple[float, float, float, float] | None, x: float, y: float
) -> MapPoint | None:
    """A participant's own point, scaled as ``build_map`` scales every point."""
    if extent is None:
        return None
    x0, x1, y0, y1 = extent
    sx = (MAP_WIDTH - 2 * MAP_MARGIN) / ((x1 - x0) or 1.0)
    sy = (MAP_HEIGHT - 2 * MAP_MARGIN) / ((y1 - y0) or 1.0)
    return MapPoint(
        round(MAP_MARGIN + (x - x0) * sx, 1),
        round(MAP_HEIGHT - MAP_MARGIN - (y - y0) * sy, 1),
        "#000000",
    )


class _Figures:
    """The public figures of a conversation's latest map, shaped for the results page and the
    report: groups, shown constituencies, and a card (bars and their table) per statement."""

    def __init__(self, conversation: Conversation, snapshot: Any) -> None:
        self.texts = selectors.statement_texts(conversation=conversation)
        public = _public_figures(conversation, snapshot, self.texts)
        self.result: dict[str, Any] = public["result"]
        self.map: OpinionMap = public["map"]
        self.extent = public["extent"]
        self.points = mark_safe(public["points"])  # numbers and palette colours only
        colours = {g.id: g.colour for g in self.map.groups}
        self.groups = [
            {
                "id": gid,
                "label": group_label(gid),
                "size": group["size"],
                "colour": colours.get(gid, "#555555"),
                "votes": group.get("votes", {}),
                "representative": group.get("representative", []),
            }
            for gid, group in sorted(
                self.result.get("groups", {}).items(), key=lambda kv: int(kv[0])
            )
        ]
        by_class = self.result.get("attributes", {}).get("constituency", {})
        labels = {**dict(Constituency.choices), selectors.ATTRIBUTE_OTHER: _("Other")}
        self.classes = [
            (c, str(labels[c]), by_class[c])
            for c in [*Constituency.values, selectors.ATTRIBUTE_OTHER]
            if c in by_class
        ]
        self.statements: dict[str, Any] = self.result.get("statements", {})
        self._cards: dict[str, dict[str, Any]] = {}
        self._everyone = _("Everyone")
        self._headings = [_("Who"), _("Agree"), _("Disagree"), _("Pass"), _("Voted")]
        self._grouping = str(get_format("THOUSAND_SEPARATOR"))
        self._no_votes = _("no votes yet")

    def card(self, sid: str, item: Any = None) -> dict[str, Any]:
        """A statement's text, its bars (everyone, each group, each shown constituency) as SVG,
        and the same figures as rows for the data table."""
        if sid not in self._cards:
            rows = [bar_row(self._everyone, self.statements.get(sid))]
            rows += [
                bar_row(_("Group %(label)s") % {"label": g["label"]}, g["votes"].get(sid))
                for g in self.groups
            ]
            rows += [bar_row(label, by_sid.get(sid)) for _c, label, by_sid in self.classes]
            voted = rows[0].seen
            text = self.texts[sid]
            self._cards[sid] = {
                "id": sid,
                "text": text,
                "rows": rows,
                "voted": voted,
                "table": vote_table_html(
                    rows,
                    caption=_("Votes on “%(text)s”") % {"text": text[:80]},
                    headings=self._headings,
                    grouping=self._grouping,
                ),
                "svg": vote_bars_svg(
                    rows,
                    title=_(
                        "Votes on “%(text)s”: agree, disagree, pass; the table below gives"
                        " the numbers"
                    )
                    % {"text": text[:80]},
                    no_votes=self._no_votes,
                )
                if voted
                else None,
            }
        card = self._cards[sid]
        return {**card, "item": item} if item is not None else card

    def cards(self, listed: list[Any]) -> list[dict[str, Any]]:
        out = []
        for item in listed:
            sid = str(item["statement"] if isinstance(item, dict) else item)
            if sid in self.texts:
                out.append(self.card(sid, item if isinstance(item, dict) else None))
        return out

    def bridging(self, limit: int = 10) -> list[dict[str, Any]]:
        ranked = sorted(
            (sid for sid in self.statements if sid in self.texts),
            key=lambda sid: (-self.statements[sid].get("bridging", 0.0), int(sid)),
        )
        return self.cards(ranked[:limit])

    def consensus(self, direction: str) -> list[dict[str, Any]]:
        return self.cards(self.result.get("consensus", {}).get(direction, []))

    def group_sections(self) -> list[dict[str, Any]]:
        return [{**g, "cards": self.cards(g["representative"])} for g in self.groups]

    def context(self) -> dict[str, Any]:
        """What both pages show, with the messages for maps that cannot show everything."""
        return {
            "map": self.map,
            "map_points": self.points,
            "groups": self.group_sections(),
            "one_group": len(self.groups) == 1,
            "nobody_placed": self.map.total == 0,
            "classes": [label for _c, label, _v in self.classes],
            "classes_withheld": self.result.get("attributes_withheld", {}).get("constituency", 0),
            "consensus_agree": self.consensus("agree"),
            "consensus_disagree": self.consensus("disagree"),
            "bridging": self.bridging(),
            "min_group_size": self.result["min_group_size"],
            "chart_defs": PATTERN_DEFS,
        }


def _stats(conversation: Conversation) -> dict[str, Any]:
    stats: dict[str, Any] = _cached(
        f"{_conversation_key(conversation)}:stats",
        LIVE_SECONDS,
        lambda: selectors.conversation_stats(conversation),
    )
    return stats


def _growth(conversation: Conversation, *, public: bool) -> dict[str, Any]:
    """The growth charts (participants, votes, statements per day) and their tables; on public
    pages only public statuses are counted, and the figures may lag by ``GROWTH_SECONDS``."""
    if public:
        statuses = selectors.public_statuses(conversation)
        growth = _cached(
            f"{_conversation_key(conversation)}:growth",
            GROWTH_SECONDS,
            lambda: selectors.conversation_growth(conversation, statuses=statuses),
        )
    else:  # moderators see it as it is now
        growth = selectors.conversation_growth(conversation)
    days = growth["days"]
    status_labels = dict(StatementStatus.choices)
    statement_series = [
        Series(name=str(status_labels[s]), key=s, values=values)
        for s, values in growth["statements"].items()
    ]
    period = growth.get("period", "day")
    titles = {
        "day": (_("New participants per day"), _("Votes per day"), _("New statements per day")),
        "week": (
            _("New participants per week"),
            _("Votes per week"),
            _("New statements per week"),
        ),
        "month": (
            _("New participants per month"),
            _("Votes per month"),
            _("New statements per month"),
        ),
    }[period]
    charts = [
        (
            titles[0],
            [Series(name=_("participants"), key="participants", values=growth["participants"])],
        ),
        (titles[1], [Series(name=_("votes"), key="votes", values=growth["votes"])]),
        (titles[2], statement_series),
    ]
    return {
        "period": period,
        "days": days,
        "charts": [
            {"title": title, "svg": growth_svg(days, series, title=title), "series": series}
            for title, series in charts
        ],
        "rows": [
            {"day": day, "values": [s.values[i] for _t, ss in charts for s in ss]}
            for i, day in enumerate(days)
        ],
        "columns": [
            f"{title}: {s.name}" if len(ss) > 1 else title for title, ss in charts for s in ss
        ],
    }


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    conversation = _conversation(slug)
    participant = _participant(request, conversation)
    snapshot = selectors.opinion_latest_deferred(conversation)
    context: dict[str, Any] = {
        "conversation": conversation,
        "snapshot": snapshot,
        "stats": _stats(conversation),
        "growth": _growth(conversation, public=True),
    }
    if snapshot is None:
        return render(request, "conversations/results.html", context)
    figures = _Figures(conversation, snapshot)
    your_group = None
    if participant is not None:
        place = _place_of(snapshot, participant)
        if place is not None:
            your_group = group_label(str(place[2]))
            figures.map.you = _you_on_map(figures.extent, place[0], place[1])
    # Every public statement, also those the map does not count yet (no votes when computed).
    ordered = sorted(figures.texts, key=int)
    page = Paginator(ordered, STATEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(figures.context())
    context.update(
        {
            "your_group": your_group,
            "page": page,
            "all_statements": figures.cards(list(page.object_list)),
            "map_data": {
                "cells": reverse(
                    "conversations:results_cells", kwargs={"slug": slug, "statement": 0}
                ),
                "grid": {
                    "x": MAP_MARGIN,
                    "y": MAP_MARGIN,
                    "width": MAP_WIDTH - 2 * MAP_MARGIN,
                    "height": MAP_HEIGHT - 2 * MAP_MARGIN,
                },
                "messages": {
                    "group": _("Group %(label)s selected: its statements are shown below the map."),
                    "cells": _(
                        "On the map: where the %(agree)s participants who agreed (blue squares)"
                        " and the %(disagree)s who disagreed (hatched squares) sit. Areas with"
                        " fewer than %(minimum)s of them are not drawn."
                    ),
                    "failed": _("The map could not be loaded. Try again later."),
                },
                "minimum": figures.result["min_group_size"],
            },
        }
    )
    return render(request, "conversations/results.html", context)


@require_GET
def results_cells(request: HttpRequest, slug: str, statement: int) -> JsonResponse:
    """Where a public statement's agreeing and disagreeing participants sit on the latest map,
    counted by cells (``selectors.statement_map_cells``); 404 for an unknown statement."""
    conversation = _conversation(slug)
    snapshot = selectors.opinion_latest_deferred(conversation)
    if snapshot is None:
        raise Http404(_("No opinion map yet."))
    texts = selectors.statement_texts(conversation=conversation)
    public = _public_figures(conversation, snapshot, texts)
    result = public["result"]
    counts = result.get("statements", {}).get(str(statement))
    if counts is None:
        raise Http404(_("No such statement on this map."))

    def count() -> dict[str, Any]:
        # Every participant's position is read only on a miss (a million: a fraction of a
        # second), and only the counts per cell are kept.
        return selectors.statement_map_cells(
            conversation=conversation,
            cells=selectors.participant_cells(selectors.snapshot_positions(snapshot)),
            statement_id=statement,
        )

    cells: dict[str, Any] = _cached(
        _cells_key(conversation, snapshot, f"cells:{statement}:{settings.MIN_GROUP_SIZE}"),
        FIGURES_SECONDS,
        count,
    )
    return JsonResponse(
        {
            **cells,
            "agree": int(counts.get("agree", 0)),
            "disagree": int(counts.get("disagree", 0)),
            "minimum": result["min_group_size"],
        }
    )


@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The conversation report a city can publish: what was asked, who took part, the groups,
    common ground, the most divisive and the bridging statements, and the method."""
    conversation = _conversation(slug)
    context = _report_context(
        conversation, selectors.opinion_latest_deferred(conversation), _stats(conversation)
    )
    return render(request, "conversations/report.html", context)


REPORT_CSS = [
    Path(__file__).resolve().parent / "static" / "conversations" / name
    for name in ("conversations.css", "report-print.css")
]


@require_GET
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The conversation report as a PDF (WeasyPrint, through ``listening.pdf``), in the
    reader's language. Drawn once per opinion map, published statements and language."""
    conversation = _conversation(slug)
    snapshot = selectors.opinion_latest_deferred(conversation)
    stats = _stats(conversation)
    language = get_language()
    key = "conversation-report-pdf:{}:{}:{}:{}".format(
        conversation.pk, snapshot.pk if snapshot else 0, stats["approved"], language
    )
    document = cache.get(key)
    if document is None:  # the report's figures are gathered only when it is drawn
        context = _report_context(conversation, snapshot, stats)
        context["stylesheets"] = [path.as_uri() for path in REPORT_CSS]
        html = render_to_string("conversations/report_pdf.html", context, request=request)
        document = html_to_pdf(html)
        cache.set(key, document, 3600)
    response = HttpResponse(document, content_type="application/pdf")
    filename = f"{conversation.slug}-report-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _report_context(
    conversation: Conversation, snapshot: OpinionSnapshot | None, stats: dict[str, Any]
) -> dict[str, Any]:
    session = conversation.session
    context: dict[str, Any] = {
        "conversation": conversation,
        "snapshot": snapshot,
        "stats": stats,
        "city": session.venue_city if session is not None else None,
        "method_url": reverse("conversations:method"),
    }
    if snapshot is not None:
        figures = _Figures(conversation, snapshot)
        context.update(figures.context())
        sizes = figures.result.get("attribute_sizes", {}).get("constituency", {})
        context["constituency_counts"] = [
            (label, sizes.get(c, 0)) for c, label, _v in figures.classes
        ]
        context["divisive"] = [
            {**figures.card(item["statement"]), "spread": round(100 * item["spread"])}
            for item in selectors.statements_divisive(figures.result)
            if item["statement"] in figures.texts
        ]
    return context


def method(request: HttpRequest) -> HttpResponse:
    """How the opinion map is computed, in plain words (the long form is docs/analysis.md)."""
    return render(request, "conversations/method.html", {"min_group_size": settings.MIN_GROUP_SIZE})


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
        "growth": _growth(conversation, public=False),
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
