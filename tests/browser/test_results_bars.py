"""The results page and the report in a real browser: keyboard selection on the map, the
agree/disagree cells, no JavaScript needed to read the bars, and axe-core."""

import pytest

from listening.conversations import services
from tests.browser.conftest import axe_violations
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.browser

STATEMENTS = [
    "Every neighbourhood needs a health centre within walking distance.",
    "Shaded streets matter more than new car parks.",
    "Community health workers should be paid by the city.",
    "Night buses should run every day of the week.",
]


@pytest.fixture
def conversation(settings):
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 2
    conversation = ConversationFactory(slug="healthy-cities", moderation="post")
    statements = [
        StatementFactory(conversation=conversation, text=text, status="approved")
        for text in STATEMENTS
    ]
    for i in range(16):
        participant, _token = services.participant_create(conversation=conversation)
        services.participant_set_constituency(
            participant=participant, constituency="resident" if i < 8 else "civil_society"
        )
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            value = 0 if (j == 3 and i % 4 == 0) else (camp if j < 2 else -camp)
            services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
    services.opinion_refresh(conversation_id=conversation.pk)
    return conversation


def test_results_group_selected_with_the_keyboard(page, conversation):
    page.goto("/conversations/healthy-cities/results/")
    links = page.locator("svg.map-svg a.group-link")
    assert links.count() >= 2
    first, second = links.nth(0), links.nth(1)
    first.focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("aria-pressed") == "true"
    assert page.locator(".group-panel#group-A").is_visible()
    assert not page.locator(".group-panel#group-B").is_visible()
    assert "Group A selected" in page.locator(".map-status").inner_text()
    # Arrow keys move to the next group; Space selects it.
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.getAttribute('data-group')") == "1"
    page.keyboard.press(" ")
    assert second.get_attribute("aria-pressed") == "true"
    assert first.get_attribute("aria-pressed") == "false"
    assert page.locator(".group-panel#group-B").is_visible()
    assert not page.locator(".group-panel#group-A").is_visible()
    # Selecting it again shows every group.
    page.keyboard.press("Enter")
    assert page.locator(".group-panel#group-A").is_visible()
    assert page.locator(".group-panel#group-B").is_visible()
    assert page.url.endswith("/results/")  # the link's jump was taken over


def test_results_statement_shown_on_the_map_as_cells(page, conversation):
    page.goto("/conversations/healthy-cities/results/")
    button = page.locator("#all-heading ~ ul .show-on-map").first
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => document.querySelectorAll('svg.map-svg .cell').length > 0")
    counts = page.evaluate(
        "() => [...document.querySelectorAll('svg.map-svg .cell')]"
        ".map(c => Number(c.getAttribute('data-count')))"
    )
    assert all(n >= 2 for n in counts)
    assert "agreed" in page.locator(".map-status").inner_text()
    button.click()
    page.wait_for_function("() => document.querySelectorAll('svg.map-svg .cell').length === 0")


def test_results_bars_readable_without_javascript(page_without_js, conversation):
    page = page_without_js
    page.goto("/conversations/healthy-cities/results/")
    assert page.locator("#all-heading ~ ul svg.vote-bars").count() == len(STATEMENTS)
    assert page.locator(".show-on-map").first.is_hidden()
    page.locator("svg.map-svg a.group-link").first.click()
    assert page.url.endswith("#group-A")
    assert page.locator(".group-panel#group-B").is_visible()


@pytest.mark.parametrize("path", ["results/", "report/"])
def test_results_and_report_pass_axe(page, conversation, path):
    page.goto(f"/conversations/healthy-cities/{path}")
    assert not axe_violations(page)
    details = page.locator("details.chart-table").first
    details.locator("summary").click()
    assert not axe_violations(page)
