from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from listening.public import share_cards
from listening.voices.models import VoiceStatus
from tests.factories import PersonFactory, VoiceFactory


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


@pytest.fixture
def drawn(monkeypatch):
    """The content of every card actually drawn (the real drawing still runs)."""
    calls = []
    real = share_cards.voice_card_png

    def record(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(share_cards, "voice_card_png", record)
    return calls


def _card(client, voice, **headers):
    return client.get(f"/voices/{voice.pk}/card.png", **headers)


@pytest.mark.django_db
def test_voice_card_is_drawn_once_then_served_from_the_cache(client, drawn):
    voice = VoiceFactory()
    first, second = _card(client, voice), _card(client, voice)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert len(drawn) == 1


@pytest.mark.django_db
def test_voice_card_if_none_match_gets_304_without_drawing(client, drawn):
    voice = VoiceFactory()
    etag = _card(client, voice)["ETag"]
    response = _card(client, voice, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert len(drawn) == 1
    assert _card(client, voice, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


@pytest.mark.django_db
def test_voice_card_edited_voice_is_drawn_again_with_a_new_etag(client, drawn):
    voice = VoiceFactory(text="Shade is a right.")
    old = _card(client, voice)["ETag"]
    voice.text = "Shade and water are rights."
    voice.save(update_fields=["text"])
    response = _card(client, voice, HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response["ETag"] != old
    assert [d["quote"] for d in drawn] == ["Shade is a right.", "Shade and water are rights."]


@pytest.mark.django_db
def test_voice_card_speaker_withdrawing_consent_drops_the_cached_name(client, drawn):
    speaker = PersonFactory(name="Dr Amara Diop")
    voice = VoiceFactory(speaker=speaker)
    named = _card(client, voice)
    speaker.consent_quoted = False
    speaker.save(update_fields=["consent_quoted"])
    anonymous = _card(client, voice)
    assert named["ETag"] != anonymous["ETag"]
    assert named.content != anonymous.content
    assert drawn[0]["speaker"] == "Dr Amara Diop"
    assert "Amara" not in drawn[1]["speaker"]


@pytest.mark.django_db
def test_voice_card_each_language_has_its_own(client, drawn):
    voice = VoiceFactory()
    english, french = _card(client, voice), client.get(f"/fr/voices/{voice.pk}/card.png")
    assert english.status_code == french.status_code == 200
    assert _card(client, voice)["ETag"] == english["ETag"]
    assert len(drawn) == len({(d["speaker"], d["site"]) for d in drawn})


@pytest.mark.django_db
def test_voice_card_unpublished_after_caching_is_not_found(client):
    voice = VoiceFactory()
    etag = _card(client, voice)["ETag"]
    voice.status = VoiceStatus.DRAFT
    voice.save(update_fields=["status"])
    assert _card(client, voice).status_code == 404
    assert _card(client, voice, HTTP_IF_NONE_MATCH=etag).status_code == 404
