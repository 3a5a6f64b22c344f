"""Share cards: the 1200 × 630 PNG that social sites and chat apps show beside a voice's link.

Drawn with Pillow in DejaVu Sans (npm ``dejavu-fonts-ttf``, copied to ``public/fonts/`` by
``make assets``; it covers Latin with accents, Greek and Cyrillic). The card shows only
what the voice's page shows: the quote, who said it as the public may see it (a name only with
both consents, see ``speaker_display``) and where it was heard.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

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
