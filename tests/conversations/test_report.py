"""The conversation report: a page a city can publish, in English, French and Spanish."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.test import Client

from listening.conversations import services
from listening.conversations.models import Vote
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(settings):
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 3
    conversation = ConversationFactory(
        slug="healthy-cities", moderation="post", topic="How should our streets change?"
    )
    statements = [
        StatementFactory(conversation=conversation, text=f"Statement {k} about the streets.")
        for k in range(4)
    ]
    constituencies = ["resident"] * 6 + ["civil_society"] * 6
    for i, constituency in enumerate(constituencies):
        participant, _token = services.participant_create(conversation=conversation)
        services.participant_set_constituency(participant=participant, constituency=constituency)
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            value = camp if j < 2 else (1 if j == 2 else -camp)
            services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
    services.opinion_refresh(conversation_id=conversation.pk)
    conversation.statement_list = statements
    return conversation


HEADINGS = {
    "": ["What was asked", "Who took part", "The most divisive statements", "How these results"],
    "/fr": ["La question posée", "Qui a participé", "Les propositions qui divisent le plus"],
    "/es": ["Lo que se preguntó", "Quién participó", "Las propuestas que más dividen"],
}


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_report_in_three_languages(conversation, prefix):
    response = Client().get(f"{prefix}/conversations/healthy-cities/report/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in HEADINGS[prefix]:
        assert heading in page, heading
    lang = prefix.strip("/") or "en"
    assert f'<html lang="{lang}"' in page
    assert "How should our streets change?" in page


def test_report_shows_every_part(conversation):
    page = Client().get("/conversations/healthy-cities/report/").content.decode()
    assert "12 participants, of whom 12 voted; 48 votes on 4 published statements." in page
    # Constituencies of at least the minimum size are counted.
    assert re.search(r'<th scope="row">Resident</th><td>6</td>', page)
    assert re.search(r'<th scope="row">Civil society</th><td>6</td>', page)
    for heading in ("Group A", "Group B", "Consensus across groups", "Bridging statements"):
        assert heading in page
    assert 'href="/conversations/method/"' in page
    assert 'media="print"' in page and "report-print.css" in page


def test_report_most_divisive_first_is_where_the_groups_split(conversation):
    page = Client().get("/conversations/healthy-cities/report/").content.decode()
    section = page[page.index('id="divisive-heading"') : page.index('id="bridging-heading"')]
    cards = re.findall(r'class="statement-card" data-statement="(\d+)"', section)
    # Statements 0, 1 and 3 split the camps; statement 2 everyone agrees with.
    unanimous = str(conversation.statement_list[2].pk)
    assert cards and cards[0] != unanimous
    if unanimous in cards:
        assert cards.index(unanimous) == len(cards) - 1
    assert "percentage points" in section


def test_report_bars_use_the_stored_counts(conversation):
    page = Client().get("/conversations/healthy-cities/report/").content.decode()
    statement = conversation.statement_list[2]
    agree = Vote.objects.filter(statement=statement, value=1).count()
    assert f'data-part="agree" data-count="{agree}"' in page


def test_report_small_constituency_not_counted(settings):
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 5
    conversation = ConversationFactory(slug="small", moderation="post")
    statements = [StatementFactory(conversation=conversation) for _ in range(3)]
    for i, constituency in enumerate(["resident"] * 10 + ["academia"]):
        participant, _token = services.participant_create(conversation=conversation)
        services.participant_set_constituency(participant=participant, constituency=constituency)
        for statement in statements:
            services.vote_cast(
                participant=participant, statement_id=statement.pk, value=1 if i % 2 else -1
            )
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/small/report/").content.decode()
    assert "Academia" not in page


def test_report_without_map_says_what_will_come(settings):
    settings.OPINION_JOBS = "off"
    ConversationFactory(slug="empty")
    page = Client().get("/conversations/empty/report/").content.decode()
    assert "The opinion map appears once enough people have voted" in page
    assert "vote-bars" not in page


def test_method_page_in_french():
    page = Client().get("/fr/conversations/method/").content.decode()
    assert "Comment la carte des opinions est établie" in page


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext (Debian package poppler-utils) is needed to read the PDF's text",
)


def pdf_text(document: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(document)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


@needs_pdftotext
@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_report_pdf_opens_with_the_report_sections(conversation, prefix, tmp_path):
    response = Client().get(f"{prefix}/conversations/healthy-cities/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    lang = prefix.strip("/") or "en"
    assert f"healthy-cities-report-{lang}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    for heading in HEADINGS[prefix]:
        assert heading in text, heading
    assert "How should our streets change?" in text
    # The screen-only links (interactive results, take part) are not printed.
    assert "Interactive results" not in text


def test_report_links_its_pdf(conversation):
    page = Client().get("/conversations/healthy-cities/report/").content.decode()
    assert 'href="/conversations/healthy-cities/report.pdf"' in page


def test_report_pdf_of_an_unknown_conversation_is_404(conversation):
    assert Client().get("/conversations/nowhere/report.pdf").status_code == 404
