"""A live room in two browser pages on the server `make run` starts: a participant asks and
upvotes, the projector shows it without reloading (WebSocket)."""

import pytest

from tests.browser.conftest import axe_violations
from tests.live.test_served import ROOM_SCRIPT
from tests.served import served

pytestmark = [pytest.mark.browser, pytest.mark.served]


def test_live_projector_sees_the_participants_question(browser, tmp_path):
    with served(tmp_path) as server:
        code = server.manage("shell", "-c", ROOM_SCRIPT).strip().splitlines()[-1]
        audience = browser.new_context(base_url=server.url)
        projector = browser.new_context(base_url=server.url)
        try:
            screen = projector.new_page()
            screen.goto(f"/live/{code}/screen/")
            screen.wait_for_selector("[data-live-connected]", timeout=10_000)
            assert not axe_violations(screen)

            page = audience.new_page()
            page.goto(f"/live/{code}/")
            assert not axe_violations(page)
            page.get_by_label("Your question").fill("Will the tram reach the port?")
            page.get_by_role("button", name="Send").click()
            page.wait_for_url(f"**/live/{code}/")

            screen.locator(
                ".live-questions .live-text", has_text="Will the tram reach the port?"
            ).wait_for(timeout=10_000)

            other = audience.browser.new_context(base_url=server.url).new_page()
            other.goto(f"/live/{code}/")
            other.get_by_role("button", name="Upvote").click()
            counter = screen.locator("[data-question] [data-upvotes]").first
            counter.filter(has_text="1").wait_for(timeout=10_000)
            other.context.close()
        finally:
            audience.close()
            projector.close()
