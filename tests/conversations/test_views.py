import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listening.conversations import services
from listening.conversations.models import ModerationLog, Participant, Statement, Vote
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    conversation = ConversationFactory(slug="healthy-cities", moderation="post")
    for text in ("More shade in streets.", "Free clinics in every district.", "Ban cars."):
        StatementFactory(conversation=conversation, text=text, status="approved")
    return conversation


def _vote(client, conversation, statement, value, **headers):
    return client.post(
        f"/conversations/{conversation.slug}/vote/",
        {"statement": statement.pk, "vote": value},
        **headers,
    )


def test_detail_shows_a_statement_without_creating_a_participant(client, conversation):
    response = client.get("/conversations/healthy-cities/")
    assert response.status_code == 200
    page = response.content.decode()
    assert any(s.text in page for s in conversation.statements.all())
    assert 'name="vote" value="1"' in page
    assert not Participant.objects.exists()


def test_vote_without_javascript_records_and_remembers_participant(client, conversation):
    first = conversation.statements.first()
    response = _vote(client, conversation, first, 1)
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert (vote.statement, vote.value) == (first, 1)
    assert f"conversation-{conversation.pk}" in response.cookies
    page = client.get("/conversations/healthy-cities/").content.decode()
    assert f'name="statement" value="{first.pk}"' not in page  # never shown again
    assert "You have voted on 1 statement." in page


def test_vote_with_htmx_returns_the_next_card(client, conversation):
    first = conversation.statements.first()
    response = _vote(client, conversation, first, -1, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    card = response.content.decode()
    assert card.startswith('<div id="vote-card"')
    assert f'name="statement" value="{first.pk}"' not in card
    assert Vote.objects.get().value == -1


def test_vote_changed_the_latest_stands(client, conversation):
    statement = conversation.statements.first()
    _vote(client, conversation, statement, 1)
    _vote(client, conversation, statement, 0)
    assert list(Vote.objects.values_list("value", flat=True)) == [0]


def test_vote_malformed_is_refused_with_a_message(client, conversation):
    statement = conversation.statements.first()
    response = _vote(client, conversation, statement, 7, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "choose agree, disagree or pass" in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_on_closed_conversation_is_refused(client, conversation):
    conversation.is_closed = True
    conversation.save(update_fields=["is_closed"])
    statement = conversation.statements.first()
    response = _vote(client, conversation, statement, 1, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert not Vote.objects.exists()
    assert "closed" in response.content.decode()


def test_vote_on_rejected_statement_is_refused(client, conversation):
    rejected = StatementFactory(conversation=conversation, status="rejected")
    response = _vote(client, conversation, rejected, 1)
    assert response.status_code == 302
    assert not Vote.objects.exists()


def test_vote_needs_csrf_token(conversation):
    client = Client(enforce_csrf_checks=True)
    response = _vote(client, conversation, conversation.statements.first(), 1)
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_statement_add_post_moderation_is_open_for_votes(client, conversation):
    response = client.post(
        "/conversations/healthy-cities/statements/",
        {"text": "Plant trees near schools."},
        follow=True,
    )
    assert "now open for votes" in response.content.decode()
    assert Statement.objects.get(text="Plant trees near schools.").status == "approved"


def test_statement_add_pre_moderation_waits_for_approval(client):
    conversation = ConversationFactory(moderation="pre")
    response = client.post(
        f"/conversations/{conversation.slug}/statements/",
        {"text": "Open schoolyards."},
        follow=True,
    )
    assert "once a moderator approves it" in response.content.decode()
    assert Statement.objects.get().status == "pending"


def test_statement_add_duplicate_is_refused(client, conversation):
    response = client.post(
        "/conversations/healthy-cities/statements/",
        {"text": "more shade in streets"},
        follow=True,
    )
    assert response.status_code == 200
    assert conversation.statements.count() == 3
    assert "already" in response.content.decode().lower()


def test_statement_with_script_shows_as_text(client, conversation):
    StatementFactory(conversation=conversation, text="<script>alert(1)</script>", status="approved")
    for statement in conversation.statements.exclude(text__startswith="<script>"):
        _vote(client, conversation, statement, 1)
    page = client.get("/conversations/healthy-cities/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_constituency_is_saved(client, conversation):
    client.post("/conversations/healthy-cities/constituency/", {"constituency": "academia"})
    assert Participant.objects.get().constituency == "academia"
    response = client.post(
        "/conversations/healthy-cities/constituency/", {"constituency": "astronauts"}, follow=True
    )
    assert "Choose one of the listed constituencies" in response.content.decode()
    assert Participant.objects.get().constituency == "academia"


def test_signing_in_keeps_anonymous_votes(client, conversation):
    statement = conversation.statements.first()
    _vote(client, conversation, statement, 1)
    user = User.objects.create_user("amina", password="x-very-long-password")
    client.force_login(user)
    client.get("/conversations/healthy-cities/")
    participant = Participant.objects.get()
    assert participant.user == user
    assert participant.votes.get().statement == statement


def test_signed_in_user_never_acts_as_another_accounts_participant(client, conversation):
    statement = conversation.statements.first()
    first = User.objects.create_user("first", password="x-very-long-password")
    client.force_login(first)
    _vote(client, conversation, statement, 1)
    second = User.objects.create_user("second", password="x-very-long-password")
    client.force_login(second)  # same browser, same cookie
    _vote(client, conversation, statement, -1)
    votes = dict(Vote.objects.values_list("participant__user__username", "value"))
    assert votes == {"first": 1, "second": -1}


def test_invitation_required_asks_for_a_code(client):
    conversation = ConversationFactory(invitation_required=True)
    StatementFactory(conversation=conversation, status="approved")
    page = client.get(f"/conversations/{conversation.slug}/").content.decode()
    assert "invitation code" in page.lower()
    response = client.post(
        f"/conversations/{conversation.slug}/join/", {"code": "WRONG"}, follow=True
    )
    assert not Participant.objects.exists()
    assert response.status_code == 200


def test_results_before_any_map_explains(client, conversation):
    response = client.get("/conversations/healthy-cities/results/")
    assert response.status_code == 200
    assert "appears once enough people have voted" in response.content.decode()


def test_results_show_map_groups_and_your_position(conversation, settings):
    settings.OPINION_JOBS = "sync"
    statements = list(conversation.statements.all())
    clients = []
    for i in range(12):
        client = Client()
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            _vote(client, conversation, statement, camp if j < 2 else -camp)
        clients.append(client)
    services.opinion_refresh(conversation_id=conversation.pk)
    response = clients[0].get("/conversations/healthy-cities/results/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'role="img"' in page
    assert 'data-you="true"' in page
    assert "You are in group" in page
    assert "Opinion groups (text alternative to the map)" in page
    assert (
        Client()
        .get("/conversations/healthy-cities/results/")
        .content.decode()
        .count('data-you="true"')
        == 0
    )


def test_unknown_conversation_is_404(client):
    assert client.get("/conversations/nope/").status_code == 404
    assert client.get("/conversations/nope/results/").status_code == 404


@pytest.fixture
def moderator(client):
    user = User.objects.create_user("mod", password="x-very-long-password")
    user.groups.add(Group.objects.create(name="moderators"))
    client.force_login(user)
    return user


def test_moderation_needs_sign_in_and_permission(client, conversation):
    response = client.get("/conversations/healthy-cities/moderate/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("someone", password="x-very-long-password"))
    assert client.get("/conversations/healthy-cities/moderate/").status_code == 403
    assert (
        client.post(
            "/conversations/healthy-cities/moderate/status/", {"action": "close"}
        ).status_code
        == 403
    )
    conversation.refresh_from_db()
    assert not conversation.is_closed


def test_moderation_bulk_reject_is_logged(client, conversation, moderator):
    ids = list(conversation.statements.values_list("pk", flat=True)[:2])
    response = client.post(
        "/conversations/healthy-cities/moderate/",
        {"action": "reject", "statements": ids, "note": "off topic"},
        follow=True,
    )
    assert "2 statement(s) updated" in response.content.decode()
    assert set(Statement.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "rejected"
    }
    log = ModerationLog.objects.filter(action="reject")
    assert log.count() == 2 and {entry.actor for entry in log} == {moderator}
    audit = client.get("/conversations/healthy-cities/moderate/log/").content.decode()
    assert "off topic" in audit and "mod" in audit


def test_moderation_filter_and_pagination(client, conversation, moderator):
    for i in range(60):
        StatementFactory(conversation=conversation, text=f"Pending idea {i}", status="pending")
    page = client.get("/conversations/healthy-cities/moderate/?status=pending").content.decode()
    assert "Page 1 of 2" in page
    assert "More shade in streets." not in page
    page2 = client.get("/conversations/healthy-cities/moderate/?status=pending&page=2")
    assert page2.status_code == 200
    odd = client.get("/conversations/healthy-cities/moderate/?status=bogus&page=999")
    assert odd.status_code == 200


def test_moderation_close_reopen_and_seed(client, conversation, moderator):
    client.post("/conversations/healthy-cities/moderate/status/", {"action": "close"})
    conversation.refresh_from_db()
    assert conversation.is_closed and not conversation.is_open(timezone.now())
    client.post("/conversations/healthy-cities/moderate/status/", {"action": "reopen"})
    client.post("/conversations/healthy-cities/moderate/seed/", {"text": "Seeded idea."})
    conversation.refresh_from_db()
    assert not conversation.is_closed
    seeded = Statement.objects.get(text="Seeded idea.")
    assert seeded.is_seed and seeded.status == "approved"
    actions = list(ModerationLog.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["close", "reopen", "seed"]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_moderation_queue_query_count_is_constant(client, conversation, moderator):
    url = "/conversations/healthy-cities/moderate/"
    few = _queries(client, url)
    for i in range(49):
        StatementFactory(conversation=conversation, text=f"Idea {i}", status="pending")
    assert _queries(client, url) == few


def test_conversation_list_query_count_is_constant(client, conversation):
    few = _queries(client, "/conversations/")
    for _ in range(49):
        ConversationFactory()
    assert _queries(client, "/conversations/") == few


def test_conversation_list_shows_conversations(client, conversation):
    page = client.get("/conversations/").content.decode()
    assert conversation.topic in page


def test_statement_errors_are_in_the_visitors_language(client, conversation):
    response = client.post(
        "/fr/conversations/healthy-cities/statements/",
        {"text": "More shade in streets!"},
        follow=True,
    )
    assert "Cette proposition figure déjà dans la conversation" in response.content.decode()


ABUSE = "Call Sam on +27 82 555 0199 and tell him he is an idiot."


def _votes_on_one_statement(conversation, moderator_client, settings):
    """A statement posted through the page, four votes on it, a map; then it is rejected."""
    settings.OPINION_JOBS = "off"
    author = Client()
    author.post(f"/conversations/{conversation.slug}/statements/", {"text": ABUSE})
    statement = Statement.objects.get(text=ABUSE)
    for i in range(4):
        _vote(Client(), conversation, statement, 1 if i % 2 else -1)
    assert services.opinion_refresh(conversation_id=conversation.pk) is not None
    assert (
        "555 0199" in Client().get(f"/conversations/{conversation.slug}/results/").content.decode()
    )
    moderator_client.post(
        f"/conversations/{conversation.slug}/moderate/",
        {"action": "reject", "statements": [statement.pk]},
    )
    return statement


def test_results_rejected_statement_is_gone_at_once_and_after_a_refresh(
    client, conversation, moderator, settings
):
    statement = _votes_on_one_statement(conversation, client, settings)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "555 0199" not in page
    # No shown statement has votes left: the refresh cannot make a map, and the old one goes.
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "555 0199" not in page
    assert "appears once enough people have voted" in page
    # The moderators still see it, in the queue and the log.
    queue = client.get("/conversations/healthy-cities/moderate/?status=rejected")
    assert "555 0199" in queue.content.decode()
    assert ModerationLog.objects.get(statement=statement, action="reject")


def test_results_rejected_statement_with_other_votes_is_left_out_of_the_new_map(
    client, conversation, moderator, settings
):
    statement = _votes_on_one_statement(conversation, client, settings)
    other = conversation.statements.exclude(pk=statement.pk).first()
    for value in (1, 1, -1):
        _vote(Client(), conversation, other, value)
    services.opinion_refresh(conversation_id=conversation.pk)
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert "555 0199" not in page
    assert other.text in page


def _map_with_constituencies(conversation, constituencies):
    """Participants with these constituencies, in two camps over the three statements."""
    statements = list(conversation.statements.all())
    for i, constituency in enumerate(constituencies):
        participant, _ = services.participant_create(conversation=conversation)
        services.participant_set_constituency(participant=participant, constituency=constituency)
        camp = 1 if i % 2 else -1
        for j, statement in enumerate(statements):
            services.vote_cast(
                participant=participant, statement_id=statement.pk, value=camp if j else -camp
            )
    return services.opinion_refresh(conversation_id=conversation.pk)


def test_results_constituency_of_one_is_never_shown(conversation, settings):
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 5
    snapshot = _map_with_constituencies(
        conversation, ["resident"] * 5 + ["international"] + [""] * 5
    )
    assert snapshot is not None
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert '<th scope="row">Resident</th>' in page
    assert "International organisation" not in page
    assert "at least 5 participants" in page


def test_results_constituency_of_one_is_not_given_away_by_the_totals(conversation, settings):
    """Five residents and one international, nobody else: the totals minus the residents'
    votes would be the international participant's, so no constituency is shown."""
    settings.OPINION_JOBS = "off"
    settings.MIN_GROUP_SIZE = 5
    assert _map_with_constituencies(conversation, ["resident"] * 5 + ["international"])
    page = Client().get("/conversations/healthy-cities/results/").content.decode()
    assert '<th scope="row">Resident</th>' not in page
    assert "International organisation" not in page


def test_moderation_queue_never_shows_a_bidi_override(client, conversation, moderator):
    Client().post(
        "/conversations/healthy-cities/statements/",
        {"text": "\u202eSnoitces lla ni sesub eerF\u202c"},
    )
    page = client.get("/conversations/healthy-cities/moderate/").content.decode()
    assert "Snoitces lla ni sesub eerF" in page
    assert not any(ch in page for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_statement_add_near_duplicate_warns_and_adds(client, conversation):
    response = client.post(
        "/conversations/healthy-cities/statements/",
        {"text": "Free clinics in every single district."},
        follow=True,
    )
    page = response.content.decode()
    assert "your statement is now open for votes" in page
    assert "A statement very like yours is already here" in page
    assert "Free clinics in every district." in page
    assert Statement.objects.filter(text="Free clinics in every single district.").exists()


def test_statement_add_uses_the_conversations_lengths(client, conversation):
    conversation.statement_max_length = 600
    conversation.save()
    page = client.get("/conversations/healthy-cities/").content.decode()
    assert 'maxlength="600"' in page and 'minlength="10"' in page
    long_text = "Shade " + "and more shade " * 32  # 486 characters: over the site default
    response = client.post("/conversations/healthy-cities/statements/", {"text": long_text})
    assert response.status_code == 302
    assert Statement.objects.filter(text=long_text.strip()).exists()
    short = client.post("/conversations/healthy-cities/statements/", {"text": "ok"}, follow=True)
    assert "needs at least 10 characters; this one has 2" in short.content.decode()
