"""A visitor in another time zone also sees the session time in their own zone."""

import datetime as dt

import pytest

from tests.browser.conftest import _open_page
from tests.factories import ListeningSessionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def page_in_tokyo(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server, timezone_id="Asia/Tokyo", locale="en-GB")


@pytest.fixture
def page_in_bogota(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server, timezone_id="America/Bogota", locale="en-GB")


def _session():
    return ListeningSessionFactory(
        slug="bogota-dialogue",
        timezone="America/Bogota",
        starts_at=dt.datetime(2026, 3, 20, 14, 0, tzinfo=dt.UTC),  # 09:00 Bogotá, 23:00 Tokyo
        ends_at=dt.datetime(2026, 3, 20, 16, 0, tzinfo=dt.UTC),
    )


def test_session_time_also_in_the_visitor_zone(page_in_tokyo):
    _session()
    page_in_tokyo.goto("/sessions/bogota-dialogue/")
    note = page_in_tokyo.locator(".session-meta .local-time")
    note.wait_for()
    assert "your time" in note.inner_text()
    assert "23:00" in note.inner_text() or "11:00 PM" in note.inner_text()


def test_no_second_time_when_the_visitor_is_in_the_session_zone(page_in_bogota):
    _session()
    page_in_bogota.goto("/sessions/bogota-dialogue/")
    page_in_bogota.wait_for_load_state("load")
    assert page_in_bogota.locator(".local-time").count() == 0
