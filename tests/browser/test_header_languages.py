"""The header at 1,280 px: the language switcher stays on one line in every language."""

import pytest

from tests.browser.conftest import _open_page

pytestmark = pytest.mark.browser

# The switcher's select and button on the same line (its label is for screen readers), and
# the switcher on the same line as the navigation.
ONE_LINE = """() => {
    const form = document.querySelector('form.language');
    const tops = [...form.querySelectorAll('select, button')]
        .map(e => e.getBoundingClientRect()).map(r => r.top + r.height / 2);
    const nav = document.querySelector('.site-header nav').getBoundingClientRect();
    const box = form.getBoundingClientRect();
    return {
        spread: Math.max(...tops) - Math.min(...tops),
        formHeight: box.height,
        besideNav: box.top < nav.bottom && box.bottom > nav.top,
    };
}"""


@pytest.fixture
def wide_page(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server, viewport={"width": 1280, "height": 800})


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_language_switcher_on_one_line_at_1280px(wide_page, prefix):
    wide_page.goto(f"{prefix}/")
    layout = wide_page.evaluate(ONE_LINE)
    assert layout["spread"] < 4, layout
    assert layout["formHeight"] < 60, layout
    assert layout["besideNav"], layout
