"""Compile the .po translation catalogs to .mo without GNU gettext (polib does it in Python).

Django's own `compilemessages` needs gettext's msgfmt, which a fresh machine lacks; the set-up
runs this instead so that `make run` needs nothing beyond Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every .po catalog of the project into its .mo file (skips up-to-date ones)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        # The project's catalogs, and those an app keeps in its own locale/ folder (Django reads
        # both; an app with its own catalog keeps its strings out of the shared one).
        app_dirs = [
            Path(config.path) / "locale"
            for config in apps.get_app_configs()
            if config.name.startswith("listening.")
        ]
        for locale_dir in [*map(Path, settings.LOCALE_PATHS), *app_dirs]:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    catalog = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: cannot be read: {exc}") from None
                catalog.save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"Translation catalogs compiled: {compiled}")
