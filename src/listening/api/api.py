"""The NinjaAPI instance: routers, error shapes and the health endpoint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from listening.api.conversations import router as conversations_router
from listening.api.live import router as live_router
from listening.api.people import router as people_router
from listening.api.places import router as places_router
from listening.api.programmes import router as programmes_router
from listening.api.schemas import ObjectParser
from listening.api.synthesis import router as synthesis_router
from listening.api.voices import router as voices_router
from listening.conversations.models import Conversation
from listening.conversations.services import ConversationError, RateLimited
from listening.live.services import LiveError, LiveRateLimited

api = NinjaAPI(
    title="Listening API",
    version="1",
    description="Open conversations: join, vote, add statements, read the opinion map.",
    urls_namespace="api",
    parser=ObjectParser(),
)
api.add_router("/conversations/", conversations_router)
api.add_router("/sessions/", programmes_router)
api.add_router("/voices/", voices_router)
api.add_router("/", people_router)
api.add_router("/cities/", places_router)
api.add_router("/live/", live_router)
api.add_router("/", synthesis_router)


@api.get("/health", tags=["health"], summary="Is the server up")
def health(request: HttpRequest) -> dict[str, bool]:
    return {"ok": True}


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja's locations start with the source ("body", "query", "path") and the parameter name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = list(exc.errors)
    detail = "; ".join(f"{_field(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors)
    return api.create_response(
        request, {"detail": detail or "The request is not valid.", "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(
            request,
            {"detail": "The request body is not valid JSON, or not a JSON object."},
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ConversationError)
def conversation_error(request: HttpRequest, exc: ConversationError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Conversation.DoesNotExist)
def conversation_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "There is no such conversation."}, status=404)


@api.exception_handler(LiveError)
def live_error(request: HttpRequest, exc: LiveError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, LiveRateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response
