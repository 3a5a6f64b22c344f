"""/open-data/: the public files of each published programme, one by one or as a ZIP, in
English, French and Spanish; nothing else downloadable."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from listening.dataio.opendata import opendata_paths
from listening.people.models import Person
from tests import factories

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
        reply = client.get(url)
        assert reply.status_code == 200, url
        assert "attachment" in reply["Content-Disposition"]
        if not url.endswith(".xlsx"):
            text = reply.content.decode()
            assert "Zoë Secretname" not in text and "A draft nobody may read." not in text


def test_open_data_zip_holds_every_public_file(client, programme):
    reply = client.get(f"/open-data/{programme.slug}.zip")
    assert reply["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    names = {n.split("/", 1)[1] for n in archive.namelist()}
    assert names == set(opendata_paths(programme))
    voices = archive.read(f"{programme.slug}/voices.csv").decode()
    assert "Said without a name." in voices and "A draft nobody may read." not in voices
    assert "zoe-secret" not in archive.read(f"{programme.slug}/popolo.json").decode()
    # A file downloaded on its own is the same as in the ZIP.
    for name in ("voices.csv", "people.json", "key_messages.csv", "conversations/talk/votes.csv"):
        alone = client.get(reverse("opendata:file", args=[programme.slug, name])).content
        assert alone == archive.read(f"{programme.slug}/{name}"), name


def test_open_data_refuses_unknown_files_and_programmes(client, programme):
    assert client.get(f"/open-data/{programme.slug}/../settings.py").status_code == 404
    assert client.get(f"/open-data/{programme.slug}/secrets.csv").status_code == 404
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
