"""Celery tasks: thin, load by id and call a service."""

from __future__ import annotations

from listening.config.celery import app
from listening.conversations import services


@app.task(name="conversations.opinion_refresh", ignore_result=True)  # type: ignore[untyped-decorator]
def opinion_refresh_task(conversation_id: int) -> None:
    services.opinion_refresh_scheduled(conversation_id=conversation_id)
