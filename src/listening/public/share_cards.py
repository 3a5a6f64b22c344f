"""Share cards: the 1200 × 630 PNG that social sites and chat apps show beside a voice's link.

Drawn with Pillow in DejaVu Sans (npm ``dejavu-fonts-ttf``, copied to ``public/fonts/`` by
``make assets``; it covers Latin with accents, Greek and Cyrillic). The card shows only
what the voice's page shows: the quote, who said it as the public may see it (a name only with
both consents, see ``speaker_display``) and where it was heard.

Drawing one takes about 140 ms of CPU, so each card is drawn once and kept in the
``share_cards`` cache (files under ``DATA_DIR/cache/share-cards``, shared by every worker on the
machine and kept across restarts). Its key and its ETag are a hash of everything drawn on it:
when the quote, the speaker's consent (and so the name shown), the place or the language
changes, the key changes with it and the next request draws the new card; the old one expires.
A voice no longer published is never looked up, so its card is never served again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from io import BytesIO
from pathlib import Path

from django.core.cache import caches
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK = "#1b1f24"
MUTED = "#4a5360"
PAPER = "#ffffff"
ACCENT = "#0b5cad"
# Quote sizes tried from the largest down until the quote fits in MAX_QUOTE_LINES lines.
QUOTE_SIZES = (54, 46, 40, 34)
MAX_QUOTE_LINES = 6
# Change when the drawing changes, so that cards drawn by the old code are not served.
DESIGN_VERSION = "1"
CACHE_ALIAS = "share_cards"
CACHE_SECONDS = 30 * 24 * 3600


FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.is_file():
        raise RuntimeError(f"{FONT} is missing: run `make assets` to install the share-card font.")
    return ImageFont.truetype(str(FONT), size=size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    return lines


def _clip(
    draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """At most MAX_QUOTE_LINES lines; an ellipsis marks a cut quote."""
    if len(lines) <= MAX_QUOTE_LINES:
        return lines
    kept = lines[:MAX_QUOTE_LINES]
    words = kept[-1].split()
    while len(words) > 1 and draw.textlength(" ".join(words) + "…", font=font) > width:
        words.pop()
    kept[-1] = " ".join(words) + "…"
    return kept


def quote_layout(text: str) -> tuple[int, list[str]]:
    """The font size and the lines of the quote, between typographic quotation marks."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = WIDTH - 2 * MARGIN
    quoted = f"“{' '.join(text.split())}”"
    for size in QUOTE_SIZES:
        font = _font(size)
        lines = _wrap(draw, quoted, font, width)
        if len(lines) <= MAX_QUOTE_LINES:
            return size, lines
    font = _font(QUOTE_SIZES[-1])
    return QUOTE_SIZES[-1], _clip(draw, _wrap(draw, quoted, font, width), font, width)


def voice_card_png(*, quote: str, speaker: str, heard_at: str, site: str) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    size, lines = quote_layout(quote)
    font = _font(size)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(size * 1.25)
    small = _font(30)
    footer = HEIGHT - MARGIN - 2 * 40
    draw.text((MARGIN, footer), speaker, font=small, fill=INK)
    draw.text((MARGIN, footer + 40), heard_at, font=small, fill=MUTED)
    label = _font(26)
    draw.text((WIDTH - MARGIN, MARGIN // 2), site, font=label, fill=ACCENT, anchor="ra")
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def card_etag(*, quote: str, speaker: str, heard_at: str, site: str) -> str:
    """A hash of everything the card shows (unquoted; the view adds the quotes)."""
    digest = hashlib.sha256()
    for part in (DESIGN_VERSION, quote, speaker, heard_at, site):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def voice_card_cached(*, quote: str, speaker: str, heard_at: str, site: str) -> bytes:
    """The card as PNG bytes, drawn only if no card with the same content is cached."""
    store = caches[CACHE_ALIAS]
    key = f"card:{card_etag(quote=quote, speaker=speaker, heard_at=heard_at, site=site)}"
    png = store.get(key)
    if png is None:
        png = voice_card_png(quote=quote, speaker=speaker, heard_at=heard_at, site=site)
        store.set(key, png, timeout=CACHE_SECONDS)
    return bytes(png)
