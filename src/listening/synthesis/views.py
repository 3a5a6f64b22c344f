from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from listening.conversations.models import Conversation, Statement
from listening.programmes.models import Axis, Programme
from listening.synthesis import services
from listening.synthesis.forms import KeyMessageFromStatementForm, ThemeAcceptForm
from listening.synthesis.selectors import pact, pact_programmes
from listening.voices.models import Voice


def pact_page(request: HttpRequest) -> HttpResponse:
    """The Pact of every programme that has published commitments, chapter by axis."""
    programmes = [(p, pact(p)) for p in pact_programmes()]
    return render(request, "synthesis/pact.html", {"programmes": programmes})


def _organiser_guard(request: HttpRequest) -> None:
    if not request.user.has_perm("synthesis.edit_synthesis"):
        raise PermissionDenied(_("Only organisers may do this."))


@login_required
def organise(request: HttpRequest, slug: str) -> HttpResponse:
    """Suggested themes for the programme's voices and suggested key messages from its
    conversations; an organiser keeps, renames, merges or splits them."""
    _organiser_guard(request)
    programme = get_object_or_404(Programme, slug=slug)
    language = request.GET.get("language", "en")
    if language not in {"en", "fr", "es"}:
        language = "en"
    suggestions = services.themes_suggest(programme=programme, language=language)
    voice_ids = [v.pk for s in suggestions for v in s.voices]
    if request.method == "POST" and request.POST.get("form") == "theme":
        form = ThemeAcceptForm(request.POST, voice_ids=voice_ids)
        if form.is_valid():
            voices = list(Voice.objects.filter(pk__in=form.cleaned_data["voices"]))
            try:
                theme = services.theme_accept(
                    programme=programme,
                    name=form.cleaned_data["name"],
                    axis=form.cleaned_data["axis"],
                    voices=voices,
                )
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Theme “%(name)s” kept for %(count)d voice(s).")
                    % {"name": theme.name, "count": len(voices)},
                )
        else:
            messages.error(request, _("Give the theme a name and an axis, and tick its voices."))
        return redirect(request.get_full_path())
    if request.method == "POST" and request.POST.get("form") == "key_message":
        km_form = KeyMessageFromStatementForm(request.POST)
        statement = None
        if km_form.is_valid():
            statement = Statement.objects.filter(
                pk=km_form.cleaned_data["statement"], conversation__programme=programme
            ).first()
        if statement is None:
            messages.error(request, _("No such statement in this programme's conversations."))
        else:
            services.key_message_create(
                programme=programme,
                title=statement.text[:300],
                statements=[statement],
                session=statement.conversation.session,
                author=request.user,  # type: ignore[arg-type]
                reason=_("suggested from the opinion map"),
            )
            messages.success(request, _("Draft key message created: edit and publish it."))
        return redirect(request.get_full_path())
    conversations = [
        (c, services.key_messages_suggest(conversation=c))
        for c in Conversation.objects.filter(programme=programme).order_by("pk")
    ]
    context = {
        "programme": programme,
        "language": language,
        "suggestions": suggestions,
        "axes": Axis.choices,
        "conversations": conversations,
    }
    return render(request, "synthesis/organise.html", context)


@login_required
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """ "The voices we heard" as a PDF, for organisers (``?lang=fr``, ``?session=<slug>``).

    Made while the organiser waits (a few seconds for the demo programme, see
    docs/synthesis.md): nothing is stored.
    """
    if not request.user.has_perm("synthesis.download_report"):
        raise PermissionDenied(_("Only organisers may download the report."))
    # matplotlib and WeasyPrint load on the first report, not when the site starts.
    from listening.synthesis.report import LANGUAGES, ReportError, report_build, report_target

    language = request.GET.get("lang") or "en"
    if language not in LANGUAGES:
        return HttpResponseBadRequest(
            _("Unknown language: choose one of %(languages)s.")
            % {"languages": ", ".join(LANGUAGES)}
        )
    try:
        programme, session = report_target(slug, request.GET.get("session") or None)
    except ReportError as exc:
        raise Http404(str(exc)) from None
    report = report_build(programme=programme, session=session, language=language)
    name = f"{programme.slug}{'-' + session.slug if session else ''}-{language}.pdf"
    response = HttpResponse(report.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def my_statements(request: HttpRequest, slug: str) -> HttpResponse:
    """A conversation participant's own statements and votes, and where they went. The
    participant is the one the conversation pages know (cookie or signed-in account)."""
    from listening.conversations.views import _conversation, _participant

    conversation = _conversation(slug)
    participant = _participant(request, conversation)
    return render(
        request,
        "synthesis/my_statements.html",
        {"conversation": conversation, "participant": participant},
    )
