"""Learning events as xAPI 1.0.3 statements, for a learning record store.

Statements are checked against a JSON Schema of the xAPI 1.0.3 statement structure
(``XAPI_STATEMENT_SCHEMA``: the required properties, an Agent with exactly one identifier,
IRIs, language maps, the result's score bounds, ISO 8601 times) with ``jsonschema``, the
maintained validator. Learners appear by an account on this site, never by name or e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonschema

from listening.learning.models import LearningEvent

VERBS = {
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "video": "https://w3id.org/xapi/video/activity-type/video",
    "text": "http://adlnet.gov/expapi/activities/media",
    "infographic": "http://adlnet.gov/expapi/activities/media",
}

_IRI = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"}
_LANGUAGE_MAP = {
    "type": "object",
    "minProperties": 1,
    "patternProperties": {r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$": {"type": "string"}},
    "additionalProperties": False,
}
_TIMESTAMP = {
    "type": "string",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
}
_UUID = {
    "type": "string",
    "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
}
_ACTIVITY = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "objectType": {"const": "Activity"},
        "id": _IRI,
        "definition": {
            "type": "object",
            "properties": {"name": _LANGUAGE_MAP, "description": _LANGUAGE_MAP, "type": _IRI},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
_ACCOUNT = {
    "type": "object",
    "required": ["homePage", "name"],
    "properties": {"homePage": _IRI, "name": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}
XAPI_STATEMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["actor", "verb", "object"],
    "properties": {
        "id": _UUID,
        "actor": {
            "type": "object",
            "properties": {
                "objectType": {"const": "Agent"},
                "name": {"type": "string"},
                "mbox": {"type": "string", "pattern": "^mailto:"},
                "mbox_sha1sum": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
                "openid": _IRI,
                "account": _ACCOUNT,
            },
            "oneOf": [
                {"required": ["mbox"]},
                {"required": ["mbox_sha1sum"]},
                {"required": ["openid"]},
                {"required": ["account"]},
            ],
            "additionalProperties": False,
        },
        "verb": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": _IRI, "display": _LANGUAGE_MAP},
            "additionalProperties": False,
        },
        "object": _ACTIVITY,
        "result": {
            "type": "object",
            "properties": {
                "score": {
                    "type": "object",
                    "properties": {
                        "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                        "raw": {"type": "number"},
                        "min": {"type": "number"},
                        "max": {"type": "number"},
                    },
                    "additionalProperties": False,
                },
                "success": {"type": "boolean"},
                "completion": {"type": "boolean"},
                "response": {"type": "string"},
                "duration": {"type": "string", "pattern": r"^P"},
                "extensions": {"type": "object", "propertyNames": _IRI},
            },
            "additionalProperties": False,
        },
        "context": {
            "type": "object",
            "properties": {
                "platform": {"type": "string"},
                "language": {"type": "string"},
                "contextActivities": {
                    "type": "object",
                    "properties": {
                        key: {"type": "array", "items": _ACTIVITY}
                        for key in ("parent", "grouping", "category", "other")
                    },
                    "additionalProperties": False,
                },
                "extensions": {"type": "object", "propertyNames": _IRI},
            },
            "additionalProperties": False,
        },
        "timestamp": _TIMESTAMP,
        "stored": _TIMESTAMP,
        "version": {"type": "string", "pattern": r"^1\.0(\.\d+)?$"},
    },
    "additionalProperties": False,
}
_VALIDATOR = jsonschema.Draft202012Validator(XAPI_STATEMENT_SCHEMA)


def validation_errors(statement: dict[str, Any]) -> list[str]:
    """Where the statement breaks the xAPI 1.0.3 structure; empty when it is valid."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(statement)'}: {error.message}"
        for error in _VALIDATOR.iter_errors(statement)
    ]


def _activity(kind: str, iri: str, name: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"name": {"en": name or kind}, "type": ACTIVITY_TYPES[kind]},
    }


def statement(event: LearningEvent, *, base_url: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    course = event.course
    context_parents = []
    if event.block_id is not None and event.block is not None:
        block = event.block
        obj = _activity(
            block.kind,
            f"{base}/learn/lessons/{event.lesson.slug if event.lesson else ''}/#block-{block.pk}",
            str(block),
        )
    elif event.lesson is not None:
        obj = _activity("lesson", f"{base}/learn/lessons/{event.lesson.slug}/", event.lesson.title)
    elif event.module is not None and course is not None:
        obj = _activity(
            "module", f"{base}/learn/{course.slug}/#module-{event.module.slug}", event.module.title
        )
    else:
        obj = _activity("course", f"{base}/learn/{course.slug if course else ''}/", str(course))
    if course is not None and obj["id"] != f"{base}/learn/{course.slug}/":
        context_parents.append(_activity("course", f"{base}/learn/{course.slug}/", course.title))
    data: dict[str, Any] = {
        "id": str(event.uuid),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": f"{base}/", "name": f"learner-{event.learner_id}"},
        },
        "verb": {"id": VERBS[event.verb], "display": {"en-US": event.verb}},
        "object": obj,
        "timestamp": event.timestamp.isoformat().replace("+00:00", "Z"),
        "version": "1.0.3",
    }
    if context_parents:
        data["context"] = {
            "platform": "Listening",
            "contextActivities": {"grouping": context_parents},
        }
    result = event.result or {}
    if "score" in result:
        data["result"] = {
            "score": {"scaled": round(result["score"] / 100, 4), "raw": result["score"],
                      "min": 0, "max": 100},
            "success": bool(result.get("success")),
            "completion": True,
        }  # fmt: skip
    elif event.verb == "completed":
        data["result"] = {"completion": True}
    return data


def statements(events: Iterable[LearningEvent], *, base_url: str) -> list[dict[str, Any]]:
    return [statement(event, base_url=base_url) for event in events]
