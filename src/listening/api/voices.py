"""Published voices, read-only: ``GET /api/voices/`` and ``/api/voices/<id>``.

Only published voices; the speaker is named only when the voice may be attributed
(Voice.is_attributed), otherwise described ("A resident from Durban").
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from listening.api.common import (
    LANG_DESCRIPTION,
    CityRef,
    Converted,
    Detail,
    Named,
    Pages,
)
from listening.api.schemas import QuerySchema
from listening.places.selectors import country_name
from listening.public.forms import MAX_QUERY_LENGTH
from listening.voices.selectors import VoiceFilters, speaker_display, voice_list, voice_published

router = Router(tags=["voices"])


class SessionRef(Schema):
    slug: str
    title: str


class VoiceOut(Schema):
    id: int
    text: str
    language: str
    kind: str
    kind_label: str
    speaker: str
    speaker_slug: str | None
    speaker_kind: str
    session: SessionRef
    city: CityRef | None
    axis: str
    published_at: dt.datetime | None
    url: str


class VoiceDetailOut(VoiceOut):
    themes: list[Named]


class VoiceQuery(QuerySchema):
    theme: str = ""
    axis: str = ""
    session: str = ""
    region: str = ""
    country: str = ""
    speaker_kind: str = ""
    city: int | None = None
    q: str = ""
    lang: str = ""


def city_ref(city: Any) -> dict[str, Any] | None:
    if city is None:
        return None
    return {
        "id": city.pk,
        "name": city.name,
        "country": city.country,
        "country_name": country_name(city.country),
    }


def voice_out(voice: Any) -> dict[str, Any]:
    attributed = voice.is_attributed
    return {
        "id": voice.pk,
        "text": voice.text,
        "language": voice.language,
        "kind": voice.kind,
        "kind_label": str(voice.get_kind_display()),
        "speaker": speaker_display(voice),
        "speaker_slug": voice.speaker.slug if attributed else None,
        "speaker_kind": voice.speaker_kind,
        "session": {"slug": voice.session.slug, "title": voice.session.title},
        "city": city_ref(voice.city),
        "axis": voice.axis or voice.session.axis,
        "published_at": voice.published_at,
        "url": reverse("public:voice", args=[voice.pk]),
    }


@router.get(
    "/", response={200: list[VoiceOut], 422: Detail}, summary="Published voices, newest first"
)
@paginate(Pages)
def voice_index(request: HttpRequest, filters: Query[VoiceQuery]) -> Any:
    values = filters.dict(exclude={"lang"})
    values["q"] = values["q"][:MAX_QUERY_LENGTH]
    return Converted(voice_list(VoiceFilters(**values)), voice_out)


@router.get(
    "/{int:pk}",
    response={200: VoiceDetailOut, 404: Detail},
    summary="One published voice",
    description=LANG_DESCRIPTION,
)
def voice_one(request: HttpRequest, pk: int, lang: str = "") -> dict[str, Any]:
    voice = voice_published(pk)
    if voice is None:
        raise HttpError(404, "There is no such published voice.")
    themes = [{"slug": t.slug, "name": t.name} for t in voice.themes.all()]
    return {**voice_out(voice), "themes": themes}
