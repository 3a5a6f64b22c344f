"""The report's charts, drawn by matplotlib as SVG (embedded in the HTML as data: URLs).

matplotlib's object-oriented API (``Figure``, no pyplot) keeps no global state, so charts
can be drawn in a web request as well as on the command line; its SVG writer needs no
display (the Agg family of backends). Text is drawn as paths in matplotlib's own copy of
DejaVu Sans: the SVG needs no font and fetches nothing.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from listening.synthesis.report.data import Counted, OpinionMap

matplotlib.use("Agg")

VOICES_COLOUR = "#1f5f8b"
PARTICIPANTS_COLOUR = "#e0a030"
GROUP_COLOURS = ["#1f5f8b", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#7f8c8d"]
UNGROUPED = "#b0b0b0"
RC: Any = {"svg.hashsalt": "listening-report", "font.family": "DejaVu Sans", "font.size": 9}


def group_letter(gid: str | int) -> str:
    return chr(ord("A") + int(gid)) if str(gid).isdigit() and int(gid) < 26 else str(gid)


def _svg(figure: Figure) -> str:
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def stacked_bars(rows: Sequence[Counted], *, voices_label: str, participants_label: str) -> str:
    """Horizontal bars, one per row: published voices, then listed participants."""
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(6.4, 0.42 * max(len(rows), 2) + 0.8))
        axes = figure.subplots()
        labels = [row.label for row in rows][::-1]
        voices = [row.voices for row in rows][::-1]
        participants = [row.participants for row in rows][::-1]
        axes.barh(labels, voices, color=VOICES_COLOUR, label=voices_label)
        axes.barh(
            labels, participants, left=voices, color=PARTICIPANTS_COLOUR, label=participants_label
        )
        for y, (v, p) in enumerate(zip(voices, participants, strict=True)):
            if v + p:
                axes.text(v + p, y, f" {v + p:,}", va="center", fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_xlim(
            0, max([v + p for v, p in zip(voices, participants, strict=True)] + [1]) * 1.15
        )
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=8)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(figure)


def opinion_map(item: OpinionMap) -> str:
    """Participants placed by how they voted, coloured by opinion group, with group letters."""
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(6.0, 4.0))
        axes = figure.subplots()
        xs = [p[0] for p in item.participants]
        ys = [p[1] for p in item.participants]
        colours = [
            UNGROUPED if p[2] is None else GROUP_COLOURS[int(p[2]) % len(GROUP_COLOURS)]
            for p in item.participants
        ]
        # Thousands of points stay one embedded image, not thousands of SVG circles.
        axes.scatter(xs, ys, s=9, c=colours, alpha=0.6, linewidths=0, rasterized=True)
        for gid, (x, y) in item.centres.items():
            colour = GROUP_COLOURS[int(gid) % len(GROUP_COLOURS)] if gid.isdigit() else "black"
            axes.annotate(
                group_letter(gid),
                (x, y),
                ha="center",
                va="center",
                fontsize=14,
                fontweight="bold",
                color="white",
                bbox={"boxstyle": "circle", "fc": colour, "ec": "none"},
            )
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_aspect("equal", adjustable="datalim")
        for spine in axes.spines.values():
            spine.set_color("#cccccc")
        figure.set_dpi(150)
        return _svg(figure)
