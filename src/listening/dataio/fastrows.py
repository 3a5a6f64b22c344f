"""The export's tables without django-import-export's per-row machinery (benchmarks/README.md,
"Open data"): the same headers and the same text in every cell as the resources give, from
a few ``values()`` queries, and XLSX written by openpyxl's write-only mode.

The resources (voices/resources.py and the others) stay what the admin imports and exports;
here only their *export* of many rows is done again faster. tests/dataio/test_fastrows.py
checks that both give identical datasets for both audiences.

Why not a library: tablib and django-import-export are the libraries (kept for the import);
the slow part is rendering each row through a resource (a Paginator with OFFSET pages, a
model instance and a widget call per cell), then building every XLSX cell as an object.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import tablib
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from listening.dataio.resources import ListeningResource
from listening.dataio.widgets import SEPARATOR, CityWidget, OffsetWidget, YesNoWidget
from listening.people.models import Person
from listening.places.models import City
from listening.programmes.models import Theme
from listening.voices.models import Voice
from listening.voices.resources import PublicVoiceResource, VoiceResource
from listening.voices.selectors import speaker_display

CHUNK = 2_000


def _text(value: Any) -> str:
    return force_str(value) if value is not None else ""


def resource_dataset(resource: ListeningResource, queryset: QuerySet[Any]) -> tablib.Dataset:
    """The resource's export, read in chunks of one query each (with their prefetches)
    rather than through django-import-export's Paginator, whose OFFSET pages grow with the
    table."""
    headers = resource.get_export_headers()
    dataset = tablib.Dataset(headers=headers)
    if not queryset.query.order_by:
        queryset = queryset.order_by("pk")
    for obj in queryset.iterator(chunk_size=CHUNK):
        dataset.append(resource.export_resource(obj))
    return dataset


def voices_dataset(resource: ListeningResource, queryset: QuerySet[Voice]) -> tablib.Dataset:
    """What ``resource.export(queryset=queryset)`` gives for VoiceResource and
    PublicVoiceResource, from values: one query for the voices, one for their themes, one for
    their speakers and one for their cities."""
    public = isinstance(resource, PublicVoiceResource)
    headers = resource.get_export_headers()
    rows = list(
        queryset.prefetch_related(None)
        .order_by("id")
        .values_list(
            "id",
            "session__slug",
            "text",
            "language",
            "kind",
            "speaker_id",
            "speaker_kind",
            "city_id",
            "axis",
            "recording_offset",
            "status",
            "attribution_consent",
        )
    )
    ids = [r[0] for r in rows]
    themes = _themes_of(ids)
    speakers = {
        p.pk: p
        for p in Person.objects.filter(pk__in={r[5] for r in rows} - {None}).only(
            "pk", "slug", "name", "kind", "consent_listed", "consent_quoted"
        )
    }
    cities = {c.pk: c for c in City.objects.filter(pk__in={r[7] for r in rows} - {None})}
    city_widget, offset_widget, yes_no = CityWidget(), OffsetWidget(), YesNoWidget()
    anonymous: dict[tuple[Any, Any], str] = {}

    def speaker_cell(
        speaker_id: int | None, speaker_kind: str, city_id: int | None, consent: bool
    ) -> str:
        speaker = speakers.get(speaker_id) if speaker_id is not None else None
        if not public:
            return speaker.slug if speaker is not None else ""
        if consent and speaker is not None and speaker.consent_quoted and speaker.consent_listed:
            return str(speaker.slug)
        key = (speaker_kind, city_id)
        if key not in anonymous:  # the same words as voices.selectors.speaker_display
            anonymous[key] = str(
                speaker_display(
                    Voice(
                        speaker_kind=speaker_kind,
                        city=cities.get(city_id) if city_id is not None else None,
                        attribution_consent=False,
                    )
                )
            )
        return anonymous[key]

    cells: dict[str, Callable[[tuple[Any, ...]], str]] = {
        "id": lambda r: number_format(r[0]),
        "session": lambda r: _text(r[1]),
        "text": lambda r: _text(r[2]),
        "language": lambda r: _text(r[3]),
        "kind": lambda r: _text(r[4]),
        "speaker": lambda r: speaker_cell(r[5], r[6], r[7], r[11]),
        "speaker_kind": lambda r: _text(r[6]),
        "city": lambda r: city_widget.render(cities.get(r[7]) if r[7] is not None else None),
        "themes": lambda r: SEPARATOR.join(themes.get(r[0], ())),
        "axis": lambda r: _text(r[8]),
        "recording_offset": lambda r: offset_widget.render(r[9]),
        "status": lambda r: _text(r[10]),
        "attribution_consent": lambda r: yes_no.render(r[11]),
    }
    if any(h not in cells for h in headers):  # a column added to the resource: its own export
        return resource_dataset(resource, queryset)
    columns = [cells[h] for h in headers]
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([cell(row) for cell in columns])
    return dataset


def _themes_of(voice_ids: list[int]) -> dict[int, list[str]]:
    """Each voice's theme slugs in the themes' own order (what a prefetch of them gives)."""
    through = Voice.themes.through
    links: list[tuple[int, int]] = []
    for start in range(0, len(voice_ids), CHUNK):  # SQLite limits a query's parameters
        links += through.objects.filter(voice_id__in=voice_ids[start : start + CHUNK]).values_list(
            "voice_id", "theme_id"
        )
    rank = {
        pk: (n, slug)
        for n, (pk, slug) in enumerate(
            Theme.objects.filter(pk__in={t for _v, t in links}).values_list("pk", "slug")
        )
    }
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for voice_id, theme_id in links:
        found[voice_id].append(rank[theme_id])
    return {v: [slug for _n, slug in sorted(items)] for v, items in found.items()}


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """What tablib's XLSX export writes (one sheet "Tablib Dataset", a bold frozen header
    row, wrapped cells where there is a line break, columns as wide as their longest text),
    with openpyxl's write-only mode: no cell object is kept."""
    rows = list(rows)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            if len(str(value)) > widths[i]:
                widths[i] = len(str(value))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tablib Dataset")
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)
    header = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        out: list[Any] = []
        for value in row:
            if isinstance(value, str) and "\n" in value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = wrap
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dataset_of(resource: ListeningResource, queryset: QuerySet[Any]) -> tablib.Dataset:
    if isinstance(resource, VoiceResource):
        return voices_dataset(resource, queryset)
    return resource_dataset(resource, queryset)
