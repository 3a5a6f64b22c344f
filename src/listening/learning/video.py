"""Watched intervals of a video: merged into a union, so seeking ahead adds nothing. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

COMPLETE_SHARE = 0.9


def merge_intervals(intervals: Iterable[Sequence[float]]) -> list[list[float]]:
    ordered = sorted([float(start), float(end)] for start, end in intervals if end > start)
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered(intervals: Iterable[Sequence[float]]) -> float:
    return sum(end - start for start, end in intervals)


def clip(intervals: Iterable[Sequence[float]], duration: float) -> list[list[float]]:
    return [
        [max(0.0, start), min(duration, end)]
        for start, end in intervals
        if min(duration, end) > max(0.0, start)
    ]


def is_complete(intervals: Iterable[Sequence[float]], duration: float) -> bool:
    return duration > 0 and covered(intervals) >= COMPLETE_SHARE * duration - 1e-6
