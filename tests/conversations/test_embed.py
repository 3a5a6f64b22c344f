"""The embed's frame: who may frame it, who takes part in it, in which language."""

import pytest
from django.test import Client

from listening.conversations import services
from listening.conversations.models import OpinionSnapshot, Participant, Statement, Vote
from listening.conversations.services.participants import xid_sign
from tests.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db

SECRET = "s" * 40
HOST = "https://www.city.example"


@pytest.fixture
def conversation():
    conversation = ConversationFactory(
        slug="healthy-streets",
        embed_allowed=True,
        embed_origins=f"{HOST}\nhttp://localhost:8000",
        xid_secret=SECRET,
    )
    for text in ("More shade in streets.", "Free clinics in every district."):
        StatementFactory(conversation=conversation, text=text)
    return conversation


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def _token(page: str) -> str:
    marker = 'name="token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_embed_frame_ancestors_are_exactly_the_listed_origins(client, conversation):
    response = client.get("/embed/healthy-streets/", {"origin": HOST})
    assert response.status_code == 200
    assert _csp(response)["frame-ancestors"] == f"{HOST} http://localhost:8000"
    assert "X-Frame-Options" not in response.headers
    assert _csp(response)["script-src"] == "'self'"  # the rest of the policy stays


def test_other_pages_keep_refusing_every_frame(client, conversation):
    response = client.get("/conversations/healthy-streets/")
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_embed_unknown_slug_says_so_in_the_frame(client):
    response = client.get("/embed/no-such-thing/", {"origin": HOST})
    assert response.status_code == 404
    assert "No conversation at this address" in response.content.decode()
    assert _csp(response)["frame-ancestors"] == "*"  # text only: shown wherever it is framed


def test_embed_not_allowed_says_so_and_offers_no_vote(client, conversation):
    conversation.embed_allowed = False
    conversation.save()
    response = client.get("/embed/healthy-streets/", {"origin": HOST})
    page = response.content.decode()
    assert response.status_code == 403
    assert "not open for embedding" in page
    assert 'name="vote"' not in page


def test_embed_from_an_origin_not_listed_says_why_and_stays_refused(client, conversation):
    response = client.get("/embed/healthy-streets/", {"origin": "https://evil.example"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "https://evil.example is not one of them" in page
    assert 'name="vote"' not in page
    # The browser would refuse the frame anyway: the policy still names only the listed sites.
    assert _csp(response)["frame-ancestors"] == f"{HOST} http://localhost:8000"


def test_embed_page_creates_no_participant_until_the_first_vote(client, conversation):
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert 'name="vote" value="1"' in page
    assert _token(page) == ""
    assert not Participant.objects.exists()


def test_embed_votes_carry_the_participant_without_any_cookie(conversation):
    browser = Client(enforce_csrf_checks=True)  # a third-party frame has no CSRF cookie
    first, second = conversation.statements.order_by("pk")
    response = browser.post(
        "/embed/healthy-streets/vote/",
        {"statement": first.pk, "vote": 1, "origin": HOST, "lang": "en", "token": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    card = response.content.decode()
    assert not response.cookies
    assert "You have voted on 1 statement." in card
    token = _token(card)
    response = browser.post(
        "/embed/healthy-streets/vote/",
        {"statement": second.pk, "vote": -1, "origin": HOST, "lang": "en", "token": token},
        HTTP_HX_REQUEST="true",
    )
    assert "You have voted on every statement" in response.content.decode()
    participant = Participant.objects.get()
    assert sorted(Vote.objects.values_list("statement", "value")) == [
        (first.pk, 1),
        (second.pk, -1),
    ]
    assert set(Vote.objects.values_list("participant", flat=True)) == {participant.pk}


def test_embed_vote_with_an_unknown_token_is_refused(client, conversation):
    statement = conversation.statements.first()
    response = client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 1, "origin": HOST, "token": "t" * 43},
        HTTP_HX_REQUEST="true",
    )
    assert "This page has expired" in response.content.decode()
    assert not Vote.objects.exists()


def test_embed_vote_posted_from_another_site_is_refused(client, conversation):
    statement = conversation.statements.first()
    response = client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 1, "origin": HOST},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert "only from its own frame" in response.content.decode()
    assert not Vote.objects.exists()


def test_embed_vote_without_javascript_renders_the_next_card(client, conversation):
    statement = conversation.statements.first()
    response = client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 0, "origin": HOST},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert _csp(response)["frame-ancestors"] == f"{HOST} http://localhost:8000"
    assert _token(page) and 'data-parent-origin="https://www.city.example"' in page
    assert Vote.objects.get().value == 0


def test_embed_signed_xid_takes_part_as_the_hosts_user(client, conversation):
    signature = xid_sign(secret=SECRET, xid="city-user-42")
    params = {"origin": HOST, "xid": "city-user-42", "xid_signature": signature}
    page = client.get("/embed/healthy-streets/", params).content.decode()
    participant = Participant.objects.get()
    assert participant.xid == "city-user-42"
    statement = conversation.statements.first()
    client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 1, "origin": HOST, "token": _token(page)},
    )
    assert Vote.objects.get().participant == participant
    # The same person on another page of the host site: their votes follow them.
    again = client.get("/embed/healthy-streets/", params).content.decode()
    assert "You have voted on 1 statement." in again
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("", "only with its signature"),
        (xid_sign(secret=SECRET, xid="city-user-43"), "does not match"),
        (xid_sign(secret="x" * 40, xid="city-user-42"), "does not match"),
    ],
)
def test_embed_unsigned_or_forged_xid_is_refused(client, conversation, signature, message):
    response = client.get(
        "/embed/healthy-streets/",
        {"origin": HOST, "xid": "city-user-42", "xid_signature": signature},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert message in page
    assert 'name="vote"' not in page
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("lang", "accept", "expected", "agree"),
    [
        ("fr", "en", "fr", "D'accord"),
        ("es-MX", "fr", "es", "De acuerdo"),
        ("", "es-ES,es;q=0.9", "es", "De acuerdo"),
        ("xx", "fr-FR", "fr", "D'accord"),
        ("en", "fr", "en", "Agree"),
    ],
)
def test_embed_speaks_the_host_pages_language(client, conversation, lang, accept, expected, agree):
    response = client.get(
        "/embed/healthy-streets/", {"origin": HOST, "lang": lang}, HTTP_ACCEPT_LANGUAGE=accept
    )
    page = response.content.decode()
    assert f'<html lang="{expected}">' in page
    assert f">{agree}</button>" in page.replace("&#x27;", "'")
    assert f'name="lang" value="{expected}"' in page  # the next pages keep it


def test_embed_results_explain_when_nobody_has_voted(client, conversation):
    conversation.embed_show_results = True
    conversation.save()
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "No votes yet" in page


def test_embed_results_explain_when_there_is_no_map_yet(client, conversation, settings):
    settings.OPINION_JOBS = "off"
    conversation.embed_show_results = True
    conversation.save()
    participant, _token = services.participant_create(conversation=conversation)
    services.vote_cast(
        participant=participant, statement_id=conversation.statements.first().pk, value=1
    )
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "No opinion map yet" in page


def test_embed_results_hidden_unless_the_organiser_allows(client, conversation):
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "Results so far" not in page
    assert "No votes yet" not in page


def test_embed_statement_is_added_in_the_frame(client, conversation):
    response = client.post(
        "/embed/healthy-streets/statements/",
        {"text": "Plant trees on every school street.", "origin": HOST, "lang": "en"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thank you: your statement" in page
    statement = Statement.objects.get(text="Plant trees on every school street.")
    assert _token(page)  # the frame goes on as the statement's author
    assert statement.author == Participant.objects.get()


def test_embed_statement_too_short_names_the_problem(client, conversation):
    response = client.post("/embed/healthy-streets/statements/", {"text": "Trees", "origin": HOST})
    assert response.status_code == 422
    page = response.content.decode()
    assert "A statement needs at least 10 characters; this one has 5." in page
    assert "Trees</textarea>" in page  # given back to be corrected
    assert not Statement.objects.filter(text="Trees").exists()


def test_embed_script_is_served_as_javascript(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "data-conversation" in body and "event.origin !== appOrigin" in body


def test_embed_results_summarise_the_opinion_map(client, conversation):
    conversation.embed_show_results = True
    conversation.save()
    statements = list(conversation.statements.order_by("pk"))
    statements += [
        StatementFactory(conversation=conversation, text=f"Statement number {i}.") for i in range(3)
    ]
    for i in range(10):
        participant, _token = services.participant_create(conversation=conversation)
        for j, statement in enumerate(statements):
            value = 1 if j == 0 else (1 if (i + j) % 2 else -1)
            services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
    assert services.opinion_refresh(conversation_id=conversation.pk) is not None
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "Results so far" in page
    assert "10 participants · 50 votes" in page
    assert "opinion group" in page
    assert "No votes yet" not in page and "No opinion map yet" not in page
    assert "<li>More shade in streets.</li>" in page  # everyone agreed with it


def test_embed_messages_are_in_the_host_pages_language(client, conversation):
    response = client.get(
        "/embed/healthy-streets/", {"origin": "https://evil.example", "lang": "es"}
    )
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "https://evil.example no es uno de ellos" in page
    response = client.get("/embed/no-such-thing/", {"lang": "fr"})
    assert "Aucune conversation à cette adresse" in response.content.decode()


def test_embed_closed_conversation_says_voting_has_ended(client, conversation):
    conversation.is_closed = True
    conversation.save()
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "This conversation is closed: voting has ended." in page
    assert 'name="vote"' not in page and 'name="text"' not in page


def test_embed_vote_on_a_closed_conversation_is_refused_in_the_card(client, conversation):
    statement = conversation.statements.first()
    conversation.is_closed = True
    conversation.save()
    response = client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 1, "origin": HOST},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "it takes no new votes" in response.content.decode()
    assert not Vote.objects.exists()


def test_embed_vote_that_cannot_be_read_is_explained(client, conversation):
    response = client.post(
        "/embed/healthy-streets/vote/", {"statement": "x", "vote": 7, "origin": HOST}
    )
    assert response.status_code == 400
    assert "That vote could not be read" in response.content.decode()
    assert not Participant.objects.exists()


def test_embed_results_explain_a_single_opinion_group(client, conversation):
    conversation.embed_show_results = True
    conversation.save()
    participant, _token = services.participant_create(conversation=conversation)
    statement = conversation.statements.first()
    services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    OpinionSnapshot.objects.create(
        conversation=conversation,
        result={
            "groups": {"0": {"size": 1, "representative": [], "votes": {}}},
            "consensus": {"agree": [], "disagree": []},
            "statements": {str(statement.pk): {"agree": 1, "seen": 1}},
            "participants": {str(participant.pk): {"group": 0}},
        },
    )
    page = client.get("/embed/healthy-streets/", {"origin": HOST}).content.decode()
    assert "So far everyone is in one opinion group" in page
    assert "No statement has found common ground across the groups yet." in page


def test_embed_vote_redraws_the_results_with_the_card(client, conversation):
    conversation.embed_show_results = True
    conversation.save()
    statement = conversation.statements.first()
    response = client.post(
        "/embed/healthy-streets/vote/",
        {"statement": statement.pk, "vote": 1, "origin": HOST},
        HTTP_HX_REQUEST="true",
    )
    part = response.content.decode()
    assert part.startswith('<div id="embed-participate">')
    assert "1 participants · 1 votes" in part
    assert "No opinion map yet" in part  # no longer "No votes yet"
    assert 'hx-preserve="true"' in part  # a statement being written survives the swap
