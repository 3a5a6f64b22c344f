"""``/open-data/``: the public audience's open data of every published programme, each file on
its own and all of them as one ZIP (docs/data-formats.md). Served from the stored build
(dataio.services.opendata_publish), never built in the request; conditional downloads
(ETag, Last-Modified) answer 304."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from listening.dataio import opendata, selectors, services
from listening.dataio.selectors import PublishedBuild
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
    build: PublishedBuild | None  # None: not built yet
    stale: bool  # its data changed since: a new build is on its way
    zip_url: str
    datasets: list[Dataset]


def _downloads(programme: Programme, build: PublishedBuild) -> list[Dataset]:
    """The build's files, grouped by dataset in the order the export lists them."""
    labels = dataset_labels()
    topics = dict(opendata.programme_conversations(programme).values_list("slug", "topic"))
    datasets: dict[str, Dataset] = {}
    for path in build.files:
        stem, fmt = path.rsplit(".", 1)
        if stem.startswith("conversations/"):
            slug = stem.split("/")[1]
            key = f"conversation:{slug}"
            topic = topics.get(slug, slug)
            label = _("Conversation “%(topic)s” in Polis’s format") % {"topic": topic}
            fmt_label = stem.split("/")[2] + ".csv"
        else:
            # cities.geojson and sessions.ics are other formats of their table.
            key, label = stem, labels.get(stem, stem)
            fmt_label = FORMAT_LABELS.get(fmt, fmt)
        url = reverse("opendata:file", args=[programme.slug, path])
        datasets.setdefault(key, Dataset(label)).files.append((fmt_label, url))
    return list(datasets.values())


def _published(slug: str) -> Programme:
    programme = opendata.published_programmes().filter(slug=slug).first()
    if programme is None:
        raise Http404(_("There is no published programme with this name."))
    return programme


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every published programme with its stored files and their date; never builds them. A
    programme whose data changed since (or that has no files yet) gets a build scheduled
    (dataio.services.opendata_schedule: a worker thread or Celery, not this request)."""
    programmes = []
    for programme in opendata.published_programmes():
        build = selectors.opendata_build(programme)
        stale = selectors.opendata_is_stale(programme, build, cached=True)
        if stale and settings.OPENDATA_JOBS in {"thread", "celery"}:  # never "sync" here
            services.opendata_schedule(programme=programme)
        programmes.append(
            ProgrammeDownloads(
                programme=programme,
                build=build,
                stale=stale,
                zip_url=reverse("opendata:zip", args=[programme.slug]),
                datasets=_downloads(programme, build) if build else [],
            )
        )
    return render(request, "public/open_data.html", {"programmes": programmes})


def _stored_file(
    request: HttpRequest, programme: Programme, name: str, *, filename: str, content_type: str
) -> HttpResponseBase:
    build = selectors.opendata_build(programme)
    path = build.path_of(name) if build else None
    if build is None or path is None:
        raise Http404(_("This programme's open data has no such file."))
    etag = build.etag(name)
    last_modified = build.built_at.timestamp()
    conditional = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
    if conditional is not None:
        return conditional
    try:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404(_("This programme's open data has no such file.")) from None
    reply = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    reply["ETag"] = etag
    reply["Last-Modified"] = http_date(last_modified)
    reply["Cache-Control"] = "public, max-age=300"
    return reply


@require_safe
def download_zip(request: HttpRequest, slug: str) -> HttpResponseBase:
    programme = _published(slug)
    return _stored_file(
        request,
        programme,
        selectors.ZIP_NAME,
        filename=f"{programme.slug}-open-data.zip",
        content_type="application/zip",
    )


@require_safe
def download_file(request: HttpRequest, slug: str, path: str) -> HttpResponseBase:
    programme = _published(slug)
    if path == selectors.ZIP_NAME:  # that one is /open-data/<slug>.zip
        raise Http404(_("This programme's open data has no such file."))
    fmt = path.rsplit(".", 1)[-1]
    mediatype = opendata.MEDIATYPES.get(fmt, "application/octet-stream")
    if fmt != "xlsx":
        mediatype += "; charset=utf-8"
    return _stored_file(
        request,
        programme,
        path,
        filename=f"{programme.slug}-{path.replace('/', '-')}",
        content_type=mediatype,
    )
