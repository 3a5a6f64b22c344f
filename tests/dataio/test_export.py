"""Exports: every file re-reads, the public export keeps consent, the command guards its folder."""

import json

import pytest
from django.core.management import CommandError, call_command

from listening.dataio.resources import data_import, dataset_read
from listening.people.models import Person
from listening.people.resources import PersonResource
from listening.programmes.models import Role
from listening.voices.models import VoiceStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    session = factories.ListeningSessionFactory(slug="water")
    listed = factories.PersonFactory(slug="ana", name="Ana Listed")
    hidden = factories.PersonFactory(
        slug="hidden", name="Hidden Person", consent_listed=False, consent_quoted=False
    )
    factories.ParticipationFactory(session=session, person=listed)
    factories.ParticipationFactory(session=session, person=hidden, role=Role.PARTICIPANT)
    factories.ParticipationFactory(
        session=session,
        person=None,
        organisation=factories.OrganisationFactory(slug="uclg"),
        role=Role.PARTNER,
    )
    factories.VoiceFactory(session=session, speaker=listed, text="Published and named.")
    factories.VoiceFactory(
        session=session, speaker=hidden, attribution_consent=False, text="Said anonymously."
    )
    factories.VoiceFactory(
        session=session,
        speaker=listed,
        status=VoiceStatus.DRAFT,
        published_at=None,
        text="A draft voice.",
    )
    return session.programme


def test_export_data_writes_every_format_and_files_read_back(programme, tmp_path):
    call_command("export-data", programme.slug, str(tmp_path / "out"))
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert names >= {
        f"{table}.{fmt}"
        for table in ("sessions", "people", "organisations", "voices")
        for fmt in ("csv", "xlsx", "json")
    }
    for table in ("sessions", "people", "organisations", "voices"):
        from_csv = dataset_read((tmp_path / "out" / f"{table}.csv").read_bytes(), "x.csv")
        from_xlsx = dataset_read((tmp_path / "out" / f"{table}.xlsx").read_bytes(), "x.xlsx")
        # An empty cell of a workbook reads as None.
        from_xlsx.dict = [{k: v or "" for k, v in row.items()} for row in from_xlsx.dict]
        from_json = json.loads((tmp_path / "out" / f"{table}.json").read_text())
        assert from_csv.dict == from_xlsx.dict == from_json, table
        assert from_csv.dict, table


def test_public_export_respects_consent(programme, tmp_path):
    call_command("export-data", programme.slug, str(tmp_path))
    everything = "".join(p.read_text() for p in tmp_path.glob("*.csv"))
    everything += "".join(p.read_text() for p in tmp_path.glob("*.json"))
    assert "Hidden Person" not in everything and "hidden" not in everything
    assert "A draft voice." not in everything
    assert "consent" not in everything
    voices = dataset_read((tmp_path / "voices.csv").read_bytes(), "voices.csv").dict
    by_text = {row["text"]: row for row in voices}
    assert by_text["Published and named."]["speaker"] == "ana"
    assert by_text["Said anonymously."]["speaker"].startswith("An academic expert from")
    people = dataset_read((tmp_path / "people.csv").read_bytes(), "people.csv").dict
    assert [row["slug"] for row in people] == ["ana"]
    sessions = dataset_read((tmp_path / "sessions.csv").read_bytes(), "s.csv").dict
    assert sessions[0]["speakers"] == "ana" and sessions[0]["partners"] == "uclg"


def test_organisers_export_has_everything_and_imports_back_unchanged(programme, tmp_path):
    call_command("export-data", programme.slug, str(tmp_path), "--organisers")
    people = (tmp_path / "people.xlsx").read_bytes()
    rows = dataset_read(people, "people.xlsx").dict
    assert {row["slug"] for row in rows} == {"ana", "hidden"}
    assert {row["consent_listed"] for row in rows} == {"yes", "no"}
    assert "A draft voice." in (tmp_path / "voices.csv").read_text()
    report = data_import(PersonResource(), dataset_read(people, "people.xlsx"), dry_run=False)
    assert report.ok and report.skipped == 2 and Person.objects.count() == 2


def test_export_data_refuses_a_folder_that_is_not_empty(programme, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match=r"is not empty.*--force"):
        call_command("export-data", programme.slug, str(tmp_path))
    call_command("export-data", programme.slug, str(tmp_path), "--force")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "voices.json").exists()


def test_export_data_unknown_programme_lists_the_known_ones(programme, tmp_path):
    with pytest.raises(CommandError, match=f"no programme 'nope' .*{programme.slug}"):
        call_command("export-data", "nope", str(tmp_path))
