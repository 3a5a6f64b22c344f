"""HTML to PDF with WeasyPrint, for any app's printable document (the synthesis report, later
a conversation's report).

Nothing is fetched from the network: the URL fetcher refuses every URL that is not a
``data:`` URL or a file inside the application's package (its templates' stylesheets, the
fonts ``make assets`` copies into ``public/fonts/``). DejaVu Sans is declared with
``@font-face`` from that local file, so a document gets the same font on every machine.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

FONT_DIR = Path(settings.PACKAGE_DIR) / "public" / "fonts"
FONT_FAMILY = "DejaVu Sans"

# WeasyPrint logs every layout step at INFO; callers report their own progress.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A document asked for something that is not local."""


def local_path(url: str) -> Path:
    """The file a ``file:`` URL names, if it lies inside the package; else RefusedURL."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"refused {url!r}: only local files and data: URLs are allowed")
    path = Path(unquote(parts.path)).resolve()
    root = Path(settings.PACKAGE_DIR).resolve()
    if not path.is_relative_to(root):
        raise RefusedURL(f"refused {url!r}: outside the application's folder")
    return path


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher for data: URLs and the package's own files, nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                local_path(url)
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"))


def font_face_css() -> str:
    """``@font-face`` rules for the vendored fonts (none if ``make assets`` has not run)."""
    font = FONT_DIR / "DejaVuSans.ttf"
    if not font.exists():
        return ""
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font.as_uri()}"); }}\n'


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (its stylesheets linked as local ``file:`` URLs).

    ``base_url`` resolves relative links (e.g. ``Path(folder).as_uri() + "/"``); without
    it, only absolute ``file:`` and ``data:`` URLs resolve.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher()
    fonts = FontConfiguration()
    stylesheets = []
    if face := font_face_css():
        stylesheets.append(CSS(string=face, font_config=fonts, url_fetcher=fetcher))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts)
    assert isinstance(pdf, bytes)
    return pdf
