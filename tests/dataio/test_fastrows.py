"""The export's fast tables give what django-import-export's resources give: the same
headers and cells for both audiences, and an XLSX that reads back the same as tablib's."""

import io

import pytest
import tablib
from openpyxl import load_workbook

from listening.dataio.export import programme_tables
from listening.dataio.fastrows import dataset_of, xlsx_bytes
from listening.voices.models import VoiceStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Voices of every kind the speaker column tells apart: named, attribution refused,
    speaker not listed, no speaker, a city or none, several themes, an offset, a draft."""
    programme = factories.ProgrammeFactory()
    session = factories.ListeningSessionFactory(programme=programme)
    b = factories.ThemeFactory(programme=programme, slug="b-theme", position=1)
    a = factories.ThemeFactory(programme=programme, slug="a-theme", position=2)
    durban = factories.CityFactory(name="Durban")
    listed = factories.PersonFactory(slug="listed", city=durban)
    unlisted = factories.PersonFactory(slug="unlisted", consent_listed=False, consent_quoted=False)
    factories.VoiceFactory(session=session, speaker=listed, themes=[a, b], city=durban)
    factories.VoiceFactory(session=session, speaker=listed, attribution_consent=False)
    factories.VoiceFactory(session=session, speaker=unlisted, city=durban, text="Line\nbreak")
    factories.VoiceFactory(
        session=session, speaker=None, attribution_consent=False, city=None, text="=1+1"
    )
    factories.VoiceFactory(session=session, status=VoiceStatus.DRAFT, published_at=None, themes=[b])
    return programme


@pytest.mark.parametrize("audience", ["public", "organisers"])
def test_fast_tables_equal_the_resources_export(programme, audience):
    for table in programme_tables(programme, audience):
        expected = table.resource.export(queryset=table.rows)
        found = dataset_of(table.resource, table.rows)
        assert found.headers == expected.headers, table.name
        assert list(found) == list(expected), table.name
    voices = {t.name: t for t in programme_tables(programme, audience)}["voices"]
    assert len(dataset_of(voices.resource, voices.rows)) == (4 if audience == "public" else 5)


def test_write_only_xlsx_reads_back_as_tablibs(programme):
    table = {t.name: t for t in programme_tables(programme, "organisers")}["voices"]
    dataset = table.resource.export(queryset=table.rows)
    ours = load_workbook(io.BytesIO(xlsx_bytes(dataset.headers, dataset))).active
    theirs = load_workbook(io.BytesIO(dataset.export("xlsx"))).active
    assert list(ours.values) == list(theirs.values)
    assert ours.title == theirs.title and ours.freeze_panes == theirs.freeze_panes == "A2"
    assert ours["A1"].font.bold and ours["B2"].font.bold is False
    for letter in "ABCDEFGHIJKLM":
        assert ours.column_dimensions[letter].width == theirs.column_dimensions[letter].width
    wrapped = [c.coordinate for row in ours.iter_rows() for c in row if c.alignment.wrap_text]
    assert wrapped == [
        c.coordinate for row in theirs.iter_rows() for c in row if c.alignment.wrap_text
    ]
    assert wrapped
    again = tablib.Dataset().load(xlsx_bytes(dataset.headers, dataset), format="xlsx")
    assert again.headers == dataset.headers and len(again) == len(dataset)
