"""The open-data export: every file re-read against datapackage.json and docs/data-formats.md,
links resolving, and nothing unconsented or unpublished in the public audience."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from listening.conversations.models import StatementStatus
from listening.dataio.opendata import opendata_paths
from listening.programmes.models import Axis, Role
from listening.synthesis import services as synthesis
from listening.synthesis.models import CommitmentStatus
from listening.voices.models import VoiceStatus
from tests import factories
from tests.dataio.opendata_check import check_all, every_text, read_table

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"


@pytest.fixture
def demo(admin_user):
    """A small programme like the demo: two sessions, listed and unlisted people, an
    organisation, published, anonymous and draft voices, a conversation with approved and
    rejected statements and votes, key messages and commitments published or not."""
    programme = factories.ProgrammeFactory(slug="pact", name="Pact for the Future")
    theme = factories.ThemeFactory(programme=programme, slug="housing")
    durban = factories.CityFactory(name="Durban", latitude=-29.86, longitude=31.03)
    bogota = factories.CityFactory(
        name="Bogotá", country="CO", latitude=4.61, longitude=-74.08, timezone="America/Bogota"
    )
    first = factories.ListeningSessionFactory(
        programme=programme, slug="durban-water", venue_city=durban, themes=[theme]
    )
    second = factories.ListeningSessionFactory(
        programme=programme,
        slug="bogota-housing",
        axis=Axis.PLANET,
        timezone="America/Bogota",
        starts_at=timezone.now() + dt.timedelta(days=10),
    )
    uclg = factories.OrganisationFactory(slug="uclg", name="UCLG", website="https://uclg.org")
    ana = factories.PersonFactory(slug="ana", name="Ana Listed", organisation=uclg, city=bogota)
    hidden = factories.PersonFactory(
        slug="zoe-secret",
        name="Zoë Secretname",
        consent_listed=False,
        consent_quoted=False,
        organisation=factories.OrganisationFactory(slug="secret-org", name="Hidden Org"),
        city=durban,
    )
    factories.ParticipationFactory(session=first, person=ana)
    factories.ParticipationFactory(session=first, person=hidden, role=Role.PARTICIPANT)
    factories.ParticipationFactory(
        session=second, person=None, organisation=uclg, role=Role.PARTNER
    )
    named = factories.VoiceFactory(
        session=first, speaker=ana, text="Water is a right.", themes=[theme]
    )
    anonymous = factories.VoiceFactory(
        session=second, speaker=hidden, attribution_consent=False, text="Rents ate my wages."
    )
    draft = factories.VoiceFactory(
        session=first,
        speaker=ana,
        status=VoiceStatus.DRAFT,
        published_at=None,
        text="An unpublished draft voice.",
    )
    conversation = factories.ConversationFactory(
        slug="housing-talk", programme=programme, session=second
    )
    approved = factories.StatementFactory(conversation=conversation, text="Build social housing.")
    rejected = factories.StatementFactory(
        conversation=conversation,
        text="A rejected insulting statement.",
        status=StatementStatus.REJECTED,
    )
    for value in (1, -1, 1):
        factories.VoteFactory(statement=approved, value=value)
    factories.VoteFactory(statement=rejected, value=1)

    shown = synthesis.key_message_create(
        programme=programme,
        title="Housing is infrastructure",
        author=admin_user,
        voices=[named, anonymous, draft],
        statements=[approved, rejected],
        axis=Axis.PEOPLE,
        session=second,
        theme=theme,
    )
    synthesis.key_message_publish(key_message=shown, author=admin_user)
    unpublished = synthesis.key_message_create(
        programme=programme, title="A draft key message", author=admin_user, voices=[named]
    )
    commitment = synthesis.commitment_create(
        programme=programme,
        axis=Axis.PEOPLE,
        title="Fund social housing",
        author=admin_user,
        key_messages=[shown, unpublished],
        is_published=True,
    )
    synthesis.commitment_add_progress(
        commitment=commitment,
        date=dt.date(2026, 5, 1),
        text="Budget voted.",
        author=admin_user,
        status=CommitmentStatus.ADOPTED,
    )
    synthesis.commitment_create(
        programme=programme,
        axis=Axis.PLANET,
        title="A secret commitment",
        author=admin_user,
        key_messages=[unpublished],
    )
    return programme


def export(programme, folder, *extra):
    call_command("export-data", programme.slug, str(folder), *extra)
    return check_all(folder)


def documented_names():
    """The files and field names docs/data-formats.md describes (in `code`)."""
    return set(re.findall(r"`([^`\s]+)`", DOCS.read_text(encoding="utf-8")))


@pytest.mark.parametrize("audience", [(), ("--organisers",)], ids=["public", "organisers"])
def test_every_file_reads_back_against_the_datapackage_and_the_docs(demo, tmp_path, audience):
    checked = export(demo, tmp_path, *audience)
    files = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert files == set(opendata_paths(demo))
    documented = documented_names()
    package = json.loads((tmp_path / "datapackage.json").read_text())
    for resource in package["resources"]:
        generic = re.sub(r"^conversations/[^/]+/", "conversations/<slug>/", resource["path"])
        assert generic in documented, f"docs/data-formats.md does not describe {generic}"
        fields = resource.get("schema", {}).get("fields", []) + resource.get("x-properties", [])
        for collection in resource.get("x-collections", {}).values():
            fields += collection
        missing = {f["name"] for f in fields} - documented
        assert not missing, f"{resource['path']}: {missing} not in docs/data-formats.md"
    values = checked["values"]
    assert values["sessions"]["slug"] == {"durban-water", "bogota-housing"}
    assert values["cities"]["label"] >= {"Durban, ZA", "Bogotá, CO"}
    assert len(checked["calendar"].walk("VEVENT")) == 2
    assert checked["popolo"]["memberships"][0]["person_id"] == "ana"


def test_public_export_links_evidence_to_shown_voices_and_statements(demo, tmp_path):
    export(demo, tmp_path)
    _, messages = read_table(tmp_path / "key_messages.csv", "csv")
    assert [m["title"] for m in messages] == ["Housing is infrastructure"]
    # Every supporting voice and statement counts; only published ones are shown.
    assert messages[0]["voice_count"] == "3" and messages[0]["statement_count"] == "2"
    _, voice_links = read_table(tmp_path / "key_message_voices.csv", "csv")
    _, voices = read_table(tmp_path / "voices.csv", "csv")
    texts = {v["id"]: v["text"] for v in voices}
    assert sorted(texts[link["voice"]] for link in voice_links) == [
        "Rents ate my wages.",
        "Water is a right.",
    ]
    _, statements = read_table(tmp_path / "key_message_statements.csv", "csv")
    assert [s["text"] for s in statements] == ["Build social housing."]
    _, comments = read_table(tmp_path / "conversations/housing-talk/comments.csv", "csv")
    assert [(c["comment-body"], c["agrees"], c["disagrees"]) for c in comments] == [
        ("Build social housing.", "2", "1")
    ]
    _, links = read_table(tmp_path / "commitment_key_messages.csv", "csv")
    _, commitments = read_table(tmp_path / "commitments.json", "json")
    assert [c["title"] for c in commitments] == ["Fund social housing"]
    assert [link["key_message"] for link in links] == [messages[0]["id"]]
    _, updates = read_table(tmp_path / "commitment_updates.csv", "csv")
    assert [(u["date"], u["status"]) for u in updates] == [("2026-05-01", "adopted")]


def test_public_export_never_names_the_unconsented_nor_shows_unpublished(demo, tmp_path):
    export(demo, tmp_path)
    text = every_text(tmp_path)
    for secret in (
        "Zoë Secretname",
        "zoe-secret",
        "Hidden Org",
        "secret-org",
        "An unpublished draft voice.",
        "A draft key message",
        "A secret commitment",
        "A rejected insulting statement.",
        "consent",
    ):
        assert secret not in text, secret
    # The unconsented speaker's voice is there, described by kind and city.
    _, voices = read_table(tmp_path / "voices.csv", "csv")
    speaker = {v["text"]: v["speaker"] for v in voices}["Rents ate my wages."]
    assert speaker.startswith("An academic expert from Durban")


def test_organisers_export_keeps_everything(demo, tmp_path):
    checked = export(demo, tmp_path, "--organisers")
    text = every_text(tmp_path)
    for kept in (
        "Zoë Secretname",
        "An unpublished draft voice.",
        "A draft key message",
        "A secret commitment",
        "A rejected insulting statement.",
    ):
        assert kept in text, kept
    values = checked["values"]
    assert values["key_messages"]["status"] == {"published", "draft"}
    assert values["commitments"]["is_published"] == {"yes", "no"}
    assert values["people"]["consent_listed"] == {"yes", "no"}
    _, links = read_table(tmp_path / "key_message_voices.csv", "csv")
    assert len(links) == 4


def test_export_data_into_a_non_empty_folder_without_force_changes_nothing(demo, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match=r"is not empty.*--force"):
        call_command("export-data", demo.slug, str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_export_data_for_an_unknown_programme_names_the_known_ones(demo, tmp_path):
    with pytest.raises(CommandError, match=r"no programme 'nope' .*pact"):
        call_command("export-data", "nope", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_check_catches_a_dangling_link_a_bad_type_and_swapped_coordinates(demo, tmp_path):
    """The re-reading is not a formality: each damage below is reported."""
    from tests.dataio.opendata_check import check_export, check_geojson

    export(demo, tmp_path, "--organisers")
    links = tmp_path / "key_message_voices.csv"
    original = links.read_text()
    key_message = original.splitlines()[1].split(",")[0]
    links.write_text(original + f"{key_message},999999\n")
    with pytest.raises(AssertionError, match=r"not in voices\.id"):
        check_export(tmp_path)
    links.write_text(original + "one,2\n")
    with pytest.raises(AssertionError, match="is not a integer"):
        check_export(tmp_path)
    links.write_text(original)
    geo = json.loads((tmp_path / "cities.geojson").read_text())
    for feature in geo["features"]:
        feature["geometry"]["coordinates"].reverse()
    (tmp_path / "cities.geojson").write_text(json.dumps(geo))
    with pytest.raises(AssertionError):
        check_geojson(tmp_path, check_export(tmp_path))
