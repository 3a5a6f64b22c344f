"""Lay out a stored opinion map for the results page: an SVG drawn on the server.

Only presentation: positions come from the snapshot that listening.analysis computed. Large
conversations are thinned to a fixed number of points per group so the page stays light; the
groups' sizes and centres always count everyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT, MARGIN = 640, 420, 24
MAX_POINTS = 1500
# Colour-blind-safe palette (Okabe–Ito), dark enough on white for 3:1 contrast.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9", "#E69F00"]


@dataclass
class MapPoint:
    x: float
    y: float
    colour: str


@dataclass
class MapGroup:
    id: str
    label: str
    size: int
    colour: str
    x: float
    y: float
    hull: str


@dataclass
class OpinionMap:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[MapPoint] = field(default_factory=list)
    groups: list[MapGroup] = field(default_factory=list)
    you: MapPoint | None = None
    shown: int = 0
    total: int = 0


def group_label(gid: str) -> str:
    index = int(gid)
    return chr(ord("A") + index) if 0 <= index < 26 else f"G{index}"


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull by Andrew's monotone chain (counter-clockwise)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def build_map(result: dict[str, Any], you: str | None = None, seed: int = 0) -> OpinionMap:
    participants: dict[str, dict[str, Any]] = result.get("participants", {})
    placed = {pid: p for pid, p in participants.items() if p.get("group") is not None}
    opinion_map = OpinionMap(total=len(placed))
    if not placed:
        return opinion_map
    xs = [p["x"] for p in placed.values()]
    ys = [p["y"] for p in placed.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (WIDTH - 2 * MARGIN) / ((x1 - x0) or 1.0)
    sy = (HEIGHT - 2 * MARGIN) / ((y1 - y0) or 1.0)

    def scale(x: float, y: float) -> tuple[float, float]:
        return round(MARGIN + (x - x0) * sx, 1), round(HEIGHT - MARGIN - (y - y0) * sy, 1)

    by_group: dict[str, list[tuple[float, float]]] = {}
    for p in placed.values():
        by_group.setdefault(str(p["group"]), []).append(scale(p["x"], p["y"]))
    rng = random.Random(seed)
    per_group = max(1, MAX_POINTS // len(by_group))
    for gid in sorted(by_group, key=int):
        points = by_group[gid]
        colour = PALETTE[int(gid) % len(PALETTE)]
        shown = points if len(points) <= per_group else rng.sample(points, per_group)
        opinion_map.points.extend(MapPoint(x, y, colour) for x, y in shown)
        hull = _hull(points)
        cx = sum(x for x, _ in points) / len(points)
        cy = sum(y for _, y in points) / len(points)
        opinion_map.groups.append(
            MapGroup(
                id=gid,
                label=group_label(gid),
                size=len(points),
                colour=colour,
                x=round(cx, 1),
                y=round(cy, 1),
                hull=" ".join(f"{x},{y}" for x, y in hull),
            )
        )
    opinion_map.shown = len(opinion_map.points)
    if you is not None and you in placed:
        x, y = scale(placed[you]["x"], placed[you]["y"])
        opinion_map.you = MapPoint(x, y, "#000000")
    return opinion_map
