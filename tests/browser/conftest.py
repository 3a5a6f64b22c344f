"""Real-browser tests: Playwright's sync API driving Debian's chromium against live_server.

Playwright's sync API runs an event loop in this thread, which makes Django refuse database
access here unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the tests never share a connection with
the browser, so it is safe.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("compile_catalogs", verbosity=0)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ForeignRequests(list[str]):
    """Every request the page made to a host other than the live server."""


def _open_page(browser, live_server, **options) -> Iterator:
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    own_host = urlsplit(live_server.url).netloc
    foreign = ForeignRequests()

    def record(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own_host:
            foreign.append(request.url)

    page.on("request", record)
    page.foreign_requests = foreign
    yield page
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


@pytest.fixture
def page(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server)


@pytest.fixture
def page_without_js(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server, java_script_enabled=False)


@pytest.fixture
def narrow_page(browser, live_server, transactional_db):
    yield from _open_page(browser, live_server, viewport={"width": 320, "height": 640})


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    # Evaluated, not added as a <script>: the Content-Security-Policy refuses inline scripts,
    # and Playwright's evaluate is not subject to it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE.read_text()}\n}}")
    violations = page.evaluate("async () => (await axe.run()).violations")
    return [v for v in violations if v.get("impact") in ("serious", "critical")]
