"""A city's page on another origin embeds a conversation of the served app (`listening serve`)
with its one script tag: the frame loads, speaks the page's language, takes votes and its
host's signed user; the same page on an origin the organiser did not list gets no frame."""

import hashlib
import hmac

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.embed_host.host import CONVERSATION_SCRIPT, host_site
from tests.served import served

pytestmark = [pytest.mark.browser, pytest.mark.served]

SECRET = "embed-browser-test-" + "k" * 30
SLUG = "healthy-streets"
VOTES_SCRIPT = """
from listening.conversations.models import Vote
for vote in Vote.objects.select_related("participant").order_by("pk"):
    print("VOTE", vote.participant.xid or "-", vote.value)
"""


def _refusals(page) -> list[str]:
    """Chromium's console errors about the Content-Security-Policy, of the page and its frames
    (a refused frame, or anything the frame's own policy blocked)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "frame-ancestors" in message.text
            else None
        ),
    )
    return found


def test_embed_on_a_listed_site_votes_in_the_frame(browser, tmp_path):
    xid = "city-user-42"
    signature = hmac.new(SECRET.encode(), xid.encode(), hashlib.sha256).hexdigest()
    with (
        served(tmp_path) as server,
        host_site(server.url, SLUG, xid=xid, signature=signature) as port,
    ):
        host = f"http://localhost:{port}"  # another site than the app's 127.0.0.1
        server.manage(
            "shell", "-c", CONVERSATION_SCRIPT.format(slug=SLUG, origins=host, secret=SECRET)
        )
        context = browser.new_context()
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            refusals = _refusals(page)
            page.goto(f"{host}/")
            iframe = page.locator("iframe.listening-embed")
            # Inserted right after the script tag, before the rest of the host page.
            assert (
                page.evaluate(
                    "() => document.querySelector('script[data-conversation]').nextElementSibling"
                    ".tagName"
                )
                == "IFRAME"
            )
            frame = page.frame_locator("iframe.listening-embed")
            agree = frame.get_by_role("button", name="D'accord", exact=True)
            agree.wait_for()
            assert frame.locator("html").get_attribute("lang") == "fr"
            # The host page learnt the content's height (postMessage), not the default 30rem.
            page.wait_for_function(
                "() => document.querySelector('iframe.listening-embed').style.height.endsWith('px')"
            )
            content = frame.locator("body").evaluate("b => b.getBoundingClientRect().height")
            assert abs(iframe.bounding_box()["height"] - content) <= 2
            # Another window (here the host page itself) cannot resize the frame.
            page.evaluate(
                "() => window.postMessage({type: 'listening-embed:height', height: 7}, '*')"
            )
            page.wait_for_timeout(200)
            assert abs(iframe.bounding_box()["height"] - content) <= 2

            embedded = next(f for f in page.frames if f.url.startswith(server.url))
            assert not axe_violations(embedded)

            agree.click()
            frame.get_by_text("Vous avez voté sur 1 proposition.").wait_for()
            output = server.manage("shell", "-c", VOTES_SCRIPT).splitlines()
            votes = [line.split()[1:] for line in output if line.startswith("VOTE ")]
            assert votes == [[xid, "1"]]  # the host's signed-in user, carried over
            assert not refusals
        finally:
            context.close()


def test_embed_on_a_site_not_listed_is_refused_by_the_browser(browser, tmp_path):
    with (
        served(tmp_path) as server,
        host_site(server.url, SLUG) as listed,
        host_site(server.url, SLUG) as other,
    ):
        server.manage(
            "shell",
            "-c",
            CONVERSATION_SCRIPT.format(
                slug=SLUG, origins=f"http://localhost:{listed}", secret=SECRET
            ),
        )
        context = browser.new_context()
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            refusals = _refusals(page)
            with page.expect_response(lambda r: "/embed/" in r.url) as answer:
                page.goto(f"http://localhost:{other}/")
            response = answer.value
            assert response.status == 403
            assert (
                f"frame-ancestors http://localhost:{listed}"
                in response.headers["content-security-policy"]
            )
            page.wait_for_timeout(500)
            assert any("frame-ancestors" in text for text in refusals), refusals
            # Nothing of the conversation reached the page: no frame document from the app.
            assert page.frame_locator("iframe.listening-embed").get_by_role("button").count() == 0
            assert not [f for f in page.frames if f.url.startswith(server.url)]
        finally:
            context.close()
