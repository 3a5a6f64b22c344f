"""/open-data/ in a real browser: accessible, fits a phone, and a file link downloads."""

import pytest

from listening.dataio.services import opendata_publish
from tests import factories
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def programme():
    session = factories.ListeningSessionFactory(slug="water")
    factories.VoiceFactory(session=session, text="Water is a right.")
    factories.ConversationFactory(slug="talk", programme=session.programme)
    opendata_publish(programme=session.programme)
    return session.programme


def test_open_data_page_is_accessible_and_its_files_download(page, programme):
    page.goto("/open-data/")
    assert not axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("row", name="Published voices").get_by_role("link", name="CSV").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"{programme.slug}-voices.csv"
    assert "Water is a right." in path.read_text(encoding="utf-8")
    page.goto("/es/open-data/")
    assert not axe_violations(page)


def test_open_data_page_fits_a_320_pixel_screen(narrow_page, programme):
    narrow_page.goto("/fr/open-data/")
    width = narrow_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"/fr/open-data/ is {width}px wide"
