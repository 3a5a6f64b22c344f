"""Every admin page of every model opens for a superuser (list, add, change)."""

import pytest
from django.contrib import admin
from django.urls import reverse

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
}


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label.startswith(("places", "people", "programmes", "voices"))
    ],
    ids=lambda m: m._meta.label,
)
def test_admin_pages_open(admin_client, model):
    opts = model._meta
    factory = MODEL_FACTORIES[opts.model_name]
    obj = factory()
    for url in (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=test",
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
