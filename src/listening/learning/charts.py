"""Infographic charts drawn from the platform's own data, as accessible SVG (a title, a
description and a table-like text alternative); numbers are never localised."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.html import escape
from django.utils.translation import gettext as _

from listening.learning.models import Chart
from listening.places.regions import WorldRegion
from listening.programmes.models import Axis, ListeningSession, Theme
from listening.voices.models import Voice, VoiceStatus


def chart_data(chart: str) -> tuple[str, list[tuple[str, int]]]:
    """The chart's title and its (label, count) bars."""
    if chart == Chart.VOICES_PER_REGION:
        counts = dict(
            Voice.objects.filter(status=VoiceStatus.PUBLISHED, city__isnull=False)
            .values("city__region")
            .annotate(n=Count("pk"))
            .values_list("city__region", "n")
        )
        return str(Chart.VOICES_PER_REGION.label), [
            (str(region.label), counts.get(region.value, 0)) for region in WorldRegion
        ]
    if chart == Chart.SESSIONS_PER_AXIS:
        counts = dict(
            ListeningSession.objects.values("axis").annotate(n=Count("pk")).values_list("axis", "n")
        )
        return str(Chart.SESSIONS_PER_AXIS.label), [
            (str(axis.label), counts.get(axis.value, 0)) for axis in Axis
        ]
    if chart == Chart.VOICES_PER_THEME:
        themes = Theme.objects.annotate(
            n=Count("voices", filter=Q(voices__status=VoiceStatus.PUBLISHED))
        ).order_by("programme", "position")
        return str(Chart.VOICES_PER_THEME.label), [(theme.name, theme.n) for theme in themes]
    raise KeyError(chart)


def bar_chart_svg(title: str, bars: list[tuple[str, int]]) -> str:
    """A horizontal bar chart; the description lists every value for screen readers."""
    row, label_width, bar_width = 28, 220, 360
    height = 40 + row * len(bars)
    top = max((count for _label, count in bars), default=0) or 1
    description = "; ".join(f"{label}: {count}" for label, count in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_width + bar_width + 60} '
        f'{height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<text x="0" y="18" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>',
    ]
    for index, (label, count) in enumerate(bars):
        y = 32 + index * row
        length = round(bar_width * count / top)
        parts += [
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" fill="#1a1a1a">'
            f"{escape(label)}</text>",
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 10}" '
            f'fill="#1d5e8c"/>',
            f'<text x="{label_width + length + 6}" y="{y + 16}" fill="#1a1a1a">{count}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def chart_svg(chart: str) -> str:
    title, bars = chart_data(chart)
    if not bars:
        bars = [(_("No data yet"), 0)]
    return bar_chart_svg(title, bars)
