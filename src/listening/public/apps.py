from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    from listening.voices.selectors import search_index_repair

    search_index_repair(using)


class PublicConfig(AppConfig):
    name = "listening.public"
    verbose_name = "Public"

    def ready(self) -> None:
        post_migrate.connect(_repair_search_index, dispatch_uid="listening.public.search_index")
