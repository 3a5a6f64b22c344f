from io import BytesIO

import pytest
from PIL import Image

from listening.people.models import PersonKind
from listening.places.regions import WorldRegion
from listening.public import share_cards
from listening.voices.models import VoiceStatus
from tests.factories import CityFactory, PersonFactory, VoiceFactory

pytestmark = pytest.mark.django_db


def test_voice_index_shows_published_voices_only(client):
    VoiceFactory(text="Published words")
    VoiceFactory(text="Draft words", status=VoiceStatus.DRAFT)
    page = client.get("/voices/").content.decode()
    assert "Published words" in page
    assert "Draft words" not in page
    assert "1 voice found" in page


def test_voice_index_filters_by_region(client):
    VoiceFactory(text="From Lyon", city=CityFactory(country="FR", region=WorldRegion.EUROPE))
    VoiceFactory(text="From Durban", city=CityFactory(region=WorldRegion.AFRICA))
    page = client.get("/voices/?region=europe").content.decode()
    assert "From Lyon" in page
    assert "From Durban" not in page


def test_voice_index_searches_text(client):
    VoiceFactory(text="Trees give shade")
    VoiceFactory(text="Buses at night")
    page = client.get("/voices/?q=shade").content.decode()
    assert "Trees give shade" in page
    assert "Buses at night" not in page


def test_voice_index_answers_htmx_with_the_results_fragment(client):
    VoiceFactory(text="Trees give shade")
    response = client.get("/voices/?q=trees", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Trees give shade" in page
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    assert 'id="results-status"' in page
    assert 'hx-swap-oob="true">1 voice found</p>' in page


def test_voice_index_history_restore_gets_the_whole_page(client):
    response = client.get(
        "/voices/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_voice_index_paginates(client):
    VoiceFactory.create_batch(25)
    first = client.get("/voices/").content.decode()
    assert first.count('class="voice"') == 20
    assert "?page=2" in first
    second = client.get("/voices/?page=2").content.decode()
    assert second.count('class="voice"') == 5


def test_voice_text_with_markup_is_shown_as_text(client):
    voice = VoiceFactory(text='<script>alert("x")</script><b>bold</b>')
    for url in ("/voices/", f"/voices/{voice.pk}/", f"/sessions/{voice.session.slug}/", "/"):
        page = client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


def test_voice_page_has_open_graph_share_card(client):
    voice = VoiceFactory(text="Shade for everyone", speaker=PersonFactory(name="Ana Souza"))
    page = client.get(f"/voices/{voice.pk}/").content.decode()
    assert '<meta property="og:description" content="Shade for everyone">' in page
    assert f'<meta property="og:url" content="http://testserver/voices/{voice.pk}/">' in page
    assert 'property="og:title" content="Ana Souza' in page


def test_voice_page_without_attribution_shows_kind_and_city(client):
    voice = VoiceFactory(
        speaker=PersonFactory(name="Secret Name", city=CityFactory(name="Durban")),
        attribution_consent=False,
        speaker_kind=PersonKind.CIVIL_SOCIETY,
    )
    page = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "Secret Name" not in page
    assert "A civil society participant from Durban" in page


def test_voice_page_of_a_draft_is_404(client):
    voice = VoiceFactory(status=VoiceStatus.APPROVED)
    assert client.get(f"/voices/{voice.pk}/").status_code == 404
    assert client.get("/voices/999999/").status_code == 404


def test_voice_card_is_a_png_that_can_be_cached(client):
    voice = VoiceFactory()
    response = client.get(f"/voices/{voice.pk}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


def test_voice_card_of_an_unpublished_voice_is_not_found(client):
    voice = VoiceFactory(status=VoiceStatus.DRAFT)
    assert client.get(f"/voices/{voice.pk}/card.png").status_code == 404


def test_voice_card_names_the_speaker_only_with_consent(client, monkeypatch):
    drawn = []
    real = share_cards.voice_card_png

    def record(**kwargs):
        drawn.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(share_cards, "voice_card_png", record)
    city = CityFactory(name="Durban")
    hidden = VoiceFactory(
        speaker=PersonFactory(name="Secret Speaker", city=city), attribution_consent=False
    )
    named = VoiceFactory(speaker=PersonFactory(name="Named Speaker"))
    client.get(f"/voices/{hidden.pk}/card.png")
    client.get(f"/voices/{named.pk}/card.png")
    assert "Secret Speaker" not in drawn[0]["speaker"]
    assert drawn[0]["speaker"].endswith("from Durban")
    assert drawn[1]["speaker"] == "Named Speaker"


def test_voice_page_offers_its_card_to_link_previews(client):
    voice = VoiceFactory()
    page = client.get(f"/voices/{voice.pk}/").content.decode()
    assert (
        f'<meta property="og:image" content="http://testserver/voices/{voice.pk}/card.png">' in page
    )
    assert 'content="summary_large_image"' in page
