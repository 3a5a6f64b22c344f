"""The Celery app: used only when CELERY_BROKER_URL is set (otherwise jobs run in-process).

Start a worker with ``celery -A listening.config.celery worker``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")

app = Celery("listening")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["listening.conversations", "listening.dataio"])
