import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from listening.conversations.models import Conversation, ModerationLog, StatementStatus
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:conversations_conversation_add")


def _form(**overrides):
    now = timezone.now()
    data = {
        "slug": "healthy-streets",
        "topic_en": "What makes a street healthy?",
        "description_en": "",
        "languages": ["en", "es"],
        "opens_at_0": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%d"),
        "opens_at_1": (now - dt.timedelta(hours=1)).strftime("%H:%M:%S"),
        "moderation": "post",
        "statement_min_length": "10",
        "statement_max_length": "400",
        "allow_statements": "on",
        "seed_statements": "",
        "invitation_codes-TOTAL_FORMS": "0",
        "invitation_codes-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_conversation_add_with_five_seed_statements_opens_with_them(admin_client):
    seeds = "\n".join(f"Streets need shade, idea {n}." for n in range(1, 6))
    response = admin_client.post(ADD, _form(seed_statements=seeds + "\n\n"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    conversation = Conversation.objects.get(slug="healthy-streets")
    assert conversation.languages == ["en", "es"]
    assert conversation.is_open()
    statements = list(conversation.statements.order_by("id"))
    assert [s.text for s in statements] == seeds.splitlines()
    assert all(s.is_seed and s.status == StatementStatus.APPROVED for s in statements)
    assert ModerationLog.objects.filter(conversation=conversation, action="seed").count() == 5


def test_conversation_add_open_without_statements_is_refused(admin_client):
    response = admin_client.post(ADD, _form())
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot open without statements" in errors["seed_statements"][0]
    assert not Conversation.objects.exists()


def test_conversation_add_opening_later_may_wait_for_statements(admin_client):
    later = timezone.now() + dt.timedelta(days=3)
    data = _form(opens_at_0=later.strftime("%Y-%m-%d"), opens_at_1="10:00:00")
    assert admin_client.post(ADD, data).status_code == 302
    assert Conversation.objects.get().statements.count() == 0


def test_conversation_add_repeated_seed_line_names_both_lines(admin_client):
    seeds = "Shade on every street.\nMore buses.\nshade on every street!"
    response = admin_client.post(ADD, _form(seed_statements=seeds))
    errors = response.context["adminform"].form.errors["seed_statements"]
    assert errors == ["Line 3 repeats line 1."]
    assert not Conversation.objects.exists()


def test_conversation_change_seed_repeating_an_existing_statement_is_refused(admin_client):
    statement = factories.StatementFactory(text="More buses at night.")
    conversation = statement.conversation
    url = reverse("admin:conversations_conversation_change", args=[conversation.pk])
    data = _form(
        slug=conversation.slug,
        topic=conversation.topic,
        seed_statements="more buses at night",
    )
    response = admin_client.post(url, data)
    errors = response.context["adminform"].form.errors["seed_statements"]
    assert errors == ["Line 1 repeats a statement already in this conversation."]
    assert conversation.statements.count() == 1


def test_conversation_languages_are_checkboxes(admin_client):
    response = admin_client.get(ADD)
    html = response.content.decode()
    assert 'type="checkbox" name="languages" value="fr"' in html
    assert 'name="seed_statements"' in html


def test_conversation_change_page_links_moderation_and_polis_export(admin_client):
    vote = factories.VoteFactory()
    conversation = vote.statement.conversation
    url = reverse("admin:conversations_conversation_change", args=[conversation.pk])
    html = admin_client.get(url).content.decode()
    assert reverse("conversations:moderate", args=[conversation.slug]) in html
    export = reverse("admin:conversations_conversation_polis", args=[conversation.pk])
    assert export in html
    response = admin_client.get(export)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = {name.split("/")[-1] for name in archive.namelist()}
    assert {"comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"} <= names
    comments = archive.read(f"{conversation.slug}/comments.csv").decode()
    assert vote.statement.text in comments


def test_conversation_polis_export_needs_staff(client):
    conversation = factories.ConversationFactory()
    export = reverse("admin:conversations_conversation_polis", args=[conversation.pk])
    assert client.get(export).status_code == 302  # to the login page


def test_conversation_without_statements_says_so_to_visitors(client):
    conversation = factories.ConversationFactory()
    html = client.get(reverse("conversations:detail", args=[conversation.slug])).content.decode()
    assert "No statements yet" in html
    assert "voted on every statement" not in html
