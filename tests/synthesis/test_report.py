"""`listening report`: "The voices we heard" as PDF and HTML, its download page, bad input."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listening.conversations.models import OpinionSnapshot
from listening.pdf import RefusedURL, html_to_pdf, local_path
from listening.people.models import PersonKind
from listening.programmes.models import Axis, Participation, Role
from listening.synthesis.models import CommitmentStatus, KeyMessageStatus
from listening.synthesis.report import report_data
from listening.voices.models import VoiceStatus
from tests.factories import (
    CityFactory,
    ConversationFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    StatementFactory,
    VoiceFactory,
)
from tests.synthesis.factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="pdftotext (Debian package poppler-utils) is needed to read the PDF's text",
)

SECTIONS_EN = [
    "Key messages",
    "What we heard",
    "Cities and organisations involved",
    "Who took part",
    "Opinion maps",
    "Commitments of the Pact",
]
SECTIONS_FR = [
    "Messages clés",
    "Ce que nous avons entendu",
    "Villes et organisations impliquées",
    "Qui a participé",
    "Cartes des opinions",
    "Engagements du Pacte",
]


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@pytest.fixture
def programme():
    programme = ProgrammeFactory(slug="cities", name="Cities are Listening")
    session = ListeningSessionFactory(programme=programme, slug="durban", title="Durban hears")
    other = ListeningSessionFactory(programme=programme, slug="lyon", title="Lyon hears")
    city = CityFactory(name="Durban", country="ZA", region="africa")
    organisation = OrganisationFactory(name="Harbour Residents Forum")
    speaker = PersonFactory(name="Thandi Example", organisation=organisation, city=city)
    quoted = VoiceFactory(session=session, speaker=speaker, text="Shade on every bus stop, please.")
    VoiceFactory(session=other, text="Lyon needs night trams.")
    ParticipationFactory(session=session, person=speaker)
    conversation = ConversationFactory(programme=programme, session=session, topic="Buses?")
    statement = StatementFactory(conversation=conversation, text="Fund night buses first")
    OpinionSnapshot.objects.create(
        conversation=conversation,
        participant_count=3,
        vote_count=9,
        result={
            "participants": {
                "1": {"x": 0.1, "y": 0.2, "group": 0, "in_conversation": True},
                "2": {"x": 0.2, "y": 0.1, "group": 0, "in_conversation": True},
                "3": {"x": -0.5, "y": -0.4, "group": 1, "in_conversation": True},
            },
            "groups": {
                "0": {"size": 2, "center": [0.15, 0.15], "representative": []},
                "1": {"size": 1, "center": [-0.5, -0.4], "representative": []},
            },
            "consensus": {"agree": [{"statement": statement.pk}]},
            "statements": {str(statement.pk): {"agree": 3, "disagree": 0, "pass": 0, "seen": 3}},
        },
    )
    message = KeyMessageFactory(
        programme=programme,
        session=session,
        title="Shade is health infrastructure",
        status=KeyMessageStatus.PUBLISHED,
        axis=Axis.PEOPLE,
    )
    message.voices.set([quoted])
    message.statements.set([statement])
    commitment = CommitmentFactory(
        programme=programme,
        axis=Axis.PEOPLE,
        title="A shaded walk to every park",
        status=CommitmentStatus.ADOPTED,
    )
    commitment.key_messages.set([message])
    return programme


def run_report(tmp_path: Path, *args: str) -> tuple[Path, Path]:
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    call_command("report", *args, "--pdf", str(pdf), "--html", str(html), "--quiet")
    return pdf, html


@needs_pdftotext
def test_report_pdf_has_every_section_with_its_content(programme, tmp_path):
    pdf, html = run_report(tmp_path, "cities")
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = pdf_pages(pdf)
    text = " ".join(pages)
    assert "The voices we heard" in pages[0]
    assert "Cities are Listening" in pages[0]
    for section in SECTIONS_EN:
        assert section in text
    assert "Shade is health infrastructure" in text
    assert "1 voice · 1 statement" in text  # the key message's evidence counts
    assert "Shade on every bus stop, please." in text
    assert "Thandi Example" in text  # consented to be quoted by name
    assert "Lyon needs night trams." in text  # the programme's other session
    assert "Durban" in text and "South Africa" in text
    assert "Harbour Residents Forum" in text
    assert "Participation by world region" in text
    assert "Participation by kind of stakeholder" in text
    assert "Buses?" in text and "Fund night buses first" in text
    assert "A shaded walk to every park" in text and "adopted" in text
    assert f"Page 2 / {len(pages)}" in pages[1]  # the footer
    assert "Shade is health infrastructure" in html.read_text()


@needs_pdftotext
def test_report_contents_give_the_page_of_each_section(programme, tmp_path):
    pdf, _ = run_report(tmp_path, "cities")
    pages = pdf_pages(pdf)
    contents = next(page for page in pages if page.startswith("Contents"))
    for section in SECTIONS_EN:
        found = re.search(re.escape(section) + r"[ .]*?(\d+)\b", contents)
        assert found, f"{section} is not in the contents: {contents}"
        page = int(found.group(1))
        assert pages[page - 1].startswith(section), f"{section} is not on page {page}"


@needs_pdftotext
def test_report_in_french(programme, tmp_path):
    pdf, html = run_report(tmp_path, "cities", "--language", "fr")
    pages = pdf_pages(pdf)
    text = " ".join(pages)
    assert "Les paroles que nous avons entendues" in pages[0]
    assert "Sommaire" in text
    for section in SECTIONS_FR:
        assert section in text
    assert "adopté" in text
    assert "Afrique du Sud" in text
    assert "Participation par région du monde" in text
    assert f"Page 2 / {len(pages)}" in pages[1]
    assert '<html lang="fr">' in html.read_text()


@needs_pdftotext
def test_report_never_shows_an_unpublished_voice_or_an_unconsented_name(programme, tmp_path):
    session = programme.sessions.get(slug="durban")
    city = CityFactory(name="Pinetown")
    shy = PersonFactory(
        name="Hidden Hendrik",
        city=city,
        kind=PersonKind.RESIDENT,
        consent_listed=False,
        consent_quoted=False,
        organisation=OrganisationFactory(name="Secret Society of Pinetown"),
    )
    VoiceFactory(
        session=session,
        speaker=shy,
        speaker_kind=PersonKind.RESIDENT,
        attribution_consent=False,
        text="Nobody fixes the drains here.",
    )
    Participation.objects.create(session=session, person=shy, role=Role.PARTICIPANT)
    draft = VoiceFactory(
        session=session, status=VoiceStatus.DRAFT, text="A draft nobody may read yet."
    )
    programme.key_messages.get().voices.add(draft)  # evidence: counted, never shown
    pdf, html = run_report(tmp_path, "cities")
    for text in (" ".join(pdf_pages(pdf)), html.read_text()):
        assert "Nobody fixes the drains here." in text
        assert "A resident from Pinetown" in text
        assert "Hidden Hendrik" not in text
        assert "Secret Society of Pinetown" not in text
        assert "A draft nobody may read yet." not in text
    assert "2 voices · 1 statement" in " ".join(pdf_pages(pdf))


@needs_pdftotext
def test_report_of_one_session_keeps_to_that_session(programme, tmp_path):
    pdf, _ = run_report(tmp_path, "cities", "--session", "durban")
    text = " ".join(pdf_pages(pdf))
    assert "Durban hears" in text
    assert "Shade on every bus stop, please." in text
    assert "Lyon needs night trams." not in text
    assert "A shaded walk to every park" in text


def test_report_data_reads_in_the_same_number_of_queries_however_much_there_is(programme):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report_data(programme=programme)
        return len(captured)

    before = queries()
    for _session in range(4):
        session = ListeningSessionFactory(programme=programme)
        ParticipationFactory(session=session)
        ParticipationFactory(session=session, person=None, organisation=OrganisationFactory())
        for _ in range(3):
            VoiceFactory(session=session, city=CityFactory(region="europe", country="FR"))
        message = KeyMessageFactory(programme=programme, status=KeyMessageStatus.PUBLISHED)
        message.voices.set(session.voices.all())
        CommitmentFactory(programme=programme, axis=Axis.PLANET).key_messages.set([message])
    assert queries() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "There is no programme 'nowhere' (programmes: cities, other)"),
        (["cities", "--session", "atlantis"], "There is no listening session 'atlantis'"),
        (["cities", "--session", "elsewhere"], "belongs to the programme 'other'"),
        (["cities", "--language", "de"], "There is no report in 'de': choose one of en, fr, es"),
    ],
)
def test_report_bad_input_says_what_is_wrong_and_writes_nothing(programme, tmp_path, args, message):
    ListeningSessionFactory(programme=ProgrammeFactory(slug="other"), slug="elsewhere")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", *args, "--pdf", str(tmp_path / "r.pdf"), "--quiet")
    assert list(tmp_path.iterdir()) == []


def test_report_unwritable_output_is_refused_before_any_work(programme, tmp_path):
    with pytest.raises(CommandError, match=r"the folder .*missing does not exist"):
        call_command("report", "cities", "--pdf", str(tmp_path / "missing" / "r.pdf"))
    with pytest.raises(CommandError, match="this is a folder; give a file name"):
        call_command("report", "cities", "--pdf", str(tmp_path))
    with pytest.raises(CommandError, match=r"the folder .*missing does not exist"):
        call_command(
            "report", "cities", "--pdf", str(tmp_path / "r.pdf"),
            "--html", str(tmp_path / "missing" / "r.html"),
        )  # fmt: skip
    with pytest.raises(CommandError, match="Give --pdf"):
        call_command("report", "cities")
    assert list(tmp_path.iterdir()) == []


def test_report_shows_its_progress_on_stderr(programme, tmp_path, capsys):
    call_command("report", "cities", "--html", str(tmp_path / "r.html"))
    err = capsys.readouterr().err
    assert "[1/2] reading the programme's data" in err
    assert "[2/2] drawing the charts and writing the HTML" in err


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("organiser", password="x")
    user.groups.add(Group.objects.create(name="organisers"))
    return user


def test_report_download_is_for_organisers_only(client, programme):
    response = client.get("/pact/report/cities.pdf")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(User.objects.create_user("someone"))
    assert client.get("/pact/report/cities.pdf").status_code == 403


@needs_pdftotext
def test_report_download_gives_the_pdf_in_the_language_asked(
    client, programme, organiser, tmp_path
):
    client.force_login(organiser)
    response = client.get("/pact/report/cities.pdf?lang=fr&session=durban")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="cities-durban-fr.pdf"' in response["Content-Disposition"]
    path = tmp_path / "download.pdf"
    path.write_bytes(response.content)
    assert "Les paroles que nous avons entendues" in pdf_pages(path)[0]


def test_report_download_bad_input(client, programme, organiser):
    client.force_login(organiser)
    assert client.get("/pact/report/cities.pdf?lang=de").status_code == 400
    assert client.get("/pact/report/nowhere.pdf").status_code == 404
    assert client.get("/pact/report/cities.pdf?session=atlantis").status_code == 404


def test_organise_page_links_to_the_report(client, programme, organiser):
    client.force_login(organiser)
    page = client.get("/pact/organise/cities/").content.decode()
    assert 'href="/pact/report/cities.pdf?lang=fr"' in page


def test_html_to_pdf_fetches_nothing_from_the_network(monkeypatch, tmp_path):
    connections = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    pdf = html_to_pdf(
        '<html><head><link rel="stylesheet" href="https://cdn.example.org/x.css">'
        f'<link rel="stylesheet" href="{secret.as_uri()}"></head>'
        '<body><p>Hello</p><img src="http://example.org/logo.png"></body></html>'
    )
    assert pdf.startswith(b"%PDF")
    assert connections == []
    with pytest.raises(RefusedURL):
        local_path("https://cdn.example.org/x.css")
    with pytest.raises(RefusedURL):
        local_path(secret.as_uri())  # a local file, but outside the application
