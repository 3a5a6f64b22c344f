from io import BytesIO

from PIL import Image, ImageDraw

from listening.public import share_cards


def test_short_quote_takes_the_largest_size_between_quotation_marks():
    size, lines = share_cards.quote_layout("Shade is a right.")
    assert size == share_cards.QUOTE_SIZES[0]
    assert lines == ["“Shade is a right.”"]


def test_long_quote_shrinks_then_is_cut_with_an_ellipsis():
    medium = " ".join(["Public space belongs to everyone who lives in the city."] * 5)
    size, lines = share_cards.quote_layout(medium)
    assert size < share_cards.QUOTE_SIZES[0]
    assert len(lines) <= share_cards.MAX_QUOTE_LINES
    assert lines[-1].endswith("”")

    size, lines = share_cards.quote_layout("word " * 400)
    assert size == share_cards.QUOTE_SIZES[-1]
    assert len(lines) == share_cards.MAX_QUOTE_LINES
    assert lines[-1].endswith("…")


def test_card_is_a_1200_by_630_png_with_the_quote_drawn():
    png = share_cards.voice_card_png(
        quote="Shade is a right.", speaker="A resident", heard_at="Session", site="Listening"
    )
    image = Image.open(BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    # The quote's first line is inked: dark pixels inside the text block, paper around.
    quote_area = image.convert("L").crop((72, 72, 600, 140))
    assert quote_area.getextrema()[0] < 100


def _drawn(text):
    image = Image.new("L", (80, 80))
    ImageDraw.Draw(image).text((10, 10), text, font=share_cards._font(40), fill=255)
    return image.tobytes()


def test_font_has_the_accents_of_french_and_spanish_voices():
    missing = _drawn("\U0010fffd")  # a code point no font draws: the "missing glyph" box
    for letter in "éèçàñ¿«»’":
        assert _drawn(letter) != missing, letter
