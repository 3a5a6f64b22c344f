import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from listening.programmes.models import ListeningSession, Role
from listening.programmes.services import participation_add, session_upsert
from tests.factories import (
    ListeningSessionFactory,
    PersonFactory,
    ProgrammeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def _session_fields(**overrides):
    starts = timezone.now()
    fields = {
        "title": "The future of tourism",
        "axis": "planet",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "timezone": "Europe/Lisbon",
        "format": "hybrid",
        "languages": ["en", "fr"],
        "status": "planned",
    }
    return fields | overrides


def test_session_upsert_stores_agenda_themes_and_documents():
    programme = ProgrammeFactory()
    theme = ThemeFactory(programme=programme)
    session = session_upsert(
        programme=programme,
        slug="tourism",
        themes=[theme],
        agenda=[{"title": "Opening", "starts_at": dt.time(14, 0)}, {"title": "Dialogue"}],
        outcome_documents=[{"title": "Report", "url": "https://example.org/report.pdf"}],
        **_session_fields(),
    )
    assert list(session.themes.all()) == [theme]
    assert [item.title for item in session.agenda_items.all()] == ["Opening", "Dialogue"]
    assert session.outcome_documents.get().url == "https://example.org/report.pdf"


def test_session_upsert_twice_updates_in_place():
    programme = ProgrammeFactory()
    session_upsert(
        programme=programme, slug="tourism", agenda=[{"title": "A"}], **_session_fields()
    )
    session = session_upsert(
        programme=programme,
        slug="tourism",
        agenda=[{"title": "B"}],
        **_session_fields(title="Tourism, revisited"),
    )
    assert ListeningSession.objects.count() == 1
    assert session.title == "Tourism, revisited"
    assert [item.title for item in session.agenda_items.all()] == ["B"]


def test_session_upsert_bad_agenda_saves_nothing():
    programme = ProgrammeFactory()
    with pytest.raises(ValidationError):
        session_upsert(
            programme=programme, slug="tourism", agenda=[{"title": ""}], **_session_fields()
        )
    assert not ListeningSession.objects.exists()


def test_session_upsert_end_before_start_names_the_field():
    starts = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        session_upsert(
            programme=ProgrammeFactory(),
            slug="tourism",
            **_session_fields(starts_at=starts, ends_at=starts - dt.timedelta(hours=1)),
        )
    assert "ends_at" in excinfo.value.message_dict
    assert not ListeningSession.objects.exists()


def test_participation_add_is_idempotent():
    session, person = ListeningSessionFactory(), PersonFactory()
    first = participation_add(session=session, person=person, role=Role.SPEAKER)
    again = participation_add(session=session, person=person, role=Role.SPEAKER)
    assert first.pk == again.pk
