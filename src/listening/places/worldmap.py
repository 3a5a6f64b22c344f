"""A world map drawn on the server: Natural Earth country shapes projected to SVG paths.

The shapes are the Natural Earth 1:110m countries that the npm package `world-atlas` ships as
TopoJSON; `make assets` copies the file into the public app's static folder, so the map needs
no tile server and no other host. Projection: Natural Earth I (the polynomial d3 uses).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

TOPOJSON = "vendor/world-atlas/countries-110m.json"
WIDTH = 1000.0
NORTH, SOUTH = 85.0, -58.0  # the map is cropped to the inhabited latitudes
ANTARCTICA = "010"


def _natural_earth(longitude: float, latitude: float) -> tuple[float, float]:
    lam, phi = math.radians(longitude), math.radians(latitude)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


_X_MAX = _natural_earth(180.0, 0.0)[0]
_Y_TOP = _natural_earth(0.0, NORTH)[1]
_Y_BOTTOM = _natural_earth(0.0, SOUTH)[1]
SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round((_Y_TOP - _Y_BOTTOM) * SCALE, 1)


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """SVG coordinates (x to the right, y down) of a point on the map."""
    latitude = max(SOUTH, min(NORTH, latitude))
    x, y = _natural_earth(longitude, latitude)
    return round((x + _X_MAX) * SCALE, 1), round((_Y_TOP - y) * SCALE, 1)


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    path: str


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep a ring that crosses the antimeridian (Russia, Fiji) on one side of the map.

    Its far side is drawn just past the edge (where the SVG clips it) instead of as a band
    across the whole world.
    """
    crosses = any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points))
    if not crosses:
        return points
    east = sum(lon for lon, _ in points) >= 0
    if east:
        return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    return [(lon - 360 if lon > 0 else lon, lat) for lon, lat in points]


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> str:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    points = _unwrap(points)
    projected = [project(lon, lat) for lon, lat in points]
    # Drop points that project onto the one before: the 110m shapes need no more precision.
    kept = [projected[0]]
    for point in projected[1:]:
        if point != kept[-1]:
            kept.append(point)
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z"


def countries_from_topojson(path: Path) -> list[Country]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        d = "".join(_ring(ring, arcs) for polygon in polygons for ring in polygon)
        if d:
            name = str(geometry.get("properties", {}).get("name", ""))
            countries.append(Country(str(geometry.get("id", "")), name, d))
    return countries


@cache
def world_countries() -> tuple[Country, ...]:
    """The projected country shapes, read and projected once per process.

    Without the asset (`make assets` not run) the map still draws its markers on a blank sea.
    """
    from django.contrib.staticfiles import finders

    found = finders.find(TOPOJSON)
    if not found:
        logger.warning("%s is missing: run `make assets`; the map has no countries.", TOPOJSON)
        return ()
    return tuple(countries_from_topojson(Path(str(found))))


def marker_radius(value: int, largest: int) -> float:
    """Marker area proportional to participation, between 2.5 and 14 units of radius."""
    if largest <= 0 or value <= 0:
        return 2.5
    return round(2.5 + 11.5 * math.sqrt(value / largest), 1)
