"""Re-read an open-data export against its ``datapackage.json`` (dataio/schema.py): every file
listed and present, every column or field described, typed and, where required, filled, and
every link resolving to a row of the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from icalendar import Calendar

from listening.dataio.resources import dataset_read

INTEGER = re.compile(r"-?\d+")
DURATION = re.compile(r"\d{2,}:[0-5]\d:[0-5]\d")


def check_value(field: dict[str, Any], value: Any, where: str) -> list[Any]:
    """The value's parts (split at ";" for a list); raises AssertionError when it is not of its
    field's type."""
    if value is None or value == "" or value == []:
        assert not field["constraints"]["required"], f"{where}: {field['name']} is required"
        return []
    if field.get("x-separator") and isinstance(value, list):
        parts: list[Any] = value  # in JSON, a list is an array
    elif field.get("x-separator") and isinstance(value, str):
        parts = value.split(field["x-separator"])
    else:
        parts = [value]
    kind = field["type"]
    enum = field["constraints"].get("enum")
    for part in parts:
        message = f"{where}: {field['name']}={part!r} is not a {kind}"
        assert not enum or part in enum, f"{where}: {field['name']}={part!r} is not in {enum}"
        if kind == "integer":
            assert (isinstance(part, int) and not isinstance(part, bool)) or (
                isinstance(part, str) and INTEGER.fullmatch(part)
            ), message
        elif kind == "number":
            assert not isinstance(part, bool), message
            float(part)
        elif kind == "boolean":
            assert isinstance(part, bool) or part in field["trueValues"] + field["falseValues"], (
                message
            )
        elif kind == "datetime":
            dt.datetime.strptime(part, field.get("format", "%Y-%m-%dT%H:%M:%SZ"))
        elif kind == "date":
            dt.date.fromisoformat(part)
        elif kind == "duration":
            assert DURATION.fullmatch(part), message
        elif kind == "array":
            assert isinstance(part, list), message
        else:
            assert kind == "string", f"{where}: unknown type {kind}"
            assert isinstance(part, str | int), message
    return [str(p) for p in parts]


def read_table(path: Path, fmt: str) -> tuple[list[str], list[dict[str, Any]]]:
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        rows = list(reader)
        return list(reader.fieldnames or []), rows
    if fmt == "xlsx":
        dataset = dataset_read(path.read_bytes(), path.name)
        return list(dataset.headers or []), dataset.dict
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), path
    headers = list(data[0]) if data else []
    return headers, data


def check_export(folder: Path) -> dict[str, dict[str, set[str]]]:
    """Check every file of the export; returns the values of each table's fields (from its
    CSV), as ``{"voices": {"id": {...}}, "conversations/x/comments": {...}}``."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in package["resources"]} | {"datapackage.json"}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert listed == on_disk
    values: dict[str, dict[str, set[str]]] = {}
    links: list[tuple[str, str, str, set[str]]] = []
    for resource in package["resources"]:
        path = folder / resource["path"]
        assert resource["mediatype"] and resource["format"] == path.suffix[1:], resource
        if "schema" not in resource:
            continue
        fields = resource["schema"]["fields"]
        names = [f["name"] for f in fields]
        headers, rows = read_table(path, resource["format"])
        if rows or resource["format"] != "json":
            if resource["name"].endswith("participants-votes-csv"):
                assert headers[: len(names)] == names, resource["path"]
            else:
                assert headers == names, resource["path"]
        table = resource["path"].rsplit(".", 1)[0]
        for number, row in enumerate(rows, start=1):
            where = f"{resource['path']} row {number}"
            for f in fields:
                parts = check_value(f, row[f["name"]], where)
                if resource["format"] == "csv":
                    values.setdefault(table, {}).setdefault(f["name"], set()).update(parts)
                if f.get("x-link"):
                    links.append((where, f["name"], f["x-link"], set(parts)))
    for where, name, link, parts in links:
        table, column = link.rsplit(".", 1)
        if "/" in where and not table.startswith("conversations/"):
            table = where.rsplit("/", 1)[0] + "/" + table  # a link inside a Polis folder
        known = values.get(table, {}).get(column, set())
        assert parts <= known, f"{where}: {name} {parts - known} not in {link}"
    return values


def check_popolo(folder: Path, values: dict[str, dict[str, set[str]]]) -> dict[str, Any]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    described = next(r for r in package["resources"] if r["path"] == "popolo.json")
    popolo = json.loads((folder / "popolo.json").read_text(encoding="utf-8"))
    ids: dict[str, set[str]] = {}
    for collection, fields in described["x-collections"].items():
        for number, item in enumerate(popolo[collection], start=1):
            assert set(item) <= {f["name"] for f in fields}, (collection, item)
            for f in fields:
                check_value(f, item.get(f["name"]), f"popolo {collection} {number}")
        ids[collection] = {item["id"] for item in popolo[collection]}
    assert ids["persons"] == values["people"].get("slug", set())
    assert ids["organizations"] == values["organisations"].get("slug", set())
    for m in popolo["memberships"]:
        assert m["person_id"] in ids["persons"] and m["organization_id"] in ids["organizations"]
    return popolo


def check_geojson(folder: Path, values: dict[str, dict[str, set[str]]]) -> dict[str, Any]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    described = next(r for r in package["resources"] if r["path"] == "cities.geojson")
    geo = json.loads((folder / "cities.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    _, cities = read_table(folder / "cities.csv", "csv")
    by_label = {c["label"]: c for c in cities}
    assert len(geo["features"]) == len(cities)
    for feature in geo["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for f in described["x-properties"]:
            check_value(f, feature["properties"].get(f["name"]), "cities.geojson")
        city = by_label[feature["properties"]["label"]]
        # RFC 7946: longitude first.
        assert (lon, lat) == (float(city["longitude"]), float(city["latitude"]))
    return geo


def check_icalendar(folder: Path, values: dict[str, dict[str, set[str]]]) -> Calendar:
    calendar = Calendar.from_ical((folder / "sessions.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == len(values["sessions"].get("slug", set()))
    for event in events:
        assert str(event["uid"]).split("-", 3)[3] in values["sessions"]["slug"]
        assert event.decoded("dtend") > event.decoded("dtstart")
    return calendar


def check_polis_links(folder: Path, values: dict[str, dict[str, set[str]]]) -> None:
    """Every statement of the evidence is a comment of its conversation's comments.csv."""
    _, rows = read_table(folder / "key_message_statements.csv", "csv")
    for row in rows:
        comments = values[f"conversations/{row['conversation']}/comments"]
        assert row["comment_id"] in comments["comment-id"], row
    for slug in values["conversations"].get("slug", set()):
        summary = dict(
            csv.reader(
                io.StringIO(
                    (folder / f"conversations/{slug}/summary.csv").read_text(encoding="utf-8")
                )
            )
        )
        _, comments = read_table(folder / f"conversations/{slug}/comments.csv", "csv")
        assert int(summary["comments"]) == len(comments)


def check_all(folder: Path) -> dict[str, Any]:
    values = check_export(folder)
    return {
        "values": values,
        "popolo": check_popolo(folder, values),
        "geojson": check_geojson(folder, values),
        "calendar": check_icalendar(folder, values),
        "polis": check_polis_links(folder, values),
    }


def every_text(folder: Path) -> str:
    """All the text of an export, workbooks included."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            headers, rows = read_table(path, "xlsx")
            parts.append(json.dumps([headers, rows], default=str, ensure_ascii=False))
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def download(client: Any, url: str, **headers: Any) -> tuple[Any, bytes]:
    """The reply of a GET and its body; a streamed file is read and its file closed (without
    the request_finished signal that closing the reply sends, which would end the test's
    database connection)."""
    reply = client.get(url, **headers)
    if not reply.streaming:
        return reply, reply.content
    body = b"".join(reply.streaming_content)
    for closer in reply._resource_closers:
        closer()
    reply._resource_closers.clear()
    return reply, body
