"""Input schemas: strict types, and no text a database or an encoder cannot take.

Every request body is a JSON object (``ObjectParser``), and its schema derives from
``InputSchema``:

- strict types (pydantic strict mode): ``true`` is not the number 1, ``"1"`` is not an id, ``1.0``
  is not an integer;
- no string holds a NUL character (PostgreSQL refuses them) or an unpaired UTF-16 surrogate
  (``"\\ud800"`` in JSON; no encoder can write it) — 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from ninja.parser import Parser
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from listening.conversations.services.votes import ID_MAX

Id = Annotated[int, Field(ge=1, le=ID_MAX)]


class ObjectParser(Parser):
    """Every request body of this API is a JSON object (or ``null``, "no fields", where the
    body is optional): ``[1]``, ``5`` or ``"x"`` are refused (422) rather than read as "no
    fields given"."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ValueError("The request body is not a JSON object.")
        return data


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# Documents in the OpenAPI schema the rule the validator below enforces (and tells fuzzers).
TEXT_PATTERN = r"^[^\u0000]*$"


def _document_text_rule(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("type") == "string" and "enum" not in prop:
            prop.setdefault("pattern", TEXT_PATTERN)


class QuerySchema(Schema):
    """Query-string filters: their values arrive as text and are converted (``?year=2026``
    is the number 2026, so not strict), but a NUL character or a lone surrogate is refused
    with 422 as in a body (PostgreSQL cannot compare them)."""

    model_config = ConfigDict(json_schema_extra=_document_text_rule)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise PydanticCustomError("string_nul", "must not contain a NUL character")
            if _has_surrogate(value):
                raise PydanticCustomError(
                    "string_surrogate", "must not contain an unpaired surrogate (invalid Unicode)"
                )
        return value


class InputSchema(QuerySchema):
    """Request bodies: the same text rule, and strict types."""

    model_config = ConfigDict(strict=True)
