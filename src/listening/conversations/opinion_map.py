"""Lay out a stored opinion map for the results page: an SVG drawn on the server.

Only presentation: positions come from the snapshot that listening.analysis computed. Large
conversations are thinned to a fixed number of points per group so the page stays light; the
groups' sizes and centres always count everyone.

A snapshot keeps every participant's position as compact arrays (int64 ids, float32 x and y,
int8 group, a membership flag) in blocks of ``POSITIONS_PER_BLOCK`` consecutive participant ids
(``positions_blocks``; a snapshot stored before blocks kept them in one ``positions_pack``
blob), and, in its JSON summary, the drawn map (``map_summary``: the thinned points, each
group's hull, centre and size, the bounds). The results page reads the summary and, for the
participant looking at it, the one block that holds their position.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

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


@dataclass
class Positions:
    """Every participant of a map: ``ids`` sorted, ``xy`` float32, ``group`` (-1: none)."""

    ids: npt.NDArray[np.int64]
    xy: npt.NDArray[np.float32]
    group: npt.NDArray[np.int8]
    in_conversation: npt.NDArray[np.bool_]

    @classmethod
    def from_arrays(cls, ids: Any, xy: Any, group: Any, in_conversation: Any) -> Positions:
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        return cls(
            ids=ids[order],
            xy=np.asarray(xy, dtype=np.float32).reshape(-1, 2)[order],
            group=np.asarray(group, dtype=np.int8)[order],
            in_conversation=np.asarray(in_conversation, dtype=bool)[order],
        )

    @classmethod
    def from_participants(cls, participants: dict[str, dict[str, Any]]) -> Positions:
        """From the JSON shape of a snapshot stored before positions were compact."""
        keys = [k for k in participants if str(k).lstrip("-").isdigit()]
        items = [participants[k] for k in keys]
        return cls.from_arrays(
            [int(k) for k in keys],
            [(float(p.get("x", 0.0)), float(p.get("y", 0.0))) for p in items] or np.empty((0, 2)),
            [-1 if p.get("group") is None else int(p["group"]) for p in items],
            [bool(p.get("in_conversation")) for p in items],
        )

    def __len__(self) -> int:
        return len(self.ids)

    def _item(self, i: int) -> dict[str, Any]:
        g = int(self.group[i])
        return {
            "x": float(self.xy[i, 0]),
            "y": float(self.xy[i, 1]),
            "group": None if g < 0 else g,
            "in_conversation": bool(self.in_conversation[i]),
        }

    def get(self, pid: Any) -> dict[str, Any] | None:
        """One participant's entry, in the JSON shape (None when not in the map)."""
        try:
            key = int(pid)
        except (TypeError, ValueError):
            return None
        i = int(np.searchsorted(self.ids, key))
        if i < len(self.ids) and int(self.ids[i]) == key:
            return self._item(i)
        return None

    def to_dict(self, only: Any = None) -> dict[str, dict[str, Any]]:
        """The JSON shape {participant id: {x, y, group, in_conversation}}: everyone, or the
        ids in ``only``."""
        if only is not None:
            out = {}
            for pid in only:
                item = self.get(pid)
                if item is not None:
                    out[str(pid)] = item
            return out
        xs = self.xy[:, 0].tolist()
        ys = self.xy[:, 1].tolist()
        groups = self.group.tolist()
        flags = self.in_conversation.tolist()
        return {
            str(pid): {
                "x": x,
                "y": y,
                "group": None if g < 0 else g,
                "in_conversation": f,
            }
            for pid, x, y, g, f in zip(self.ids.tolist(), xs, ys, groups, flags, strict=True)
        }


def positions_pack(positions: Positions) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        ids=positions.ids,
        xy=positions.xy,
        group=positions.group,
        in_conversation=positions.in_conversation,
    )
    return buffer.getvalue()


# A block: n little-endian int64 ids (sorted), n float32 pairs, n int8 groups, n flag bytes.
POSITIONS_PER_BLOCK = 4096
_BLOCK_ROW_BYTES = 8 + 8 + 1 + 1


def positions_blocks(positions: Positions, size: int | None = None) -> list[tuple[int, bytes]]:
    """``positions`` cut into blocks of ``size`` (``POSITIONS_PER_BLOCK``) participants, as
    (first participant id, data) pairs; ``positions_block_unpack`` reads one back."""
    size = size or POSITIONS_PER_BLOCK
    blocks = []
    for start in range(0, len(positions), size):
        end = start + size
        data = b"".join(
            (
                positions.ids[start:end].astype("<i8").tobytes(),
                positions.xy[start:end].astype("<f4").tobytes(),
                positions.group[start:end].astype("i1").tobytes(),
                positions.in_conversation[start:end].astype("u1").tobytes(),
            )
        )
        blocks.append((int(positions.ids[start]), data))
    return blocks


def positions_block_unpack(data: bytes | memoryview) -> Positions:
    """One block of ``positions_blocks``; ValueError when its length cannot be one."""
    raw = bytes(data)
    n, rest = divmod(len(raw), _BLOCK_ROW_BYTES)
    if rest:
        raise ValueError(f"a positions block of {len(raw)} bytes is not whole rows")
    xy_at, group_at, flag_at = 8 * n, 16 * n, 17 * n
    return Positions(
        ids=np.frombuffer(raw, dtype="<i8", count=n).astype(np.int64),
        xy=np.frombuffer(raw, dtype="<f4", count=2 * n, offset=xy_at)
        .astype(np.float32)
        .reshape(-1, 2),
        group=np.frombuffer(raw, dtype="i1", count=n, offset=group_at).astype(np.int8),
        in_conversation=np.frombuffer(raw, dtype="u1", count=n, offset=flag_at).astype(bool),
    )


def positions_concat(parts: list[Positions]) -> Positions:
    """Blocks read back in order of their first id, as one ``Positions``."""
    if not parts:
        return Positions.from_arrays([], np.empty((0, 2)), [], [])
    return Positions(
        ids=np.concatenate([p.ids for p in parts]),
        xy=np.concatenate([p.xy for p in parts]).reshape(-1, 2),
        group=np.concatenate([p.group for p in parts]),
        in_conversation=np.concatenate([p.in_conversation for p in parts]),
    )


def positions_unpack(data: bytes | memoryview) -> Positions:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as f:
        return Positions(
            ids=f["ids"].astype(np.int64),
            xy=f["xy"].astype(np.float32).reshape(-1, 2),
            group=f["group"].astype(np.int8),
            in_conversation=f["in_conversation"].astype(bool),
        )


def map_summary(positions: Positions, seed: int = 0) -> dict[str, Any]:
    """What the results page draws, computed once per snapshot: at most ``MAX_POINTS`` points
    (a fixed share per group, drawn at random), and every group's size, centre and hull, which
    count everyone; in the map's own coordinates, with their bounds."""
    placed = positions.group >= 0
    xy = positions.xy[placed].astype(np.float64)
    groups = positions.group[placed].astype(np.int64)
    if not len(xy):
        return {"total": 0, "bounds": [0.0, 1.0, 0.0, 1.0], "points": [], "groups": {}}
    bounds = [float(xy[:, 0].min()), float(xy[:, 0].max())]
    bounds += [float(xy[:, 1].min()), float(xy[:, 1].max())]
    present = sorted(set(groups.tolist()))
    per_group = max(1, MAX_POINTS // len(present))
    rng = np.random.default_rng(seed)
    points: list[list[float]] = []
    summary_groups: dict[str, Any] = {}
    for g in present:
        members = xy[groups == g]
        if len(members) > per_group:
            drawn = members[np.sort(rng.choice(len(members), per_group, replace=False))]
        else:
            drawn = members
        points += [[round(float(x), 5), round(float(y), 5), g] for x, y in drawn]
        hull = _hull([(float(x), float(y)) for x, y in _hull_candidates(members)])
        summary_groups[str(g)] = {
            "size": len(members),
            "centre": [float(members[:, 0].mean()), float(members[:, 1].mean())],
            "hull": [[round(x, 5), round(y, 5)] for x, y in hull],
        }
    return {"total": len(xy), "bounds": bounds, "points": points, "groups": summary_groups}


def _hull_candidates(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Points that may be on the convex hull: a fine grid of distinct positions (the hull of
    a million points needs only their outline)."""
    if len(points) <= 5000:
        return points
    rounded = np.unique(np.round(points, 4), axis=0)
    if len(rounded) <= 20000:
        return rounded
    # Per column of a 512-wide grid, the lowest and highest point bound the hull.
    x = rounded[:, 0]
    span = (x.max() - x.min()) or 1.0
    column = np.minimum(((x - x.min()) / span * 512).astype(np.int64), 511)
    order = np.lexsort((rounded[:, 1], column))
    col_sorted = column[order]
    starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    ends = np.r_[starts[1:], len(order)] - 1
    return rounded[np.r_[order[starts], order[ends]]]


def build_map(result: dict[str, Any], you: str | None = None, seed: int = 0) -> OpinionMap:
    """The drawn map: from the snapshot's stored ``map`` summary when there is one (only the
    participant ``you`` is looked up in ``participants``), else from every participant."""
    if "map" in result:
        return _build_from_summary(result["map"], result.get("participants", {}), you)
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


def _build_from_summary(
    summary: dict[str, Any], participants: dict[str, dict[str, Any]], you: str | None
) -> OpinionMap:
    opinion_map = OpinionMap(total=int(summary.get("total", 0)))
    if not opinion_map.total:
        return opinion_map
    x0, x1, y0, y1 = (float(b) for b in summary["bounds"])
    sx = (WIDTH - 2 * MARGIN) / ((x1 - x0) or 1.0)
    sy = (HEIGHT - 2 * MARGIN) / ((y1 - y0) or 1.0)

    def scale(x: float, y: float) -> tuple[float, float]:
        return round(MARGIN + (x - x0) * sx, 1), round(HEIGHT - MARGIN - (y - y0) * sy, 1)

    for x, y, g in summary.get("points", []):
        sx_, sy_ = scale(x, y)
        opinion_map.points.append(MapPoint(sx_, sy_, PALETTE[int(g) % len(PALETTE)]))
    for gid, group in sorted(summary.get("groups", {}).items(), key=lambda kv: int(kv[0])):
        cx, cy = scale(*group["centre"])
        opinion_map.groups.append(
            MapGroup(
                id=gid,
                label=group_label(gid),
                size=int(group["size"]),
                colour=PALETTE[int(gid) % len(PALETTE)],
                x=cx,
                y=cy,
                hull=" ".join("{},{}".format(*scale(x, y)) for x, y in group["hull"]),
            )
        )
    opinion_map.shown = len(opinion_map.points)
    mine = participants.get(you) if you is not None else None
    if mine is not None and mine.get("group") is not None:
        x, y = scale(float(mine["x"]), float(mine["y"]))
        opinion_map.you = MapPoint(x, y, "#000000")
    return opinion_map
