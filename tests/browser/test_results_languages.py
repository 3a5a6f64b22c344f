"""The opinion map is drawn the same in every language (its coordinates are never localised)."""

import pytest

from listening.conversations import services
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.browser

STATEMENTS = [
    "Every neighbourhood needs a health centre within walking distance.",
    "Shaded streets matter more than new car parks.",
    "Community health workers should be paid by the city.",
]

# A circle is drawn when the browser could read its centre: an unreadable cx ("614,2") falls
# back to 0 and an unreadable attribute leaves the bounding box empty.
DRAWN = """() => [...document.querySelectorAll('svg.map-svg circle')].filter(c => {
    const box = c.getBBox();
    return box.width > 0 && (box.x + box.width / 2) > 1 && (box.y + box.height / 2) > 1;
}).length"""
LABELS = """() => [...document.querySelectorAll('svg.map-svg .group-label circle')]
    .filter(c => c.getBBox().x + c.getBBox().width / 2 > 1).length"""
YOU = """() => { const c = document.querySelector('svg.map-svg .you circle');
    return c !== null && c.getBBox().x + c.getBBox().width / 2 > 1; }"""


@pytest.fixture
def conversation(settings):
    settings.OPINION_JOBS = "sync"
    conversation = ConversationFactory(slug="healthy-cities", moderation="post")
    statements = [
        StatementFactory(conversation=conversation, text=text, status="approved")
        for text in STATEMENTS
    ]
    for i in range(11):
        participant, _token = services.participant_create(conversation=conversation)
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            services.vote_cast(
                participant=participant, statement_id=statement.pk, value=camp if j < 2 else -camp
            )
    return conversation


def _vote_everything(page, prefix: str) -> None:
    page.goto(f"{prefix}/conversations/healthy-cities/")
    for _ in STATEMENTS:
        card = page.locator("#vote-card")
        text = card.locator(".statement").inner_text()
        card.locator("button[value='1']").click()
        page.wait_for_function(
            "text => !document.querySelector('#vote-card .statement') ||"
            " document.querySelector('#vote-card .statement').innerText !== text",
            arg=text,
        )


def test_results_map_drawn_in_english_french_and_spanish(page, conversation):
    _vote_everything(page, "")
    services.opinion_refresh(conversation_id=conversation.pk)
    drawn, labels, you = {}, {}, {}
    for prefix in ("", "/fr", "/es"):
        page.goto(f"{prefix}/conversations/healthy-cities/results/")
        page.wait_for_selector("svg.map-svg")
        drawn[prefix] = page.evaluate(DRAWN)
        groups = page.locator("svg.map-svg .group-label").count()
        assert groups >= 2
        labels[prefix] = page.evaluate(LABELS) == groups
        you[prefix] = page.evaluate(YOU)
    assert labels == {"": True, "/fr": True, "/es": True}
    assert you == {"": True, "/fr": True, "/es": True}
    # 12 participants + one white disc per group label + the "You" ring.
    assert drawn[""] >= 12 + 2 + 1
    assert drawn["/fr"] == drawn[""]
    assert drawn["/es"] == drawn[""]
