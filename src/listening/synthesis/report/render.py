"""The report as HTML (a Django template) and as PDF (``listening.pdf.html_to_pdf``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from listening.pdf import html_to_pdf
from listening.programmes.models import ListeningSession, Programme
from listening.synthesis.report import charts
from listening.synthesis.report.data import ReportData, ReportError, report_data

LANGUAGES = ("en", "fr", "es")
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "synthesis" / "report.css"

Progress = Callable[[str], None]


@dataclass
class Report:
    html: str
    pdf: bytes | None


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ReportError(
            f"There is no report in {language!r}: choose one of {', '.join(LANGUAGES)}."
        )
    return language


def report_html(data: ReportData) -> str:
    """The report's HTML in the active language, charts drawn."""
    voices_label = _("published voices")
    participants_label = _("listed participants")
    maps = [
        {
            "map": item,
            "svg": charts.opinion_map(item),
            "groups": [
                (charts.group_letter(gid), size, item.representative.get(gid, []))
                for gid, size in sorted(item.group_sizes.items())
            ],
        }
        for item in data.opinion_maps
    ]
    context = {
        "data": data,
        "stylesheet": STYLESHEET.as_uri(),
        "language": translation.get_language(),
        "region_chart": charts.stacked_bars(
            data.by_region, voices_label=voices_label, participants_label=participants_label
        ),
        "kind_chart": charts.stacked_bars(
            data.by_kind, voices_label=voices_label, participants_label=participants_label
        ),
        "maps": maps,
        "sample": data.programme.is_sample,
        "brand": getattr(settings, "SITE_NAME", "Listening"),
    }
    return render_to_string("synthesis/report/report.html", context)


class _Stages:
    """Times each stage and tells ``progress`` when it starts and how long it took."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.number = 0
        self.started = time.perf_counter()

    def start(self, what: str) -> None:
        self.number += 1
        self.started = time.perf_counter()
        if self.progress:
            self.progress(f"[{self.number}/{self.total}] {what}…")

    def done(self, detail: str = "") -> None:
        if self.progress:
            seconds = time.perf_counter() - self.started
            self.progress(f"      done in {seconds:.1f} s{'; ' + detail if detail else ''}")


def report_build(
    *,
    programme: Programme,
    session: ListeningSession | None = None,
    language: str = "en",
    pdf: bool = True,
    progress: Progress | None = None,
) -> Report:
    """ "The voices we heard" for a programme (or one of its sessions), in ``language``."""
    check_language(language)
    stages = _Stages(progress, 3 if pdf else 2)
    with translation.override(language):
        stages.start("reading the programme's data")
        data = report_data(programme=programme, session=session)
        stages.done(
            f"{len(data.sessions)} session(s), {data.voices_heard} voice(s), "
            f"{len(data.key_messages)} key message(s), {len(data.opinion_maps)} opinion map(s)"
        )
        stages.start("drawing the charts and writing the HTML")
        html = report_html(data)
        stages.done(f"{len(html) // 1024} KiB")
        document = None
        if pdf:
            stages.start("laying out the PDF (WeasyPrint)")
            document = html_to_pdf(html)
            stages.done(f"{len(document) // 1024} KiB")
    return Report(html=html, pdf=document)
