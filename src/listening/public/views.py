"""The public site: thin views that validate filters, call selectors and render.

List pages answer an htmx request (header HX-Request) with their results fragment only, and
a normal request with the whole page, so every filter works with JavaScript off as well.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from listening.conversations.selectors import conversations_open
from listening.people.selectors import (
    organisation_public,
    organisations_countries,
    organisations_involved,
    people_countries,
    people_listed,
    person_public,
)
from listening.places.selectors import (
    cities_by_region,
    cities_represented,
    city_by_id,
    country_choices,
    country_name,
)
from listening.programmes.selectors import programme_counters, programme_current
from listening.public import calendar, maps, share_cards, structured_data
from listening.public.forms import (
    OrganisationFilterForm,
    PeopleFilterForm,
    SessionFilterForm,
    VoiceFilterForm,
)
from listening.public.selectors import (
    SessionFilters,
    session_detail,
    session_list,
    session_years,
    sessions_for_calendar,
    sessions_upcoming,
)
from listening.voices.selectors import (
    VoiceFilters,
    speaker_display,
    voice_country_choices,
    voice_list,
    voice_published,
    voice_theme_choices,
    voices_attributed_to,
    voices_in_order,
    voices_latest,
)

PAGE_SIZE = 20


def _is_fragment_request(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _render_list(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    is_fragment = _is_fragment_request(request)
    context["is_fragment"] = is_fragment
    response = render(request, fragment if is_fragment else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request: HttpRequest, items: Any) -> Any:
    """The requested page; a page number past the end (or not a number) gives the last/first."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    programme = programme_current()
    counters = programme_counters(programme) if programme else None
    return render(
        request,
        "public/home.html",
        {
            "programme": programme,
            "counters": counters,
            "latest_voices": voices_latest(5) if programme else [],
            "upcoming": sessions_upcoming(3) if programme else [],
            "open_conversations": conversations_open(),
        },
    )


def session_index(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(
        request.GET,
        theme=voice_theme_choices(),
        year=[(str(year), str(year)) for year in session_years()],
    )
    sessions = session_list(SessionFilters(**form.values()))
    return _render_list(
        request,
        "public/sessions/index.html",
        "public/sessions/_results.html",
        {"form": form, "page_obj": _page(request, sessions)},
    )


def session_page(request: HttpRequest, slug: str) -> HttpResponse:
    session = session_detail(slug)
    if session is None:
        raise Http404(_("No such session."))
    people = [p for p in session.public if p.person_id]  # type: ignore[attr-defined]
    speakers = [p for p in people if p.role in ("speaker", "moderator")]
    participants = [p for p in people if p.role == "participant"]
    partners = [p for p in session.public if p.organisation_id]  # type: ignore[attr-defined]
    voices = list(voice_list(VoiceFilters(session=session.slug)))
    url = request.build_absolute_uri(reverse("public:session", args=[session.slug]))
    return render(
        request,
        "public/sessions/detail.html",
        {
            "session": session,
            "speakers": speakers,
            "participants": participants,
            "partners": partners,
            "voices": voices,
            "json_ld": structured_data.session_event(session, speakers, url),
        },
    )


def session_ics(request: HttpRequest, slug: str) -> HttpResponse:
    session = session_detail(slug)
    if session is None:
        raise Http404(_("No such session."))
    return calendar.response(request, [session], filename=f"{session.slug}.ics")


def sessions_ics(request: HttpRequest) -> HttpResponse:
    return calendar.response(request, sessions_for_calendar(), filename="sessions.ics")


def voice_index(request: HttpRequest) -> HttpResponse:
    form = VoiceFilterForm(
        request.GET,
        theme=voice_theme_choices(),
        session=list(session_list(SessionFilters()).values_list("slug", "title")),
        country=voice_country_choices(),
    )
    values = form.values()
    voices = voice_list(VoiceFilters(**values))
    page = _page(request, voices.values_list("pk", flat=True))
    page.object_list = voices_in_order(list(page.object_list))
    return _render_list(
        request,
        "public/voices/index.html",
        "public/voices/_results.html",
        {"form": form, "page_obj": page, "city": city_by_id(values.get("city"))},
    )


def voice_page(request: HttpRequest, pk: int) -> HttpResponse:
    voice = voice_published(pk)
    if voice is None:
        raise Http404(_("No such voice."))
    url = request.build_absolute_uri(reverse("public:voice", args=[voice.pk]))
    card = request.build_absolute_uri(reverse("public:voice-card", args=[voice.pk]))
    return render(
        request,
        "public/voices/detail.html",
        {"voice": voice, "share_url": url, "card_url": card},
    )


# no-cache: caches keep the card but ask again each time (a 304 when unchanged), so a card
# whose speaker withdraws consent is not shown from a cache for an hour.
@cache_control(public=True, no_cache=True, max_age=0)
def voice_card(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The voice's share card (PNG), as its page's ``og:image``; drawn once, then cached."""
    voice = voice_published(pk)
    if voice is None:
        raise Http404(_("No such voice."))
    heard_at = voice.session.title
    if voice.city is not None:
        heard_at = f"{heard_at} · {voice.city.local_name}"
    content = {
        "quote": voice.text,
        "speaker": speaker_display(voice),
        "heard_at": heard_at,
        "site": _("Listening"),
    }
    etag = quote_etag(share_cards.card_etag(**content))
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    response = HttpResponse(share_cards.voice_card_cached(**content), content_type="image/png")
    response["ETag"] = etag
    return response


def city_index(request: HttpRequest) -> HttpResponse:
    cities = cities_represented()
    regions = cities_by_region(cities)
    return render(
        request,
        "public/cities.html",
        {
            "cities": cities,
            "regions": regions,
            "countries": len({c.city.country for c in cities}),
            "world_map": maps.world_map(cities),
        },
    )


def cities_geojson(request: HttpRequest) -> HttpResponse:
    features = [
        {
            "type": "Feature",
            "id": item.city.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [item.city.longitude, item.city.latitude],
            },
            "properties": {
                "name": item.city.local_name,
                "country": item.city.country,
                "country_name": country_name(item.city.country),
                "region": item.city.region,
                "voices": item.voices,
                "participants": item.participants,
                "participation": item.participation,
            },
        }
        for item in cities_represented()
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


def people_index(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET, country=country_choices(people_countries()))
    people = people_listed(**form.values())
    return _render_list(
        request,
        "public/people/index.html",
        "public/people/_results.html",
        {"form": form, "page_obj": _page(request, people)},
    )


def organisation_index(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET, country=country_choices(organisations_countries()))
    organisations = organisations_involved(**form.values())
    return _render_list(
        request,
        "public/organisations/index.html",
        "public/organisations/_results.html",
        {"form": form, "page_obj": _page(request, organisations)},
    )


def person_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A listed person: the sessions they took part in and the voices quoted under their name."""
    person = person_public(slug)
    if person is None:
        raise Http404(_("No such person."))
    voices = list(voices_attributed_to(person.pk))
    return render(request, "public/people/detail.html", {"person": person, "voices": voices})


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation involved: its sessions and its members who agreed to be listed."""
    organisation = organisation_public(slug)
    if organisation is None:
        raise Http404(_("No such organisation."))
    return render(request, "public/organisations/detail.html", {"organisation": organisation})
