from __future__ import annotations

import pytest
from django.urls import reverse

from listening.synthesis.models import KeyMessage, KeyMessageStatus
from tests.factories import ListeningSessionFactory, ProgrammeFactory, VoiceFactory

from .factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [KeyMessageFactory, CommitmentFactory])
def test_admin_pages_open(admin_client, factory):
    obj = factory()
    opts = obj._meta
    for url in (
        reverse(f"admin:synthesis_{opts.model_name}_changelist"),
        reverse(f"admin:synthesis_{opts.model_name}_change", args=[obj.pk]),
        reverse(f"admin:synthesis_{opts.model_name}_add"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_key_message_with_a_voice_of_another_programme_is_refused(admin_client):
    programme = ProgrammeFactory()
    foreign = VoiceFactory(session=ListeningSessionFactory(programme=ProgrammeFactory()))
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_add"),
        {
            "programme": programme.pk,
            "title": "Shade",
            "voices": str(foreign.pk),
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "another programme" in response.content.decode()
    assert not KeyMessage.objects.exists()


def test_admin_publish_action_refuses_a_key_message_without_evidence(admin_client):
    km = KeyMessageFactory(title="Bare message")
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_changelist"),
        {"action": "publish", "_selected_action": [km.pk]},
        follow=True,
    )
    assert "has no evidence" in response.content.decode()
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.DRAFT


def test_admin_merge_action_keeps_lineage(admin_client):
    programme = ProgrammeFactory()
    a = KeyMessageFactory(programme=programme, title="Shade")
    b = KeyMessageFactory(programme=programme, title="Trees")
    admin_client.post(
        reverse("admin:synthesis_keymessage_changelist"),
        {"action": "merge", "_selected_action": [a.pk, b.pk]},
    )
    merged = KeyMessage.objects.get(title="Shade / Trees")
    assert set(merged.sources.all()) == {a, b}
    a.refresh_from_db()
    assert a.status == KeyMessageStatus.RETIRED


def test_admin_merge_action_across_programmes_changes_nothing(admin_client):
    a, b = KeyMessageFactory(), KeyMessageFactory()
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_changelist"),
        {"action": "merge", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert "same programme" in response.content.decode()
    assert KeyMessage.objects.count() == 2
