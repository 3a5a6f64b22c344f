"""The organiser's embedding settings: the list of sites is checked entry by entry."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from listening.conversations.embedding import origins_parse
from listening.conversations.models import Conversation
from tests.conversations.test_admin import _form
from tests.factories import ConversationFactory

ADD = reverse("admin:conversations_conversation_add")


def test_origins_parse_normalises_good_entries():
    text = "https://www.City.example/\n\n  https://city.example:8443 \nhttp://localhost:8000\n"
    text += "http://127.0.0.1:9000\nhttps://www.city.example\nhttp://[::1]:5000"
    assert origins_parse(text) == [
        "https://www.city.example",
        "https://city.example:8443",
        "http://localhost:8000",
        "http://127.0.0.1:9000",
        "http://[::1]:5000",
    ]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("www.city.example", "https://host"),
        ("ftp://city.example", "https://host"),
        ("https://city.example/participate", "no path"),
        ("https://city.example?x=1", "no path"),
        ("https://user@city.example", "user name"),
        ("https://city.example:99999", "port"),
        ("https://city.example:0", "port"),
        ("https://*.city.example", "wildcards"),
        ("http://city.example", "only for localhost"),
        ("https://city_example.org", "host name"),
        ("https://-city.example", "host name"),
        ("https://city.example\u200b", "invisible"),
        ("'self'", "https://host"),
    ],
)
def test_origins_parse_names_the_bad_entry(entry, reason):
    with pytest.raises(ValidationError) as caught:
        origins_parse(f"https://ok.example\n{entry}")
    (message,) = caught.value.messages
    assert message.startswith(f"Line 2, “{entry.strip()}”")
    assert reason in message


def test_origins_parse_reports_every_bad_line():
    with pytest.raises(ValidationError) as caught:
        origins_parse("http://a.example\nhttps://ok.example\nhttps://b.example/x")
    assert [m.split(",")[0] for m in caught.value.messages] == ["Line 1", "Line 3"]


@pytest.mark.django_db
def test_admin_saves_the_embedding_settings(admin_client):
    form = _form(
        seed_statements="Streets need more shade.",
        embed_allowed="on",
        embed_origins="https://www.city.example\nhttp://localhost:8000",
        embed_show_results="on",
    )
    response = admin_client.post(ADD, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    conversation = Conversation.objects.get(slug="healthy-streets")
    assert conversation.embed_allowed and conversation.embed_show_results
    assert conversation.embed_origin_list == ["https://www.city.example", "http://localhost:8000"]
    page = admin_client.get(
        reverse("admin:conversations_conversation_change", args=[conversation.pk])
    ).content.decode()
    assert "Embedding on other sites" in page
    assert "data-conversation=&quot;healthy-streets&quot;" in page


@pytest.mark.django_db
def test_admin_refuses_a_bad_origin_naming_it(admin_client):
    form = _form(
        seed_statements="Streets need more shade.",
        embed_allowed="on",
        embed_origins="https://www.city.example\nhttps://www.city.example/vote",
    )
    response = admin_client.post(ADD, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["embed_origins"]
    assert errors[0].startswith("Line 2, “https://www.city.example/vote”")
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_embedding_allowed_without_any_site_is_refused():
    conversation = ConversationFactory.build(embed_allowed=True, embed_origins="")
    with pytest.raises(ValidationError) as caught:
        conversation.clean()
    assert "List at least one site" in caught.value.message_dict["embed_origins"][0]
