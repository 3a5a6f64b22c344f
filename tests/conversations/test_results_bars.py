"""The results page's vote bars, growth charts, explorable-map data and bad input."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from listening.conversations import selectors, services
from listening.conversations.charts import BAR_WIDTH
from listening.conversations.models import Participant, Statement, Vote
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
CARD = re.compile(r'<li class="statement-card" data-statement="(\d+)".*?</li>', re.S)


@pytest.fixture
def conversation(settings):
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 3
    return ConversationFactory(slug="healthy-cities", moderation="post")


def _two_camps(conversation, statements, people=12):
    """``people`` participants in two camps; camp A agrees with the first statements, camp B
    disagrees; every third participant passes on the last one."""
    participants = []
    for i in range(people):
        participant, _token = services.participant_create(conversation=conversation)
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            value = 0 if (j == len(statements) - 1 and i % 3 == 0) else camp * (1 if j else -1)
            services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
        participants.append(participant)
    return participants


def _statements(conversation, n=4):
    return [
        StatementFactory(conversation=conversation, text=f"Statement {k} about shaded streets.")
        for k in range(n)
    ]


def _bars(page: str) -> dict[str, list[dict[str, object]]]:
    """Statement id → its bars as drawn: label and the width of each segment."""
    out: dict[str, list[dict[str, object]]] = {}
    for match in CARD.finditer(page):
        card = match.group(0)
        svg = re.search(r'<svg class="vote-bars".*?</svg>', card, re.S)
        if svg is None:
            out.setdefault(match.group(1), [])
            continue
        root = ET.fromstring(svg.group(0).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))
        bars = []
        for bar in root.iter(f"{SVG}g"):
            widths = {
                rect.get("data-part"): float(rect.get("width")) for rect in bar.iter(f"{SVG}rect")
            }
            label = next(t.text for t in bar.iter(f"{SVG}text") if t.get("class") == "l")
            bars.append({"label": label, **widths})
        out[match.group(1)] = bars
    return out


def test_results_bars_for_every_statement_in_the_right_proportions(conversation):
    statements = _statements(conversation)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    drawn = _bars(page)
    assert set(drawn) == {str(s.pk) for s in statements}
    for statement in statements:
        votes = list(Vote.objects.filter(statement=statement).values_list("value", flat=True))
        everyone = drawn[str(statement.pk)][0]
        assert everyone["label"] == "Everyone"
        for part, value in (("agree", 1), ("disagree", -1), ("pass", 0)):
            expected = BAR_WIDTH * votes.count(value) / len(votes)
            assert everyone.get(part, 0.0) == pytest.approx(expected, abs=0.06), part
        assert sum(v for k, v in everyone.items() if k != "label") == pytest.approx(BAR_WIDTH, 0.01)


def test_results_bars_per_group_match_the_groups_votes(conversation):
    statements = _statements(conversation, 3)
    _two_camps(conversation, statements)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    drawn = _bars(page)
    groups = snapshot.result["groups"]
    assert len(groups) == 2
    members: dict[str, list[int]] = {}
    public = selectors.opinion_public(conversation=conversation, snapshot=snapshot)
    for pid, p in public["participants"].items():
        if p["group"] is not None:
            members.setdefault(str(p["group"]), []).append(int(pid))
    for statement in statements:
        bars = {bar["label"]: bar for bar in drawn[str(statement.pk)]}
        for gid, pids in members.items():
            label = f"Group {chr(ord('A') + int(gid))}"
            votes = list(
                Vote.objects.filter(statement=statement, participant_id__in=pids).values_list(
                    "value", flat=True
                )
            )
            agree = votes.count(1) / len(votes)
            assert bars[label].get("agree", 0.0) == pytest.approx(BAR_WIDTH * agree, abs=0.06)


def test_results_statement_without_votes_says_so_instead_of_an_empty_chart(conversation):
    statements = _statements(conversation, 3)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    silent = StatementFactory(conversation=conversation, text="Nobody voted on this one yet.")
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    card = next(m.group(0) for m in CARD.finditer(page) if m.group(1) == str(silent.pk))
    assert "Nobody had voted on this statement yet" in card
    assert "<svg" not in card


def test_results_chart_table_is_folded_and_gives_the_numbers(conversation):
    statements = _statements(conversation, 3)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    card = next(m.group(0) for m in CARD.finditer(page) if m.group(1) == str(statements[0].pk))
    assert '<details class="chart-table">' in card  # closed: no "open" attribute
    agree = Vote.objects.filter(statement=statements[0], value=1).count()
    assert f"<td>{agree} (50%)</td>" in card


def test_results_without_map_says_it_will_come(conversation):
    _statements(conversation, 2)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "The opinion map appears once enough people have voted" in page
    assert "vote-bars" not in page


def test_results_one_group_is_explained(conversation):
    statements = _statements(conversation, 3)
    for _ in range(8):
        participant, _token = services.participant_create(conversation=conversation)
        for statement in statements:
            services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    if len(snapshot.result["groups"]) != 1:
        pytest.skip("the analysis split unanimous voters")
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "Everyone on the map is in one opinion group so far" in page
    report = Client().get("/conversations/healthy-cities/report/").content.decode()
    assert "Everyone on the map is in one opinion group so far" in report
    assert "it takes at least two opinion groups" in report


@pytest.mark.parametrize("path", ["results/", "report/", "results/statements/1/map/"])
def test_results_unknown_slug_is_404(path, conversation):
    response = Client().get(f"/conversations/no-such-conversation/{path}")
    assert response.status_code == 404


def test_results_statements_paginated_every_statement_on_some_page(conversation):
    statements = _statements(conversation, 55)
    _two_camps(conversation, statements[:3])
    services.opinion_refresh(conversation_id=conversation.pk)
    listed: set[str] = set()
    number = 1
    while True:
        page = Client().get(f"/conversations/healthy-cities/results/?page={number}")
        text = page.content.decode()
        part = text[text.index('id="all-heading"') : text.index('id="growth-heading"')]
        listed |= {m.group(1) for m in CARD.finditer(part)}
        if f"?page={number + 1}#all-heading" not in part:
            break
        number += 1
    assert number == 3  # 20 a page
    assert listed == {str(s.pk) for s in statements}


def test_results_rejected_statement_has_no_card(conversation, django_user_model):
    statements = _statements(conversation, 3)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    Statement.objects.filter(pk=statements[1].pk).update(status="rejected")
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert str(statements[1].pk) not in _bars(page)
    assert statements[1].text not in page


def test_results_page_never_holds_participant_ids(conversation):
    statements = _statements(conversation, 3)
    participants = _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert set(data) == {"cells", "grid", "messages", "minimum"}
    assert set(data["grid"]) == {"x", "y", "width", "height"}
    for attribute in ("data-participant", "data-pid", "data-id="):
        assert attribute not in page
    # Participant ids are small numbers: none may be written as the id of anything drawn.
    for participant in participants:
        assert f'id="{participant.pk}"' not in page
        assert f'"participant": {participant.pk}' not in page


def test_results_cells_hide_cells_below_the_minimum_and_name_no_participant(conversation, settings):
    statements = _statements(conversation, 3)
    participants = _two_camps(conversation, statements, people=14)
    services.opinion_refresh(conversation_id=conversation.pk)
    settings.MIN_GROUP_SIZE = 4
    answer = (
        Client()
        .get(f"/conversations/healthy-cities/results/statements/{statements[0].pk}/map/")
        .json()
    )
    assert set(answer) == {"cells", "hidden", "grid", "agree", "disagree", "minimum"}
    drawn = answer["cells"]["agree"] + answer["cells"]["disagree"]
    assert all(n >= 4 for _i, _j, n in drawn)
    agree = Vote.objects.filter(statement=statements[0], value=1).count()
    shown_agree = sum(n for _i, _j, n in answer["cells"]["agree"])
    assert shown_agree + answer["hidden"]["agree"] == agree
    text = json.dumps(answer)
    for participant in participants:
        assert participant.token_hash not in text
    settings.MIN_GROUP_SIZE = 100
    answer = (
        Client()
        .get(f"/conversations/healthy-cities/results/statements/{statements[0].pk}/map/")
        .json()
    )
    assert answer["cells"] == {"agree": [], "disagree": []}


def test_results_cells_of_a_rejected_statement_are_404(conversation):
    statements = _statements(conversation, 3)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    Statement.objects.filter(pk=statements[0].pk).update(status="rejected")
    response = Client().get(
        f"/conversations/healthy-cities/results/statements/{statements[0].pk}/map/"
    )
    assert response.status_code == 404


def test_growth_counts_participants_votes_and_statements_per_day(conversation):
    statements = _statements(conversation, 2)
    _two_camps(conversation, statements, people=4)
    earlier = timezone.now() - timedelta(days=2)
    Participant.objects.filter(pk__in=Participant.objects.all()[:1].values("pk")).update(
        created_at=earlier
    )
    Statement.objects.filter(pk=statements[0].pk).update(created_at=earlier)
    StatementFactory(conversation=conversation, status="rejected", text="Rejected text here.")
    growth = selectors.conversation_growth(conversation, statuses=["approved", "pending"])
    assert len(growth["days"]) == 3
    assert growth["participants"] == [1, 0, 3]
    assert growth["votes"] == [0, 0, 8]
    assert growth["statements"]["approved"] == [1, 0, 1]
    assert "rejected" not in growth["statements"]
    everything = selectors.conversation_growth(conversation)
    assert everything["statements"]["rejected"] == [0, 0, 1]


def test_growth_rejected_only_on_the_moderation_page(conversation, django_user_model):
    statements = _statements(conversation, 2)
    _two_camps(conversation, statements, people=4)
    StatementFactory(conversation=conversation, status="rejected", text="Rejected text here.")
    public = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert 'data-series="rejected"' not in public
    assert 'data-series="votes"' in public
    moderator = django_user_model.objects.create_superuser("mod", "m@example.org", "pw-123456789")
    client = Client()
    client.force_login(moderator)
    page = client.get("/conversations/healthy-cities/moderate/").content.decode()
    assert 'data-series="rejected"' in page


def test_growth_without_anything_says_so(conversation):
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "Nothing to chart yet" in page


def test_divisive_statements_rank_the_widest_gap_between_groups_first():
    result = {
        "statements": {"1": {}, "2": {}, "3": {}},
        "groups": {
            "0": {
                "votes": {
                    "1": {"agree": 9, "seen": 10},
                    "2": {"agree": 5, "seen": 10},
                    "3": {"agree": 0, "seen": 0},
                }
            },
            "1": {
                "votes": {
                    "1": {"agree": 0, "seen": 10},
                    "2": {"agree": 6, "seen": 10},
                    "3": {"agree": 3, "seen": 4},
                }
            },
        },
    }
    ranked = selectors.statements_divisive(result)
    assert [item["statement"] for item in ranked] == ["1", "2"]
    assert ranked[0]["spread"] == pytest.approx(10 / 12 - 1 / 12)
    assert selectors.statements_divisive({**result, "groups": {"0": result["groups"]["0"]}}) == []


def test_results_and_report_ids_are_unique_when_a_statement_shows_twice(conversation):
    statements = _statements(conversation, 4)
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    for path in ("results/", "report/"):
        page = Client().get(f"/conversations/healthy-cities/{path}").content.decode()
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), path


def test_results_statement_text_is_escaped_in_the_charts(conversation):
    statements = _statements(conversation, 2)
    statements.append(
        StatementFactory(conversation=conversation, text='Streets "for" <b>people</b> & cars.')
    )
    _two_camps(conversation, statements)
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "<b>people</b>" not in page
    assert "&lt;b&gt;people&lt;/b&gt;" in page
    assert str(statements[2].pk) in _bars(page)  # the SVG still parses


@pytest.mark.parametrize(
    ("span_days", "period", "title"),
    [
        (30, "day", "Votes per day"),
        (200, "week", "Votes per week"),
        (900, "month", "Votes per month"),
    ],
)
def test_growth_of_a_long_conversation_is_counted_per_week_or_month(
    conversation, span_days, period, title
):
    statements = _statements(conversation, 2)
    _two_camps(conversation, statements, people=4)
    first = Vote.objects.filter(conversation=conversation).order_by("pk").first()
    Vote.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=span_days))
    growth = selectors.conversation_growth(conversation)
    assert growth["period"] == period
    assert len(growth["days"]) <= selectors.GROWTH_POINTS
    # Every vote is counted once, whatever the period.
    assert sum(growth["votes"]) == Vote.objects.filter(conversation=conversation).count()
    assert growth["votes"][0] == 1
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert title in page


def test_growth_per_month_in_french(conversation):
    statements = _statements(conversation, 2)
    _two_camps(conversation, statements, people=4)
    Vote.objects.filter(pk=Vote.objects.order_by("pk").first().pk).update(
        created_at=timezone.now() - timedelta(days=900)
    )
    page = Client().get("/fr/conversations/healthy-cities/results/").content.decode()
    assert "Votes par mois" in page and "Les chiffres par mois (tableau)" in page
