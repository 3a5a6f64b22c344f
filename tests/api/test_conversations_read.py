"""The read endpoints of the conversations API: open conversations, statements with their
counts, one's own votes, statements left, and one's own statement counted as agreement."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from listening.conversations.models import Vote
from tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

MINE = "m" * 43
THEIRS = "o" * 43


@pytest.fixture
def conversation():
    return ConversationFactory(slug="parks")


def _join(api, slug="parks"):
    response = api.post(f"conversations/{slug}/participants")
    assert response.status_code == 201
    return response.json()["token"]


# -- GET /api/conversations/ ------------------------------------------------------------------


def test_conversation_index_lists_only_open_conversations(api):
    now = timezone.now()
    ConversationFactory(slug="open-now")
    ConversationFactory(slug="open-until-tomorrow", closes_at=now + dt.timedelta(days=1))
    ConversationFactory(slug="closed-by-hand", is_closed=True)
    ConversationFactory(slug="not-yet", opens_at=now + dt.timedelta(days=1))
    ConversationFactory(slug="ended", closes_at=now - dt.timedelta(hours=1))
    body = api.get("conversations/").json()
    assert body["count"] == 2
    assert {c["slug"] for c in body["items"]} == {"open-now", "open-until-tomorrow"}
    assert all(c["is_open"] for c in body["items"])


def test_conversation_index_is_paginated_newest_first(api):
    now = timezone.now()
    for days in range(5):
        ConversationFactory(slug=f"c{days}", opens_at=now - dt.timedelta(days=days + 1))
    first = api.get("conversations/?page_size=2").json()
    second = api.get("conversations/?page_size=2&page=2").json()
    assert first["count"] == second["count"] == 5
    assert [c["slug"] for c in first["items"]] == ["c0", "c1"]
    assert [c["slug"] for c in second["items"]] == ["c2", "c3"]
    assert api.get("conversations/?page=0").status_code == 422


def test_conversation_index_speaks_the_readers_language(api):
    ConversationFactory(slug="bilingual", topic_en="Cycling lanes", topic_fr="Pistes cyclables")
    french = api.get("conversations/?lang=fr")
    assert french.json()["items"][0]["topic"] == "Pistes cyclables"
    assert french["Content-Language"] == "fr"
    assert api.get("conversations/").json()["items"][0]["topic"] == "Cycling lanes"


# -- GET /api/conversations/<slug>/statements ---------------------------------------------------


def test_statement_index_counts_agree_disagree_and_pass(api, conversation):
    statement = StatementFactory(conversation=conversation)
    quiet = StatementFactory(conversation=conversation)
    for value in (1, 1, 1, -1, 0, 0):
        VoteFactory(statement=statement, value=value)
    items = api.get("conversations/parks/statements").json()["items"]
    by_id = {item["id"]: item for item in items}
    assert by_id[statement.pk]["agree_count"] == 3
    assert by_id[statement.pk]["disagree_count"] == 1
    assert by_id[statement.pk]["pass_count"] == 2
    assert by_id[statement.pk]["status"] == "approved"
    assert (by_id[quiet.pk]["agree_count"], by_id[quiet.pk]["pass_count"]) == (0, 0)


def test_statement_index_is_paginated_oldest_first(api, conversation):
    ids = [StatementFactory(conversation=conversation).pk for _ in range(5)]
    first = api.get("conversations/parks/statements?page_size=3").json()
    second = api.get("conversations/parks/statements?page_size=3&page=2").json()
    assert first["count"] == 5
    assert [s["id"] for s in first["items"] + second["items"]] == ids


def test_statement_index_hides_rejected_statements_from_the_public(api, conversation):
    shown = StatementFactory(conversation=conversation)
    StatementFactory(conversation=conversation, status="rejected")
    items = api.get("conversations/parks/statements").json()["items"]
    assert [s["id"] for s in items] == [shown.pk]
    refused = api.get("conversations/parks/statements?status=rejected")
    assert refused.status_code == 403
    assert "moderators" in refused.json()["detail"]


def test_statement_index_refusal_speaks_the_readers_language(api, conversation):
    refused = api.get("conversations/parks/statements?status=rejected&lang=fr")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Seuls les modérateurs")


def test_statement_index_filters_by_status(api, conversation):
    StatementFactory(conversation=conversation)
    pending = StatementFactory(conversation=conversation, status="pending")
    items = api.get("conversations/parks/statements?status=pending").json()["items"]
    # Post-moderation: pending statements are public, and filtered on their own.
    assert [s["id"] for s in items] == [pending.pk]


def test_statement_index_hides_pending_statements_under_pre_moderation(api):
    conversation = ConversationFactory(slug="careful", moderation="pre")
    approved = StatementFactory(conversation=conversation)
    StatementFactory(conversation=conversation, status="pending")
    items = api.get("conversations/careful/statements").json()["items"]
    assert [s["id"] for s in items] == [approved.pk]
    assert api.get("conversations/careful/statements?status=pending").status_code == 403


def test_statement_index_shows_moderators_every_status(api, conversation):
    StatementFactory(conversation=conversation)
    rejected = StatementFactory(conversation=conversation, status="rejected")
    user = User.objects.create_user("mod", password="pw-for-mod-123")
    user.groups.add(Group.objects.create(name="moderators"))
    api.client.force_login(user)
    assert api.get("conversations/parks/statements").json()["count"] == 2
    items = api.get("conversations/parks/statements?status=rejected").json()["items"]
    assert [s["id"] for s in items] == [rejected.pk]


def test_statement_index_refuses_an_unknown_status_and_conversation(api, conversation):
    bad = api.get("conversations/parks/statements?status=deleted")
    assert bad.status_code == 422
    assert "status" in bad.json()["detail"]
    assert api.get("conversations/nowhere/statements").status_code == 404


# -- GET /api/conversations/<slug>/votes/mine ---------------------------------------------------


def test_votes_mine_lists_only_the_callers_votes(api, conversation):
    me = ParticipantFactory(conversation=conversation, token=MINE)
    other = ParticipantFactory(conversation=conversation, token=THEIRS)
    a, b = StatementFactory.create_batch(2, conversation=conversation)
    VoteFactory(statement=a, participant=me, value=-1)
    VoteFactory(statement=a, participant=other, value=1)
    VoteFactory(statement=b, participant=other, value=0)
    body = api.get("conversations/parks/votes/mine", token=MINE).json()
    assert body["count"] == 1
    assert [(v["statement"], v["vote"]) for v in body["items"]] == [(a.pk, -1)]
    theirs = api.get("conversations/parks/votes/mine", token=THEIRS).json()
    assert sorted((v["statement"], v["vote"]) for v in theirs["items"]) == [(a.pk, 1), (b.pk, 0)]


def test_votes_mine_shows_a_changed_vote_once_with_its_new_value(api, conversation):
    token = _join(api)
    statement = StatementFactory(conversation=conversation)
    api.post("conversations/parks/votes", {"statement": statement.pk, "vote": 1}, token=token)
    api.post("conversations/parks/votes", {"statement": statement.pk, "vote": -1}, token=token)
    items = api.get("conversations/parks/votes/mine", token=token).json()["items"]
    assert [(v["statement"], v["vote"]) for v in items] == [(statement.pk, -1)]


def test_votes_mine_is_paginated(api, conversation):
    me = ParticipantFactory(conversation=conversation, token=MINE)
    for statement in StatementFactory.create_batch(5, conversation=conversation):
        VoteFactory(statement=statement, participant=me)
    page = api.get("conversations/parks/votes/mine?page_size=2&page=3", token=MINE).json()
    assert page["count"] == 5
    assert len(page["items"]) == 1


def test_votes_mine_needs_a_valid_token_of_this_conversation(api, conversation):
    VoteFactory(statement=StatementFactory(conversation=conversation))
    elsewhere = ConversationFactory(slug="elsewhere")
    ParticipantFactory(conversation=elsewhere, token=THEIRS)
    missing = api.get("conversations/parks/votes/mine")
    assert missing.status_code == 401
    assert "Bearer" in missing.json()["detail"]
    assert api.get("conversations/parks/votes/mine", token="u" * 43).status_code == 401
    assert api.get("conversations/parks/votes/mine", token=THEIRS).status_code == 401
    assert api.get("conversations/nowhere/votes/mine", token=THEIRS).status_code == 404


# -- statements left, and one's own statement -------------------------------------------------


def test_next_statement_says_how_many_are_left(api, conversation):
    StatementFactory.create_batch(3, conversation=conversation)
    token = _join(api)
    first = api.get("conversations/parks/next", token=token).json()
    assert first["remaining"] == 3
    api.post("conversations/parks/votes", {"statement": first["id"], "vote": 0}, token=token)
    second = api.get("conversations/parks/next", token=token).json()
    assert second["remaining"] == 2
    assert second["id"] != first["id"]


def test_own_statement_counts_as_agreement_and_is_not_offered_back(api, conversation):
    StatementFactory(conversation=conversation)
    token = _join(api)
    text = {"text": "Parks need more shade trees."}
    created = api.post("conversations/parks/statements", text, token=token)
    assert created.status_code == 201
    sid = created.json()["id"]
    mine = api.get("conversations/parks/votes/mine", token=token).json()["items"]
    assert [(v["statement"], v["vote"]) for v in mine] == [(sid, 1)]
    listed = {s["id"]: s for s in api.get("conversations/parks/statements").json()["items"]}
    assert listed[sid]["agree_count"] == 1
    # Only the seed statement is left to vote on, then nothing.
    nxt = api.get("conversations/parks/next", token=token).json()
    assert (nxt["id"], nxt["remaining"]) != (sid, 1)
    assert nxt["remaining"] == 1
    api.post("conversations/parks/votes", {"statement": nxt["id"], "vote": 1}, token=token)
    assert api.get("conversations/parks/next", token=token).status_code == 204
    # Someone else is offered it.
    other = _join(api)
    offered = set()
    for _ in range(2):
        step = api.get("conversations/parks/next", token=other).json()
        offered.add(step["id"])
        api.post("conversations/parks/votes", {"statement": step["id"], "vote": 0}, token=other)
    assert sid in offered
    assert Vote.objects.filter(statement_id=sid).count() == 2
