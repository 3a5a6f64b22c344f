"""Stored open data stops being served the moment something in it stops being public, and a
build that started before the withdrawal is not put in place."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from listening.conversations.models import ModerationAction, StatementStatus
from listening.conversations.services import statements_moderate
from listening.dataio import selectors, services
from listening.dataio.services import opendata_publish
from listening.people.services import person_set_consent
from listening.voices.models import Voice, VoiceStatus
from listening.voices.services import voice_set_status
from tests import factories
from tests.dataio.opendata_check import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    session = factories.ListeningSessionFactory(slug="water")
    ana = factories.PersonFactory(slug="ana", name="Ana Listed")
    factories.ParticipationFactory(session=session, person=ana)
    factories.VoiceFactory(session=session, speaker=ana, text="Water is a right.")
    conversation = factories.ConversationFactory(session=session, programme=session.programme)
    factories.StatementFactory(conversation=conversation, text="Meters in every home")
    return session.programme


def _voices_csv(client, programme):
    return download(client, reverse("opendata:file", args=[programme.slug, "voices.csv"]))


def test_unpublishing_a_voice_stops_the_stored_files_at_once(
    client, programme, django_capture_on_commit_callbacks
):
    opendata_publish(programme=programme)
    reply, body = _voices_csv(client, programme)
    assert reply.status_code == 200 and b"Water is a right." in body
    with django_capture_on_commit_callbacks(execute=True):
        voice_set_status(voice=Voice.objects.get(text="Water is a right."), status="draft")
    assert selectors.opendata_build(programme) is None
    reply, _ = _voices_csv(client, programme)
    assert reply.status_code == 404
    page = client.get(reverse("opendata:index")).content.decode()
    assert "Water is a right." not in page
    rebuilt = opendata_publish(programme=programme)
    assert rebuilt is not None
    reply, body = _voices_csv(client, programme)
    assert reply.status_code == 200 and b"Water is a right." not in body


def test_withdrawing_a_consent_stops_the_stored_files(
    programme, django_capture_on_commit_callbacks
):
    opendata_publish(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        person_set_consent(
            person=programme.sessions.get().participations.get().person, listed=False, quoted=False
        )
    assert selectors.opendata_build(programme) is None


def test_rejecting_an_approved_statement_stops_the_stored_files(
    programme, django_capture_on_commit_callbacks
):
    opendata_publish(programme=programme)
    statement = factories.StatementFactory._meta.model.objects.get(text="Meters in every home")
    assert statement.status == StatementStatus.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        statements_moderate(
            conversation=statement.conversation,
            statement_ids=[statement.pk],
            action=ModerationAction.REJECT,
            actor=User.objects.create_user("moderator"),
        )
    assert selectors.opendata_build(programme) is None


def test_a_new_draft_voice_leaves_the_stored_files_served(
    programme, django_capture_on_commit_callbacks
):
    build = opendata_publish(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        voice = factories.VoiceFactory(
            session=programme.sessions.get(), status=VoiceStatus.DRAFT, text="Not yet."
        )
        voice.text = "Still not public."
        voice.save()
    assert selectors.opendata_build(programme) == build


def test_a_withdrawal_during_a_build_makes_it_build_again(programme, monkeypatch):
    real_build = services.build
    calls = []

    def build_then_withdraw(*args, **kwargs):
        files = real_build(*args, **kwargs)
        if not calls:  # the data changes while the first build is being written
            Voice.objects.filter(text="Water is a right.").update(status=VoiceStatus.DRAFT)
            services.opendata_withdraw(programme=programme)
        calls.append(1)
        return files

    monkeypatch.setattr(services, "build", build_then_withdraw)
    build = opendata_publish(programme=programme)
    assert len(calls) == 2
    assert build is not None
    assert "Water is a right." not in (build.folder / "voices.csv").read_text(encoding="utf-8")


def test_each_withdrawal_is_rebuilt_at_once(
    programme, settings, django_capture_on_commit_callbacks
):
    settings.OPENDATA_JOBS = "sync"  # the rebuild runs in the caller, so it can be checked
    session = programme.sessions.get()
    factories.VoiceFactory(session=session, text="Shade on every street.")
    opendata_publish(programme=programme)
    for text in ("Water is a right.", "Shade on every street."):
        with django_capture_on_commit_callbacks(execute=True):
            voice_set_status(voice=Voice.objects.get(text=text), status="draft")
        build = selectors.opendata_build(programme)
        assert build is not None  # rebuilt, not left withdrawn
        assert text not in (build.folder / "voices.csv").read_text(encoding="utf-8")
