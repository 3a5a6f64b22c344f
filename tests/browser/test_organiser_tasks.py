"""The organiser's tasks of issue 10, done in the admin with a real browser: a session with a
city, speakers and partners; a voice with consent, published; a conversation with five seed
statements, opened; ten statements moderated; the programme's data downloaded."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from listening.conversations.models import Conversation, StatementStatus
from listening.programmes.models import ListeningSession, Role
from listening.voices.models import Voice, VoiceStatus
from tests.factories import (
    CityFactory,
    ConversationFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    PersonFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(page):
    get_user_model().objects.create_superuser("organiser", "o@example.org", "a-long-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def _pick(page, select_id, text):
    """Choose in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_create_a_session_with_a_city_speakers_and_partners(organiser):
    page = organiser
    theme = ThemeFactory(name="Water")
    CityFactory(name="Durban")
    PersonFactory(name="Amara Diop")
    OrganisationFactory(name="UN-Habitat")
    page.goto("/admin/programmes/listeningsession/add/")
    page.get_by_label("Programme:").select_option(label=theme.programme.name)
    page.locator("#id_title_en").fill("Water in Durban")
    page.locator("#id_themes_from").select_option(label="Water")
    page.locator("#id_themes_add").click()
    page.get_by_label("Axis:").select_option("planet")
    page.locator("#id_starts_at_0").fill("2026-03-02")
    page.locator("#id_starts_at_1").fill("09:00:00")
    page.locator("#id_ends_at_0").fill("2026-03-02")
    page.locator("#id_ends_at_1").fill("11:00:00")
    page.get_by_label("Format:").select_option("hybrid")
    page.get_by_label("English (English)").check()
    _pick(page, "id_venue_city", "Durban")
    page.get_by_label("Venue and address:").fill("City Hall")
    add_row = page.get_by_role("button", name="Add another Participation")
    add_row.click()
    _pick(page, "id_participations-0-person", "Amara Diop")
    page.locator("#id_participations-0-role").select_option(Role.SPEAKER)
    add_row.click()
    _pick(page, "id_participations-1-organisation", "UN-Habitat")
    page.locator("#id_participations-1-role").select_option(Role.PARTNER)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist .success")
    session = ListeningSession.objects.get(title="Water in Durban")
    assert session.venue_city.name == "Durban" and session.languages == ["en"]
    assert {p.role for p in session.participations.all()} == {Role.SPEAKER, Role.PARTNER}


def test_record_a_voice_with_consent_and_publish_it(organiser):
    page = organiser
    session = ListeningSessionFactory(title="Night buses")
    PersonFactory(name="Lucía Gómez")
    page.goto("/admin/voices/voice/add/")
    _pick(page, "id_session", "Night buses")
    page.get_by_label("Text:").fill("Night buses would change my life.")
    page.get_by_label("Original language:").select_option("en")
    _pick(page, "id_speaker", "Lucía Gómez")
    page.get_by_label("Kind of speaker:").select_option("resident")
    page.get_by_label("Status:").select_option(VoiceStatus.PUBLISHED)
    page.get_by_label("Speaker agreed to be named with this voice").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist .success")
    voice = Voice.objects.get(session=session)
    assert voice.is_attributed and voice.status == VoiceStatus.PUBLISHED
    page.goto(f"/voices/{voice.pk}/")
    assert "Lucía Gómez" in page.locator("figcaption").inner_text()


def test_create_a_conversation_with_five_seed_statements_and_open_it(organiser):
    page = organiser
    page.goto("/admin/conversations/conversation/add/")
    page.locator("#id_topic_en").fill("What makes a street healthy?")
    page.get_by_label("English (English)").check()
    seeds = [f"Streets need shade, idea {n}." for n in range(1, 6)]
    page.get_by_label("Seed statements:").fill("\n".join(seeds))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist .success")
    conversation = Conversation.objects.get(topic="What makes a street healthy?")
    assert conversation.is_open() and conversation.statements.count() == 5
    page.goto(f"/conversations/{conversation.slug}/")
    assert page.locator("#vote-card .statement").inner_text() in seeds


def test_moderate_ten_statements(organiser):
    page = organiser
    conversation = ConversationFactory(slug="pending-ten")
    for n in range(10):
        StatementFactory(
            conversation=conversation, status=StatementStatus.PENDING, text=f"Pending {n}."
        )
    page.goto("/admin/conversations/conversation/")
    page.get_by_role("link", name="moderate").first.click()
    for box in page.locator("input[name=statements]").all():
        box.check()
    page.get_by_label("Action").select_option("approve")
    page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_selector(".messages")
    assert conversation.statements.filter(status=StatementStatus.APPROVED).count() == 10


def test_download_the_programmes_data(organiser):
    page = organiser
    session = ListeningSessionFactory()
    page.goto("/admin/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the programme's data").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert f"{session.programme.slug}/sessions.xlsx" in archive.namelist()
