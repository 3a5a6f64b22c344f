"""Spreadsheet imports: a dry run changes nothing, one bad row stops the whole file, and
every error names its row and column."""

import pytest

from listening.dataio.resources import (
    MAX_ROWS,
    ImportFileError,
    data_import,
    dataset_read,
)
from listening.people.models import Organisation, Person
from listening.people.resources import OrganisationResource, PersonResource
from listening.places.models import City
from listening.programmes.models import ListeningSession, Role
from listening.programmes.resources import ListeningSessionResource
from listening.voices.models import Voice
from listening.voices.resources import VoiceResource
from tests import factories

pytestmark = pytest.mark.django_db


def _csv(text):
    return dataset_read(text.encode(), "upload.csv")


def _organisations(n, bad_row=None):
    lines = ["slug,name,kind,country,website"]
    for i in range(1, n + 1):
        kind = "not-a-kind" if i == bad_row else "civil_society"
        lines.append(f"org-{i},Organisation {i},{kind},ZA,")
    return "\n".join(lines)


def test_import_dry_run_writes_nothing_and_real_run_writes_every_row():
    dataset = _csv(_organisations(40))
    report = data_import(OrganisationResource(), dataset, dry_run=True)
    assert report.ok and report.new == 40
    assert not Organisation.objects.exists()
    report = data_import(OrganisationResource(), _csv(_organisations(40)), dry_run=False)
    assert report.ok and report.new == 40
    assert Organisation.objects.count() == 40


def test_import_one_bad_row_among_many_writes_nothing_and_names_row_and_column():
    report = data_import(
        OrganisationResource(), _csv(_organisations(60, bad_row=37)), dry_run=False
    )
    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].startswith("Row 37, column kind:")
    assert "not-a-kind" in report.errors[0]
    assert not Organisation.objects.exists()


def test_import_again_updates_in_place():
    data_import(OrganisationResource(), _csv(_organisations(3)), dry_run=False)
    changed = _organisations(3).replace("Organisation 2,", "Renamed 2,")
    report = data_import(OrganisationResource(), _csv(changed), dry_run=False)
    assert (report.new, report.updated, report.skipped) == (0, 1, 2)
    assert Organisation.objects.get(slug="org-2").name == "Renamed 2"


def test_import_wrong_header_names_the_column():
    report = data_import(
        OrganisationResource(), _csv("slug,name,knd\nx,X,civil_society"), dry_run=True
    )
    assert report.errors == [
        "The header row has unknown column(s) 'knd' and missing column(s) 'kind'. The columns "
        "are: slug, name, kind, country, website (download the template)."
    ]


def test_import_duplicate_slug_names_both_rows():
    text = _organisations(5) + "\norg-2,Again,civil_society,ZA,"
    report = data_import(OrganisationResource(), _csv(text), dry_run=False)
    assert report.errors == [
        "Row 6, column slug: 'org-2' is already on row 2; each slug may appear once."
    ]
    assert not Organisation.objects.exists()


def test_import_too_many_rows_is_refused_with_a_message():
    report = data_import(OrganisationResource(), _csv(_organisations(MAX_ROWS + 1)), dry_run=True)
    assert report.errors == [
        f"The file has {MAX_ROWS + 1:,} rows; at most {MAX_ROWS:,} are imported at a time. "
        "Split it into several files."
    ]


def test_import_file_not_utf8_is_refused():
    with pytest.raises(ImportFileError, match=r"not UTF-8 text .*CSV UTF-8"):
        dataset_read("slug,name\nsão-paulo,São Paulo".encode("latin-1"), "people.csv")


def test_import_people_with_city_from_the_gazetteer_and_consent():
    factories.OrganisationFactory(slug="uclg")
    text = (
        "slug,name,title,organisation,city,kind,consent_listed,consent_quoted\n"
        'ana,Ana,Mayor,uclg,"Durban, ZA",political_leader,yes,yes\n'
        "ben,Ben,,,,resident,no,no\n"
    )
    report = data_import(PersonResource(), _csv(text), dry_run=False)
    assert report.ok, report.errors
    ana = Person.objects.get(slug="ana")
    assert ana.city.geonames_id == 1007311 and ana.organisation.slug == "uclg"
    assert ana.consent_quoted and not Person.objects.get(slug="ben").consent_listed


def test_import_people_unknown_city_and_refused_consent_name_rows():
    text = (
        "slug,name,kind,city,consent_listed,consent_quoted\n"
        'ana,Ana,resident,"Atlantis, GR",yes,yes\n'
        "ben,Ben,resident,,no,yes\n"
        "cy,Cy,resident,,maybe,no\n"
    )
    report = data_import(PersonResource(), _csv(text), dry_run=False)
    assert "Row 1, column city: No city called 'Atlantis' in Greece (GR)" in report.errors[0]
    assert any(e.startswith("Row 2") and "also agree to be listed" in e for e in report.errors)
    assert "Row 3, column consent_listed: 'maybe' is not yes or no." in report.errors
    assert not Person.objects.exists() and not City.objects.exists()


SESSION_HEADER = (
    "programme,slug,title,themes,axis,starts_at,ends_at,timezone,format,languages,status,"
    "venue_city,speakers,partners"
)


def test_import_sessions_local_times_themes_and_participants():
    theme = factories.ThemeFactory(slug="water")
    programme = theme.programme
    speaker = factories.PersonFactory(slug="ana")
    partner = factories.OrganisationFactory(slug="uclg")
    text = (
        f"{SESSION_HEADER}\n"
        f"{programme.slug},water-bogota,Water in Bogotá,water,planet,2026-03-02 09:00,"
        '2026-03-02 11:00,America/Bogota,hybrid,es; en,planned,"Bogotá, CO",ana,uclg\n'
    )
    report = data_import(ListeningSessionResource(), _csv(text), dry_run=False)
    assert report.ok, report.errors
    session = ListeningSession.objects.get(slug="water-bogota")
    assert session.starts_at.isoformat() == "2026-03-02T14:00:00+00:00"
    assert session.languages == ["es", "en"]
    assert list(session.themes.all()) == [theme]
    assert session.venue_city.name == "Bogotá"
    assert {(p.person, p.organisation, p.role) for p in session.participations.all()} == {
        (speaker, None, Role.SPEAKER),
        (None, partner, Role.PARTNER),
    }


def test_import_sessions_bad_date_skipped_hour_and_unknown_theme():
    programme = factories.ProgrammeFactory()
    tail = "online,en,planned"
    rows = [
        f"{programme.slug},s1,One,,people,2026-02-30 09:00,2026-03-01 11:00,UTC,{tail},,,",
        f"{programme.slug},s2,Two,,people,2026-03-29 02:30,2026-03-29 04:00,"
        f"Europe/Madrid,{tail},,,",
        f"{programme.slug},s3,Three,nope,people,2026-03-01 09:00,2026-03-01 11:00,UTC,"
        f"{tail},,ghost,",
    ]
    report = data_import(
        ListeningSessionResource(), _csv("\n".join([SESSION_HEADER, *rows])), dry_run=False
    )
    errors = "\n".join(report.errors)
    assert "Row 1, column starts_at: '2026-02-30 09:00' is not a date and time" in errors
    assert "Row 2, column starts_at: 2026-03-29 02:30 does not exist in Europe/Madrid" in errors
    assert "Row 3, column themes: Unknown theme(s) in this programme: nope" in errors
    assert "Row 3, column speakers: There is no person with the slug(s) ghost." in errors
    assert not ListeningSession.objects.exists()


def test_import_voices_new_rows_and_duplicate_text_refused():
    session = factories.ListeningSessionFactory(slug="s1")
    speaker = factories.PersonFactory(slug="ana")
    header = "id,session,text,language,kind,speaker,speaker_kind,city,status,attribution_consent"
    text = (
        f"{header}\n"
        ",s1,Shade on every street.,en,quote,ana,,,published,yes\n"
        ',s1,Buses at night.,en,quote,,resident,"Durban, ZA",draft,no\n'
    )
    report = data_import(VoiceResource(), _csv(text), dry_run=False)
    assert report.ok, report.errors
    voice = Voice.objects.get(text="Shade on every street.")
    assert voice.speaker == speaker and voice.is_attributed and voice.published_at
    assert voice.session == session and voice.speaker_kind == speaker.kind
    again = data_import(VoiceResource(), _csv(text), dry_run=False)
    assert again.errors[0].startswith("Row 1, column text: This session already has this voice")
    assert Voice.objects.count() == 2
