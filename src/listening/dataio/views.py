"""``/open-data/``: the public audience's open data of every published programme, each file on
its own and all of them as one ZIP (docs/data-formats.md). Built on request, never cached, so
that an unpublished voice or a withdrawn consent leaves the files at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from listening.dataio import opendata
from listening.programmes.models import Programme

FORMAT_LABELS = {
    "csv": "CSV",
    "json": "JSON",
    "xlsx": "XLSX",
    "geojson": "GeoJSON",
    "ics": "iCalendar",
}


def dataset_labels() -> dict[str, str]:
    return {
        "sessions": _("Listening sessions"),
        "people": _("People who agreed to be listed"),
        "organisations": _("Organisations taking part"),
        "voices": _("Published voices"),
        "cities": _("Cities of the sessions, people and voices"),
        "conversations": _("Conversations: questions and figures"),
        "key_messages": _("Published key messages"),
        "key_message_voices": _("Evidence: the voices behind each key message"),
        "key_message_statements": _("Evidence: the statements behind each key message"),
        "commitments": _("Commitments of the Pact"),
        "commitment_key_messages": _("The key messages behind each commitment"),
        "commitment_updates": _("Progress updates of the commitments"),
        "popolo": _("People and organisations (Popolo)"),
        "datapackage": _("Description of every file (Data Package)"),
    }


@dataclass
class Dataset:
    label: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (format label, url)


@dataclass
class ProgrammeDownloads:
    programme: Programme
    zip_url: str
    datasets: list[Dataset]


def _downloads(programme: Programme) -> ProgrammeDownloads:
    labels = dataset_labels()
    topics = dict(opendata.programme_conversations(programme).values_list("slug", "topic"))
    datasets: dict[str, Dataset] = {}
    for path in opendata.opendata_paths(programme):
        stem, fmt = path.rsplit(".", 1)
        if stem.startswith("conversations/"):
            slug = stem.split("/")[1]
            key = f"conversation:{slug}"
            label = _("Conversation “%(topic)s” in Polis’s format") % {"topic": topics[slug]}
            fmt_label = stem.split("/")[2] + ".csv"
        else:
            # cities.geojson and sessions.ics are other formats of their table.
            key, label = stem, labels[stem]
            fmt_label = FORMAT_LABELS[fmt]
        url = reverse("opendata:file", args=[programme.slug, path])
        datasets.setdefault(key, Dataset(label)).files.append((fmt_label, url))
    return ProgrammeDownloads(
        programme=programme,
        zip_url=reverse("opendata:zip", args=[programme.slug]),
        datasets=list(datasets.values()),
    )


def _published(slug: str) -> Programme:
    programme = opendata.published_programmes().filter(slug=slug).first()
    if programme is None:
        raise Http404(_("There is no published programme with this name."))
    return programme


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    programmes = [_downloads(p) for p in opendata.published_programmes()]
    return render(request, "public/open_data.html", {"programmes": programmes})


@require_safe
def download_zip(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug)
    reply = HttpResponse(
        opendata.opendata_zip(programme, audience="public"), content_type="application/zip"
    )
    reply["Content-Disposition"] = f'attachment; filename="{programme.slug}-open-data.zip"'
    return reply


@require_safe
def download_file(request: HttpRequest, slug: str, path: str) -> HttpResponse:
    programme = _published(slug)
    if path not in opendata.opendata_paths(programme):
        raise Http404(_("This programme's open data has no such file."))
    content = opendata.build(programme, "public", only={path})[path]
    fmt = path.rsplit(".", 1)[1]
    mediatype = opendata.MEDIATYPES[fmt]
    if fmt != "xlsx":
        mediatype += "; charset=utf-8"
    reply = HttpResponse(content, content_type=mediatype)
    filename = f"{programme.slug}-{path.replace('/', '-')}"
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
