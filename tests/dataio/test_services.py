"""Publishing open data: the public export built once into DATA_DIR, whole or not at all,
rebuilt when the data changed, and nothing withdrawn after a build served once rebuilt."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from listening.dataio import selectors, services
from listening.dataio.services import PublishBusyError, opendata_publish
from listening.people.models import Person
from listening.programmes.models import Programme
from listening.voices.models import Voice, VoiceStatus
from tests import factories
from tests.dataio.opendata_check import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    session = factories.ListeningSessionFactory(slug="water")
    ana = factories.PersonFactory(slug="ana", name="Ana Listed")
    factories.ParticipationFactory(session=session, person=ana)
    factories.VoiceFactory(session=session, speaker=ana, text="Water is a right.")
    factories.VoiceFactory(
        session=session, status=VoiceStatus.DRAFT, published_at=None, text="A draft voice."
    )
    return session.programme


def stored_text(build: selectors.PublishedBuild) -> str:
    return "\n".join(
        (build.folder / name).read_text(encoding="utf-8")
        for name in build.files
        if not name.endswith(".xlsx")
    )


def test_publish_writes_only_the_public_audience(programme):
    build = opendata_publish(programme=programme)
    assert build is not None
    meta = json.loads((build.folder / "build.json").read_text())
    assert meta["audience"] == "public"
    text = stored_text(build)
    assert "Water is a right." in text and "A draft voice." not in text
    assert "consent_listed" not in text  # the organisers' columns
    assert build.folder.parent == selectors.opendata_folder(programme)
    assert (build.folder / "open-data.zip").stat().st_size == build.size


def test_voice_unpublished_after_a_build_is_gone_once_rebuilt(client, programme):
    first = opendata_publish(programme=programme)
    voice = Voice.objects.get(text="Water is a right.")
    voice.status = VoiceStatus.DRAFT
    voice.save()
    assert selectors.opendata_is_stale(programme, first)
    rebuilt = opendata_publish(programme=programme)
    assert not selectors.opendata_is_stale(programme, rebuilt)
    reply, body = download(client, reverse("opendata:file", args=[programme.slug, "voices.csv"]))
    assert reply.status_code == 200 and b"Water is a right." not in body


def test_consent_withdrawn_after_a_build_is_gone_once_rebuilt(client, programme):
    first = opendata_publish(programme=programme)
    assert "Ana Listed" in stored_text(first)
    Person.objects.filter(slug="ana").update(consent_listed=False, consent_quoted=False)
    assert selectors.opendata_is_stale(programme, first)
    rebuilt = opendata_publish(programme=programme)
    assert "Ana Listed" not in stored_text(rebuilt)
    reply, body = download(client, reverse("opendata:file", args=[programme.slug, "popolo.json"]))
    assert reply.status_code == 200 and b"Ana Listed" not in body


def test_failed_build_leaves_the_previous_one_served(programme, monkeypatch):
    first = opendata_publish(programme=programme)
    factories.VoiceFactory(session=programme.sessions.first(), text="A newer voice.")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "build", broken)
    with pytest.raises(RuntimeError):
        opendata_publish(programme=programme)
    current = selectors.opendata_build(programme)
    assert current == first
    assert not [p for p in current.folder.parent.iterdir() if p.name.startswith(".tmp-")]


def test_only_the_last_two_builds_are_kept(programme):
    builds = [opendata_publish(programme=programme) for _ in range(4)]
    folders = {p.name for p in selectors.opendata_folder(programme).iterdir() if p.is_dir()}
    assert folders == {builds[-1].folder.name, builds[-2].folder.name}
    assert selectors.opendata_build(programme).folder == builds[-1].folder


def test_a_programme_without_sessions_has_its_files_removed(programme):
    opendata_publish(programme=programme)
    programme.sessions.update(programme=factories.ProgrammeFactory())
    assert opendata_publish(programme=programme) is None
    assert not selectors.opendata_folder(programme).exists()


def test_publish_refuses_while_another_build_holds_the_lock(programme):
    with services._locked(selectors.opendata_folder(programme)), pytest.raises(PublishBusyError):
        opendata_publish(programme=programme)
    assert selectors.opendata_build(programme) is None


def test_a_damaged_build_is_treated_as_none(programme):
    build = opendata_publish(programme=programme)
    (build.folder / "build.json").write_text("{not json")
    assert selectors.opendata_build(programme) is None


def test_schedule_sync_publishes_and_off_does_nothing(programme, settings):
    settings.OPENDATA_JOBS = "off"
    assert not services.opendata_schedule(programme=programme)
    assert selectors.opendata_build(programme) is None
    settings.OPENDATA_JOBS = "sync"
    assert services.opendata_schedule(programme=programme)
    assert selectors.opendata_build(programme) is not None


def test_export_data_publish_builds_the_named_or_the_stale_programmes(programme, capsys):
    call_command("export-data", "--publish", programme.slug)
    first = selectors.opendata_build(programme)
    assert first is not None
    assert f"Published the open data of {programme.slug!r}" in capsys.readouterr().out
    call_command("export-data", "--publish")
    assert f"{programme.slug}: up to date." in capsys.readouterr().out
    assert selectors.opendata_build(programme) == first
    factories.VoiceFactory(session=programme.sessions.first(), text="Another voice.")
    call_command("export-data", "--publish")
    assert f"{programme.slug}: published." in capsys.readouterr().out
    assert "Another voice." in stored_text(selectors.opendata_build(programme))


def test_export_data_publish_refuses_a_folder_or_the_organisers(programme, tmp_path):
    with pytest.raises(CommandError, match="give no folder"):
        call_command("export-data", "--publish", programme.slug, str(tmp_path))
    with pytest.raises(CommandError, match="give no folder"):
        call_command("export-data", "--publish", "--organisers")
    with pytest.raises(CommandError, match="Give the programme's slug"):
        call_command("export-data", programme.slug)
    assert selectors.opendata_build(programme) is None


def test_admin_action_publishes_open_data_now(admin_client, programme):
    reply = admin_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "publish_open_data", "_selected_action": [programme.pk]},
        follow=True,
    )
    assert "is published" in reply.content.decode()
    assert selectors.opendata_build(programme) is not None


@pytest.mark.django_db(transaction=True)
def test_schedule_in_a_worker_thread_publishes_in_the_background(settings):
    from django.core.cache import cache

    from listening.conversations.jobs import worker

    cache.clear()
    session = factories.ListeningSessionFactory()
    factories.VoiceFactory(session=session, text="Heard in the background.")
    settings.OPENDATA_JOBS = "thread"
    settings.OPENDATA_DEBOUNCE_SECONDS = 0
    assert services.opendata_schedule(programme=session.programme)
    assert not services.opendata_schedule(programme=session.programme)  # asked once already
    assert worker.wait_idle(timeout=60)
    build = selectors.opendata_build(session.programme)
    assert build is not None and "Heard in the background." in stored_text(build)


def test_every_change_that_may_hide_something_makes_the_build_stale(programme):
    build = opendata_publish(programme=programme)
    session = programme.sessions.first()
    quiet = factories.PersonFactory(slug="quiet", name="Quiet Participant")
    changes = [
        lambda: factories.ParticipationFactory(session=session, person=quiet),
        lambda: Person.objects.filter(slug="quiet").update(
            consent_listed=False, consent_quoted=False
        ),
        lambda: Voice.objects.filter(text="Water is a right.").update(attribution_consent=False),
        lambda: Person.objects.filter(slug="ana").update(consent_quoted=False),
        lambda: Voice.objects.filter(text="A draft voice.").update(status=VoiceStatus.PUBLISHED),
    ]
    for change in changes:
        change()
        assert selectors.opendata_is_stale(programme, build)
        build = opendata_publish(programme=programme)
        assert not selectors.opendata_is_stale(programme, build)
    assert "Quiet Participant" not in stored_text(build)


def test_the_demo_command_publishes_so_open_data_has_downloads_at_once(client):
    call_command("demo", stdout=io.StringIO())
    programme = Programme.objects.get(slug="cities-are-listening")
    build = selectors.opendata_build(programme)
    assert build is not None and not selectors.opendata_is_stale(programme, build)
    page = client.get("/open-data/").content.decode()
    assert "Data as of" in page and f"/open-data/{programme.slug}.zip" in page
