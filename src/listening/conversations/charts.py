"""Small SVG charts drawn on the server: vote bars per statement, growth per day.

No charting library: the charts are a few rectangles and labels, and must read without
JavaScript and without a request to another host; the kept server-side libraries (matplotlib,
pygal) would add a large dependency, and their SVG carries inline ``style`` attributes that
the Content-Security-Policy refuses. Markup is built as strings (``format_html`` escapes every
label) because a results page draws thousands of bars and a template loop would cost most of
the page's time budget.

Colours are Okabe–Ito (colour-blind safe): agree blue, disagree vermillion with a hatch
pattern, pass light grey; every segment wide enough carries its percentage, and every chart
has its data table next to it, so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

AGREE, DISAGREE, PASS = "#0072B2", "#D55E00", "#DDDDDD"
PARTS = ("agree", "disagree", "pass")

# Bar chart geometry (viewBox units): labels on the left, bars to the right.
LABEL_WIDTH = 150
BAR_WIDTH = 300
ROW_HEIGHT = 18
ROW_GAP = 6
MIN_LABELLED = 30  # a segment narrower than this carries no percentage (it would not fit)

# The page's shared pattern definitions (one hidden SVG), used by every bar.
PATTERN_DEFS = mark_safe(
    '<svg class="chart-defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
    '<pattern id="hatch-disagree" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)">'
    f'<rect width="6" height="6" fill="{DISAGREE}"/>'
    '<rect width="2" height="6" fill="#F2A66B"/></pattern>'
    '<pattern id="dots-pass" width="5" height="5" patternUnits="userSpaceOnUse">'
    f'<rect width="5" height="5" fill="{PASS}"/>'
    '<circle cx="2.5" cy="2.5" r="0.9" fill="#777777"/></pattern>'
    "</defs></svg>"
)


@dataclass
class BarRow:
    """One bar: who (``label``) and their counts."""

    label: str
    agree: int
    disagree: int
    passed: int

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    def count(self, part: str) -> int:
        return {"agree": self.agree, "disagree": self.disagree, "pass": self.passed}[part]

    def percent(self, part: str) -> int:
        """The part's share of those who voted, rounded (only asked of a row with votes)."""
        return round(100 * self.count(part) / self.seen)


def bar_row(label: str, counts: dict[str, Any] | None) -> BarRow:
    """A bar from the analysis' counts (``agree``, ``disagree``, ``pass``; missing is 0)."""
    counts = counts or {}
    return BarRow(
        label=label,
        agree=int(counts.get("agree", 0)),
        disagree=int(counts.get("disagree", 0)),
        passed=int(counts.get("pass", 0)),
    )


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def vote_bars_svg(rows: list[BarRow], *, title: str, no_votes: str) -> SafeString:
    """Horizontal stacked bars, one per row, widths proportional to agree / disagree / pass
    among those who voted. A row without votes is an empty outline saying ``no_votes``.

    Kept small and quick (a results page draws hundreds of rows): fills and text alignment
    come from the stylesheet, keyed by ``data-part`` (conversations.css); numbers are written
    as they are and every text goes through ``escape``."""
    height = len(rows) * (ROW_HEIGHT + ROW_GAP) - ROW_GAP
    out = [
        f'<svg class="vote-bars" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH} {height}" role="img"'
        f' aria-label="{escape(title)}">'
    ]
    for i, row in enumerate(rows):
        y = i * (ROW_HEIGHT + ROW_GAP)
        mid = _num(y + ROW_HEIGHT / 2 + 4)
        out.append(f'<g><text x="{LABEL_WIDTH - 6}" y="{mid}" class="l">{escape(row.label)}</text>')
        if not row.seen:
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{ROW_HEIGHT}"'
                f' data-part="none"/><text x="{LABEL_WIDTH + 6}" y="{mid}">{escape(no_votes)}'
                "</text></g>"
            )
            continue
        x = float(LABEL_WIDTH)
        for part in PARTS:
            count = row.count(part)
            if not count:
                continue
            w = BAR_WIDTH * count / row.seen
            out.append(
                f'<rect x="{_num(x)}" y="{y}" width="{_num(w)}" height="{ROW_HEIGHT}"'
                f' data-part="{part}" data-count="{count}"/>'
            )
            if w >= MIN_LABELLED:
                out.append(
                    f'<text x="{_num(x + w / 2)}" y="{mid}" class="v{part[0]}">'
                    f"{row.percent(part)}%</text>"
                )
            x += w
        out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # numbers, constants and escaped texts only


def vote_table_html(
    rows: list[BarRow], *, caption: str, headings: list[str], grouping: str
) -> SafeString:
    """The bars' data table (their text alternative): counts and percentages per row.
    ``grouping`` is the language's thousands separator (counts are whole numbers)."""

    def count(n: int) -> str:
        return f"{n:,}".replace(",", grouping) if n >= 1000 else str(n)

    out = [
        f'<table><caption class="visually-hidden">{escape(caption)}</caption><thead><tr>',
        *(f'<th scope="col">{escape(h)}</th>' for h in headings),
        "</tr></thead><tbody>",
    ]
    for row in rows:
        out.append(f'<tr><th scope="row">{escape(row.label)}</th>')
        if row.seen:
            for part in PARTS:
                n = row.count(part)
                out.append(f"<td>{count(n)} ({row.percent(part)}%)</td>")
        else:
            out.append("<td>–</td><td>–</td><td>–</td>")
        out.append(f"<td>{count(row.seen)}</td></tr>")
    out.append("</tbody></table>")
    return mark_safe("".join(out))  # numbers and escaped texts only


@dataclass
class Series:
    """One line of a growth chart: a name and a value per day (same days for every series)."""

    name: str
    key: str
    values: list[int]


GROWTH_WIDTH, GROWTH_HEIGHT, GROWTH_PAD = 320, 110, 22
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00"]
SERIES_DASHES = ["", "6 3", "2 2", "8 2 2 2", "1 3"]


def growth_svg(days: list[date], series: list[Series], *, title: str) -> SafeString:
    """A small line chart of values per day (cumulative or not, as given); each series has its
    own colour and dash pattern, and its name is written at its last point."""
    n = len(days)
    top = max((max(s.values, default=0) for s in series), default=0) or 1
    inner_w = GROWTH_WIDTH - 2 * GROWTH_PAD - 40
    inner_h = GROWTH_HEIGHT - 2 * GROWTH_PAD

    def xy(i: int, v: int) -> tuple[str, str]:
        x = GROWTH_PAD + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = GROWTH_PAD + inner_h * (1 - v / top)
        return _num(x), _num(y)

    parts: list[str] = [
        format_html(
            '<svg class="growth" viewBox="0 0 {} {}" role="img" aria-label="{}">',
            GROWTH_WIDTH,
            GROWTH_HEIGHT,
            title,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#767676"/>',
            GROWTH_PAD,
            GROWTH_HEIGHT - GROWTH_PAD,
            GROWTH_PAD + inner_w,
            GROWTH_HEIGHT - GROWTH_PAD,
        ),
        format_html(
            '<text x="{}" y="{}" class="axis">{}</text><text x="{}" y="{}" class="axis">0</text>',
            2,
            GROWTH_PAD - 6,
            top,
            2,
            GROWTH_HEIGHT - GROWTH_PAD,
        ),
    ]
    if len(days) == 1:
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                _num(GROWTH_PAD + inner_w / 2),
                GROWTH_HEIGHT - 6,
                days[0].isoformat(),
            )
        )
    elif days:
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="axis">{}</text>'
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                GROWTH_PAD,
                GROWTH_HEIGHT - 6,
                days[0].isoformat(),
                GROWTH_PAD + inner_w,
                GROWTH_HEIGHT - 6,
                days[-1].isoformat(),
            )
        )
    for k, s in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        dash = SERIES_DASHES[k % len(SERIES_DASHES)]
        points = " ".join(",".join(xy(i, v)) for i, v in enumerate(s.values))
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"'
                ' stroke-dasharray="{}" data-series="{}"/>',
                points,
                colour,
                dash or "none",
                s.key,
            )
        )
        if s.values:
            for i, v in enumerate(s.values):
                cx, cy = xy(i, v)
                parts.append(
                    format_html('<circle cx="{}" cy="{}" r="2" fill="{}"/>', cx, cy, colour)
                )
            lx, ly = xy(len(s.values) - 1, s.values[-1])
            parts.append(
                format_html(
                    '<text x="{}" y="{}" dx="5" dy="{}" class="series-label" fill="{}">{}</text>',
                    lx,
                    ly,
                    4 + 11 * k - 5 * (len(series) - 1),
                    "#1b1f24",
                    s.name,
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece went through format_html
