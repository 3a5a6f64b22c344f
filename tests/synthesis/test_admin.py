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


def _with_evidence(title="Shade and water"):
    programme = ProgrammeFactory()
    session = ListeningSessionFactory(programme=programme)
    km = KeyMessageFactory(programme=programme, title=title)
    shade, water = VoiceFactory(session=session, text="Shade"), VoiceFactory(session=session)
    km.voices.set([shade, water])
    commitment = CommitmentFactory(programme=programme)
    commitment.key_messages.set([km])
    return km, shade, water, commitment


def test_admin_split_action_opens_the_split_page_of_the_one_selected(admin_client):
    km, _shade, _water, _commitment = _with_evidence()
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_changelist"),
        {"action": "split", "_selected_action": [km.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:synthesis_keymessage_split", args=[km.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "Part 2" in page and "Shade" in page


def test_admin_split_action_with_two_selected_says_choose_one(admin_client):
    a, b = KeyMessageFactory(), KeyMessageFactory()
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_changelist"),
        {"action": "split", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert "Select exactly one key message to split." in response.content.decode()
    assert KeyMessage.objects.count() == 2


def test_admin_change_page_links_to_split(admin_client):
    km, *_ = _with_evidence()
    page = admin_client.get(reverse("admin:synthesis_keymessage_change", args=[km.pk]))
    assert reverse("admin:synthesis_keymessage_split", args=[km.pk]) in page.content.decode()


def test_admin_split_shares_evidence_and_keeps_lineage(admin_client):
    km, shade, water, commitment = _with_evidence()
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_split", args=[km.pk]),
        {"title_0": "Shade", "voices_0": [shade.pk], "title_1": "Water", "voices_1": [water.pk],
         "reason": "two different asks"},
    )  # fmt: skip
    assert response.status_code == 302
    shade_km, water_km = KeyMessage.objects.filter(sources=km).order_by("pk")
    assert list(shade_km.voices.all()) == [shade]
    assert list(water_km.voices.all()) == [water]
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.RETIRED
    assert set(commitment.key_messages.all()) == {shade_km, water_km}
    assert shade_km.revisions.get().reason == "two different asks"


def test_admin_split_with_evidence_of_another_key_message_changes_nothing(admin_client):
    km, shade, _water, _commitment = _with_evidence()
    _other, foreign, *_ = _with_evidence("Other")  # a voice of another key message
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_split", args=[km.pk]),
        {"title_0": "Shade", "voices_0": [shade.pk], "title_1": "Stolen",
         "voices_1": [foreign.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.DRAFT
    assert KeyMessage.objects.count() == 2


def test_admin_split_of_a_retired_key_message_is_refused(admin_client):
    km, shade, water, _commitment = _with_evidence()
    km.status = KeyMessageStatus.RETIRED
    km.save()
    response = admin_client.post(
        reverse("admin:synthesis_keymessage_split", args=[km.pk]),
        {"title_0": "A", "voices_0": [shade.pk], "title_1": "B", "voices_1": [water.pk]},
    )
    assert "cannot be split" in response.content.decode()
    assert KeyMessage.objects.count() == 1


def test_admin_split_page_is_for_staff_only(client):
    km, *_ = _with_evidence()
    response = client.get(reverse("admin:synthesis_keymessage_split", args=[km.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_key_message_list_links_to_suggested_themes(admin_client):
    programme = ProgrammeFactory(slug="cities", name="Cities are Listening")
    page = admin_client.get(reverse("admin:synthesis_keymessage_changelist")).content.decode()
    assert reverse("synthesis:organise", args=[programme.slug]) in page


# Suggested themes: accepted, renamed, merged and split from the organise page the admin links to.

THEME_TEXTS = [
    "More buses and bus lanes on the main road",
    "The bus is always late on the main road",
    "Cheaper bus tickets for students on every bus",
    "Rents are too high for families",
    "Cap the rents and build social housing",
    "Housing for families is too expensive, rents rise",
]


def _suggested(admin_client):
    from listening.synthesis.services import themes_suggest

    programme = ProgrammeFactory(slug="cities")
    session = ListeningSessionFactory(programme=programme)
    for text in THEME_TEXTS:
        VoiceFactory(session=session, text=text)
    page = admin_client.get(reverse("admin:synthesis_keymessage_changelist")).content.decode()
    url = reverse("synthesis:organise", args=["cities"])
    assert url in page
    suggestions = themes_suggest(programme=programme, k=2)
    assert len(suggestions) == 2
    return programme, url, suggestions


def test_organise_merge_two_suggested_themes_into_one(admin_client):
    programme, url, suggestions = _suggested(admin_client)
    everyone = [v.pk for s in suggestions for v in s.voices]
    admin_client.post(
        url, {"form": "theme", "name": "City life", "axis": "people", "voices": everyone}
    )
    theme = programme.themes.get(name="City life")
    assert sorted(theme.voices.values_list("pk", flat=True)) == sorted(everyone)


def test_organise_split_a_suggested_theme(admin_client):
    programme, url, suggestions = _suggested(admin_client)
    biggest = max(suggestions, key=lambda s: len(s.voices))
    first, rest = biggest.voices[:1], biggest.voices[1:]
    admin_client.post(
        url, {"form": "theme", "name": "Part A", "axis": "planet", "voices": [first[0].pk]}
    )
    admin_client.post(
        url, {"form": "theme", "name": "Part B", "axis": "planet",
              "voices": [v.pk for v in rest]},
    )  # fmt: skip
    assert list(programme.themes.get(name="Part A").voices.all()) == first
    assert set(programme.themes.get(name="Part B").voices.all()) == set(rest)


def test_organise_theme_with_a_voice_not_suggested_changes_nothing(admin_client):
    programme, url, _suggestions = _suggested(admin_client)
    stranger = VoiceFactory()  # another programme's voice
    response = admin_client.post(
        url, {"form": "theme", "name": "Sneaky", "axis": "planet", "voices": [stranger.pk]},
        follow=True,
    )  # fmt: skip
    assert "Give the theme a name" in response.content.decode()
    assert not programme.themes.filter(name="Sneaky").exists()
