"""The opinion map's SVG is read by the browser: its numbers never follow the page's locale."""

import re

import pytest
from django.test import Client

from listening.conversations import services
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db

COORDINATE = re.compile(r'\b(cx|cy|x|y)="([^"]*)"')


@pytest.fixture
def voted(settings):
    settings.OPINION_JOBS = "sync"
    conversation = ConversationFactory(slug="healthy-cities", moderation="post")
    statements = [
        StatementFactory(conversation=conversation, text=text, status="approved")
        for text in ("More shade in streets.", "Free clinics in every district.", "Ban cars.")
    ]
    clients = []
    for i in range(12):
        client = Client()
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            client.post(
                f"/conversations/{conversation.slug}/vote/",
                {"statement": statement.pk, "vote": camp if j < 2 else -camp},
            )
        clients.append(client)
    services.opinion_refresh(conversation_id=conversation.pk)
    return clients[0]


def _svg(page: str) -> str:
    return page[page.index("<svg") : page.index("</svg>")]


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_results_map_coordinates_are_plain_numbers_in_every_language(voted, prefix):
    page = voted.get(f"{prefix}/conversations/healthy-cities/results/").content.decode()
    svg = _svg(page)
    coordinates = COORDINATE.findall(svg)
    # 12 participants, the group labels and "You": every one a number a browser can read.
    assert len(coordinates) >= 2 * (12 + 2 + 1)
    for _name, value in coordinates:
        float(value)
    for point in re.findall(r'points="([^"]*)"', svg):
        for pair in point.split():
            x, y = pair.split(",")
            float(x), float(y)


def test_results_same_map_in_english_and_french(voted):
    english = _svg(voted.get("/conversations/healthy-cities/results/").content.decode())
    french = _svg(voted.get("/fr/conversations/healthy-cities/results/").content.decode())
    assert COORDINATE.findall(english) == COORDINATE.findall(french)
