"""/open-data/: the stored public files of each published programme, one by one or as a ZIP,
in English, French and Spanish; nothing else downloadable, nothing built in the request."""

import io
import re
import zipfile

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from listening.dataio import selectors
from listening.dataio.opendata import opendata_paths
from listening.dataio.services import opendata_publish
from listening.people.models import Person
from tests import factories
from tests.dataio.opendata_check import download

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogs(django_db_blocker):
    """The French and Spanish pages need the .mo files (`make test` builds them too)."""
    with django_db_blocker.unblock():
        call_command("compile_catalogs", verbosity=0)


@pytest.fixture
def programme():
    session = factories.ListeningSessionFactory(slug="water")
    hidden = factories.PersonFactory(
        slug="zoe-secret", name="Zoë Secretname", consent_listed=False, consent_quoted=False
    )
    factories.ParticipationFactory(session=session, person=hidden)
    factories.VoiceFactory(
        session=session, speaker=hidden, attribution_consent=False, text="Said without a name."
    )
    factories.VoiceFactory(
        session=session, status="draft", published_at=None, text="A draft nobody may read."
    )
    conversation = factories.ConversationFactory(slug="talk", programme=session.programme)
    factories.VoteFactory(statement=factories.StatementFactory(conversation=conversation))
    opendata_publish(programme=session.programme)
    return session.programme


def links(page: str) -> list[str]:
    return re.findall(r'href="(/open-data/[^"]+)"', page)


def test_open_data_page_links_every_public_file_and_each_downloads(client, programme):
    factories.ProgrammeFactory(name="Nothing published yet")
    page = client.get("/open-data/").content.decode()
    assert programme.name in page and "Nothing published yet" not in page
    found = links(page)
    expected = {
        reverse("opendata:file", args=[programme.slug, p]) for p in opendata_paths(programme)
    }
    assert set(found) == expected | {f"/open-data/{programme.slug}.zip"}
    for url in sorted(expected):
        reply, body = download(client, url)
        assert reply.status_code == 200, url
        assert "attachment" in reply["Content-Disposition"]
        if not url.endswith(".xlsx"):
            text = body.decode()
            assert "Zoë Secretname" not in text and "A draft nobody may read." not in text


def test_open_data_zip_holds_every_public_file(client, programme):
    reply, body = download(client, f"/open-data/{programme.slug}.zip")
    assert reply["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = {n.split("/", 1)[1] for n in archive.namelist()}
    assert names == set(opendata_paths(programme))
    voices = archive.read(f"{programme.slug}/voices.csv").decode()
    assert "Said without a name." in voices and "A draft nobody may read." not in voices
    assert "zoe-secret" not in archive.read(f"{programme.slug}/popolo.json").decode()
    # A file downloaded on its own is the same as in the ZIP.
    for name in ("voices.csv", "people.json", "key_messages.csv", "conversations/talk/votes.csv"):
        _reply, alone = download(client, reverse("opendata:file", args=[programme.slug, name]))
        assert alone == archive.read(f"{programme.slug}/{name}"), name


def test_open_data_refuses_unknown_files_and_programmes(client, programme):
    assert client.get(f"/open-data/{programme.slug}/../settings.py").status_code == 404
    assert client.get(f"/open-data/{programme.slug}/secrets.csv").status_code == 404
    for stored in ("build.json", "open-data.zip", "current"):
        assert client.get(f"/open-data/{programme.slug}/{stored}").status_code == 404
    assert client.get("/open-data/nope.zip").status_code == 404
    empty = factories.ProgrammeFactory()
    assert client.get(f"/open-data/{empty.slug}/voices.csv").status_code == 404
    assert Person.objects.filter(slug="zoe-secret").exists()


@pytest.mark.parametrize(
    ("prefix", "heading", "zip_label"),
    [
        ("", "Open data", "Download every file (ZIP)"),
        ("/fr", "Données ouvertes", "Télécharger tous les fichiers (ZIP)"),
        ("/es", "Datos abiertos", "Descargar todos los archivos (ZIP)"),
    ],
)
def test_open_data_page_speaks_the_readers_language(client, programme, prefix, heading, zip_label):
    page = client.get(f"{prefix}/open-data/").content.decode()
    assert f"<h1>{heading}</h1>" in page and zip_label in page
    # The footer of every page links to it.
    home = client.get(f"{prefix}/").content.decode()
    assert f'href="{prefix}/open-data/"' in home


def test_open_data_page_with_nothing_published_says_so(client):
    page = client.get("/open-data/").content.decode()
    assert "No programme has published anything yet." in page


def test_open_data_page_before_any_build_says_the_files_are_coming(client):
    session = factories.ListeningSessionFactory()
    factories.VoiceFactory(session=session, text="Not built yet.")
    reply = client.get("/open-data/")
    page = reply.content.decode()
    assert reply.status_code == 200
    assert session.programme.name in page
    assert "The files of this programme are being prepared." in page
    assert not links(page)
    assert client.get(f"/open-data/{session.programme.slug}.zip").status_code == 404
    assert client.get(f"/open-data/{session.programme.slug}/voices.csv").status_code == 404


def test_open_data_page_dates_the_files_and_flags_newer_data(client, programme):
    page = client.get("/open-data/").content.decode()
    assert "Data as of" in page and "Newer data is being prepared" not in page
    factories.VoiceFactory(session=programme.sessions.first(), text="Said after the build.")
    # Page views reuse the data's fingerprint for a minute; a minute later:
    cache.delete(selectors.fingerprint_cache_key(programme))
    page = client.get("/open-data/").content.decode()
    assert "Newer data is being prepared" in page
    # The stored files are served until the next build, which then has the new voice.
    voices = reverse("opendata:file", args=[programme.slug, "voices.csv"])
    assert b"Said after the build." not in download(client, voices)[1]
    opendata_publish(programme=programme)
    assert b"Said after the build." in download(client, voices)[1]


def test_open_data_download_is_conditional(client, programme):
    url = reverse("opendata:file", args=[programme.slug, "voices.json"])
    first, _body = download(client, url)
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    zipped, _body = download(client, f"/open-data/{programme.slug}.zip")
    assert (
        client.get(
            f"/open-data/{programme.slug}.zip", HTTP_IF_NONE_MATCH=zipped["ETag"]
        ).status_code
        == 304
    )
    assert zipped["ETag"] != first["ETag"]


def test_open_data_of_a_programme_no_longer_published_is_not_served(client, programme):
    url = reverse("opendata:file", args=[programme.slug, "voices.csv"])
    assert download(client, url)[0].status_code == 200
    # Its session moved away: the programme is no longer on the public site.
    programme.sessions.update(programme=factories.ProgrammeFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"/open-data/{programme.slug}.zip").status_code == 404
    assert programme.name not in client.get("/open-data/").content.decode()


def test_open_data_page_asks_a_background_build_only_when_the_data_changed(
    client, programme, settings, monkeypatch
):
    asked = []
    monkeypatch.setattr(
        "listening.dataio.services.opendata_schedule",
        lambda *, programme: asked.append(programme.slug),
    )
    settings.OPENDATA_JOBS = "thread"
    client.get("/open-data/")
    assert asked == []
    factories.VoiceFactory(session=programme.sessions.first(), text="Newer.")
    cache.delete(selectors.fingerprint_cache_key(programme))  # a minute later
    client.get("/open-data/")
    assert asked == [programme.slug]
    settings.OPENDATA_JOBS = "sync"  # never built in the request
    client.get("/open-data/")
    assert asked == [programme.slug]


def test_open_data_page_reuses_the_fingerprint_for_a_minute(
    client, programme, django_assert_max_num_queries
):
    client.get("/open-data/")
    factories.VoiceFactory(session=programme.sessions.first(), text="Said after the build.")
    with django_assert_max_num_queries(12) as counted:
        page = client.get("/open-data/").content.decode()
    assert "Newer data is being prepared" not in page  # not looked at again yet
    assert not any("SUM(" in q["sql"].upper() for q in counted.captured_queries)
