"""Every admin page of every model opens for a superuser (list, add, change)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from listening.conversations.models import ModerationLog
from tests import factories

pytestmark = pytest.mark.django_db

MODEL_FACTORIES = {
    "city": factories.CityFactory,
    "organisation": factories.OrganisationFactory,
    "person": factories.PersonFactory,
    "programme": factories.ProgrammeFactory,
    "theme": factories.ThemeFactory,
    "listeningsession": factories.ListeningSessionFactory,
    "voice": factories.VoiceFactory,
    "conversation": factories.ConversationFactory,
    "statement": factories.StatementFactory,
    "moderationlog": lambda: ModerationLog.objects.create(
        conversation=factories.ConversationFactory(), action="close"
    ),
}


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"places", "people", "programmes", "voices", "conversations"}
    ],
    ids=lambda m: m._meta.label,
)
def test_admin_pages_open(admin_client, admin_user, rf, model):
    opts = model._meta
    factory = MODEL_FACTORIES[opts.model_name]
    obj = factory()
    urls = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=test",
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
    ]
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    request = rf.get(add)
    request.user = admin_user
    if admin.site._registry[model].has_add_permission(request):
        urls.append(add)
    else:
        assert admin_client.get(add).status_code == 403
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_admin_moderation_log_cannot_be_edited(admin_client):
    entry = ModerationLog.objects.create(
        conversation=factories.ConversationFactory(), action="close"
    )
    url = reverse("admin:conversations_moderationlog_change", args=[entry.pk])
    admin_client.post(url, {"action": "reopen", "note": "rewritten"})
    entry.refresh_from_db()
    assert (entry.action, entry.note) == ("close", "")
    delete = reverse("admin:conversations_moderationlog_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationLog.objects.filter(pk=entry.pk).exists()
