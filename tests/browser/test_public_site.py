import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listening.places.regions import WorldRegion
from listening.programmes.models import Role, SessionStatus
from tests.browser.conftest import axe_violations
from tests.factories import (
    AgendaItemFactory,
    CityFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def programme_data():
    theme = ThemeFactory(name="Public space")
    session = ListeningSessionFactory(
        programme=theme.programme,
        title="Shade and water in our streets",
        themes=[theme],
        recording_url="https://video.example.org/recording",
    )
    starts = timezone.now() + dt.timedelta(days=20)
    ListeningSessionFactory(
        programme=theme.programme,
        title="Towards the Pact",
        status=SessionStatus.PLANNED,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    AgendaItemFactory(session=session, title="Welcome")
    lyon = CityFactory(
        name="Lyon", country="FR", region=WorldRegion.EUROPE, latitude=45.76, longitude=4.84
    )
    durban = CityFactory(
        name="Durban", country="ZA", region=WorldRegion.AFRICA, latitude=-29.86, longitude=31.03
    )
    bogota = CityFactory(
        name="Bogotá",
        country="CO",
        region=WorldRegion.LATIN_AMERICA,
        latitude=4.61,
        longitude=-74.08,
    )
    speaker = PersonFactory(name="Dr Amara Diop", city=durban)
    ParticipationFactory(session=session, person=speaker, role=Role.SPEAKER)
    ParticipationFactory(
        session=session,
        person=None,
        organisation=OrganisationFactory(name="Partner network"),
        role=Role.PARTNER,
    )
    voices = [
        VoiceFactory(session=session, speaker=speaker, text="Trees give shade to the market."),
        VoiceFactory(
            session=session,
            speaker=None,
            attribution_consent=False,
            city=lyon,
            text="Night buses would change my life.",
        ),
        VoiceFactory(
            session=session,
            speaker=None,
            attribution_consent=False,
            city=bogota,
            text="Que el agua llegue a todos los barrios.",
        ),
    ]
    return {"session": session, "voices": voices, "cities": [lyon, durban, bogota]}


def _mark_document(page) -> None:
    page.evaluate("window.__sameDocument = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_home_to_a_session_to_one_of_its_voices(page, programme_data):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        programme_data["session"].programme.name
    )
    page.locator("#latest-heading ~ ol").get_by_role(
        "link", name="Shade and water in our streets"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shade and water in our streets")
    expect(page.get_by_text("Dr Amara Diop").first).to_be_visible()
    voice = programme_data["voices"][1]
    page.get_by_role("link", name=voice.text).first.click()  # the quote links itself
    expect(page).to_have_url(re.compile(rf"/voices/{voice.pk}/$"))
    expect(page.locator(".share-card blockquote")).to_have_text("Night buses would change my life.")
    expect(page.locator(".share-card figcaption")).to_contain_text("from Lyon")


def test_search_the_voices_updates_results_without_reloading(page, programme_data):
    page.goto("/voices/")
    expect(page.locator(".result-count")).to_have_text("3 voices found")
    _mark_document(page)
    page.get_by_role("searchbox", name="Search the voices").fill("shade")
    expect(page.locator(".result-count")).to_have_text("1 voice found")
    expect(page.locator("#results")).to_contain_text("Trees give shade")
    expect(page.get_by_role("status")).to_have_text("1 voice found")
    assert "q=shade" in page.url
    assert _same_document(page)


def test_search_with_operators_and_quotes_shows_a_normal_page(page, programme_data):
    page.goto("/voices/")
    page.get_by_role("searchbox", name="Search the voices").fill('"shade" OR NEAR(<b>')
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".result-count")).to_have_text("0 voices found")


def test_filter_by_region_with_javascript(page, programme_data):
    page.goto("/voices/")
    _mark_document(page)
    page.get_by_label("World region").select_option("europe")
    expect(page.locator(".result-count")).to_have_text("1 voice found")
    expect(page.locator("#results")).to_contain_text("Night buses")
    assert "region=europe" in page.url
    assert _same_document(page)


def test_filter_by_region_without_javascript(page_without_js, programme_data):
    page = page_without_js
    page.goto("/voices/")
    page.get_by_label("World region").select_option("latin_america")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/voices/?*region=latin_america*")
    expect(page.locator(".result-count")).to_have_text("1 voice found")
    expect(page.locator("#results")).to_contain_text("Que el agua llegue")


def test_map_shows_a_marker_per_city(page, programme_data):
    page.goto("/cities/")
    markers = page.locator("svg.world-map circle.marker")
    expect(markers).to_have_count(len(programme_data["cities"]))
    for index in range(markers.count()):
        box = markers.nth(index).bounding_box()
        assert box and box["width"] > 0
    expect(page.locator("svg.world-map path.country").first).to_be_attached()
    expect(page.get_by_role("table").first).to_be_visible()


def test_switch_to_french_and_spanish(page, programme_data):
    page.goto("/voices/")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url("**/fr/voices/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Les paroles que nous avons entendues"
    )
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Langue").select_option("es")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url("**/es/voices/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Las voces que escuchamos")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    page.wait_for_url("**/voices/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The voices we heard")


def _pages(data) -> list[str]:
    session, voice = data["session"], data["voices"][0]
    paths = [
        "/",
        "/sessions/",
        f"/sessions/{session.slug}/",
        "/voices/",
        "/voices/?q=shade&region=africa",
        f"/voices/{voice.pk}/",
        "/cities/",
        "/people/",
        "/organisations/",
    ]
    return paths + [f"/fr{p}" for p in paths[:1]] + [f"/es{p}" for p in ("/cities/",)]


def test_axe_reports_no_serious_violation_on_any_page(page, programme_data):
    failures = {}
    for path in _pages(programme_data):
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            failures[path] = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations]
    assert not failures, failures


def test_pages_fit_a_320_pixel_screen(narrow_page, programme_data):
    page = narrow_page
    for path in _pages(programme_data):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"
    page.goto("/voices/")
    assert not axe_violations(page)
