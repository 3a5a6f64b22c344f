"""Celery tasks: thin, load by id and call a service."""

from __future__ import annotations

from listening.config.celery import app
from listening.dataio import services


@app.task(name="dataio.opendata_publish", ignore_result=True)  # type: ignore[untyped-decorator]
def opendata_publish_task(programme_id: int) -> None:
    services.opendata_publish_logged(programme_id)
