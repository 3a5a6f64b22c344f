from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from listening.conversations.models import OpinionSnapshot
from listening.programmes.models import Theme
from listening.synthesis.models import KeyMessage, KeyMessageStatus
from tests.factories import (
    ConversationFactory,
    ListeningSessionFactory,
    ProgrammeFactory,
    StatementFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db

TEXTS = [
    "More buses and bus lanes on the main road",
    "The bus is always late on the main road",
    "Cheaper bus tickets for students on every bus",
    "Rents are too high for families",
    "Cap the rents and build social housing",
    "Housing for families is too expensive, rents rise",
]


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("org", password="x")
    user.groups.add(Group.objects.create(name="organisers"))
    client.force_login(user)
    return client


@pytest.fixture
def programme():
    programme = ProgrammeFactory(slug="cities")
    session = ListeningSessionFactory(programme=programme)
    for text in TEXTS:
        VoiceFactory(session=session, text=text)
    return programme


def test_organise_page_is_for_organisers_only(client, programme):
    assert client.get("/pact/organise/cities/").status_code == 302  # to the sign-in page
    client.force_login(User.objects.create_user("someone"))
    assert client.get("/pact/organise/cities/").status_code == 403


def test_organise_page_shows_suggested_themes_and_key_messages(organiser_client, programme):
    conversation = ConversationFactory(programme=programme, topic="Buses or housing?")
    statement = StatementFactory(conversation=conversation, text="Fund night buses")
    OpinionSnapshot.objects.create(
        conversation=conversation,
        result={
            "consensus": {"agree": [{"statement": statement.pk}]},
            "statements": {str(statement.pk): {"agree": 30, "disagree": 2, "pass": 3, "seen": 35}},
        },
    )
    page = organiser_client.get("/pact/organise/cities/").content.decode()
    assert "Suggested themes" in page
    assert "bus" in page
    assert "Cap the rents and build social housing" in page
    assert "Fund night buses" in page
    assert "30 agree, 2 disagree, 3 pass of 35" in page


def test_organise_keep_theme_under_a_new_name_tags_the_ticked_voices(organiser_client, programme):
    voices = list(programme.sessions.first().voices.order_by("pk"))
    response = organiser_client.post(
        "/pact/organise/cities/",
        {"form": "theme", "name": "Getting around", "axis": "planet",
         "voices": [voices[0].pk, voices[1].pk]},
    )  # fmt: skip
    assert response.status_code == 302
    theme = Theme.objects.get(programme=programme, name="Getting around")
    assert set(theme.voices.all()) == {voices[0], voices[1]}


def test_organise_keep_theme_without_voices_changes_nothing(organiser_client, programme):
    organiser_client.post(
        "/pact/organise/cities/", {"form": "theme", "name": "X", "axis": "planet"}
    )
    assert not Theme.objects.filter(name="X").exists()


def test_organise_make_key_message_from_a_statement(organiser_client, programme):
    statement = StatementFactory(
        conversation=ConversationFactory(programme=programme), text="Fund night buses"
    )
    organiser_client.post(
        "/pact/organise/cities/", {"form": "key_message", "statement": statement.pk}
    )
    km = KeyMessage.objects.get(programme=programme)
    assert km.title == "Fund night buses"
    assert km.status == KeyMessageStatus.DRAFT
    assert list(km.statements.all()) == [statement]
    assert km.revisions.get().author.username == "org"


def test_organise_statement_of_another_programme_is_refused(organiser_client, programme):
    foreign = StatementFactory(conversation=ConversationFactory(programme=ProgrammeFactory()))
    organiser_client.post(
        "/pact/organise/cities/", {"form": "key_message", "statement": foreign.pk}
    )
    assert not KeyMessage.objects.exists()
