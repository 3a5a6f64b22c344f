"""A participant votes in a real browser, by mouse and by keyboard, then sees the opinion map."""

import pytest

from listening.conversations import services
from tests.browser.conftest import axe_violations
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.browser

STATEMENTS = [
    "Every neighbourhood needs a health centre within walking distance.",
    "Shaded streets matter more than new car parks.",
    "Community health workers should be paid by the city.",
    "Private clinics serve residents better than public ones.",
]


@pytest.fixture
def conversation(settings):
    settings.OPINION_JOBS = "sync"
    conversation = ConversationFactory(
        slug="healthy-cities", topic="What should the Pact commit to for healthy cities?"
    )
    statements = [
        StatementFactory(conversation=conversation, text=text, status="approved")
        for text in STATEMENTS
    ]
    # Twelve earlier participants in two camps, so the map has groups to show.
    for i in range(12):
        participant, _token = services.participant_create(conversation=conversation)
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            services.vote_cast(
                participant=participant,
                statement_id=statement.pk,
                value=camp if j < 2 else -camp,
            )
    return conversation


def test_vote_on_every_statement_then_see_results(page, conversation):
    page.goto("/conversations/healthy-cities/")
    page.evaluate("window.notReloaded = true")
    seen = []
    for _ in STATEMENTS:
        card = page.locator("#vote-card")
        seen.append(card.locator(".statement").inner_text())
        card.get_by_role("button", name="Agree", exact=True).click()
        page.wait_for_function(
            "text => !document.querySelector('#vote-card .statement') ||"
            " document.querySelector('#vote-card .statement').innerText !== text",
            arg=seen[-1],
        )
    assert sorted(seen) == sorted(STATEMENTS)  # each once, none repeated
    assert "voted on every statement" in page.locator("#vote-card").inner_text()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the card in place
    assert not axe_violations(page)

    page.get_by_role("link", name="See the opinion map").click()
    page.wait_for_selector("svg[role=img]")
    assert page.locator("[data-you=true]").count() == 1
    assert "You are in group" in page.content()
    assert page.get_by_role("table").first.is_visible()
    assert not axe_violations(page)


def test_vote_by_keyboard_without_javascript(page_without_js, conversation):
    page = page_without_js
    page.goto("/conversations/healthy-cities/")
    first = page.locator("#vote-card .statement").inner_text()
    page.get_by_role("button", name="Disagree").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#vote-card .statement").inner_text() != first
    assert "You have voted on 1 statement." in page.locator("#vote-card").inner_text()
