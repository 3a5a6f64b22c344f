"""What the read routers share: the reader's language and the page shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
# `lang` is read by api.language.ApiLanguageMiddleware for every /api/ path; the endpoints
# declare it so that the schema documents it.
LANG_DESCRIPTION = (
    "Language of labels and translated content (en, fr, es); without it, Accept-Language."
)


class Pages(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 100); answers ``{"items": [...], "count": N}``."""

    class Input(Schema):
        # Bounded, so an absurd page number is a 422, not an OFFSET the database cannot hold.
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)


class Detail(Schema):
    detail: str


class Named(Schema):
    slug: str
    name: str


class CityRef(Schema):
    id: int
    name: str
    country: str
    country_name: str


class Converted:
    """A queryset that the paginator counts and slices, turned into dicts only for its page."""

    def __init__(self, rows: Any, convert: Callable[[Any], dict[str, Any]]) -> None:
        self.rows, self.convert = rows, convert

    def all(self) -> Any:
        return self.rows.all()

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.convert(row) for row in self.rows[index]]


def bearer_token(request: HttpRequest) -> str:
    """The participant token of ``Authorization: Bearer <token>``; 401 without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HttpError(
            401, "Send your participant token as 'Authorization: Bearer <token>'; join first."
        )
    return token.strip()
