import pytest

from listening.programmes.models import Role, SessionStatus
from listening.programmes.selectors import programme_counters, programme_current
from tests.factories import (
    CityFactory,
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db


def test_programme_counters_count_what_the_public_may_see():
    programme = ProgrammeFactory()
    held = ListeningSessionFactory(programme=programme, status=SessionStatus.HELD)
    ListeningSessionFactory(programme=programme, status=SessionStatus.PLANNED)
    durban, lagos = CityFactory(country="ZA"), CityFactory(country="NG")
    ParticipationFactory(session=held, person=PersonFactory(city=durban))
    hidden = PersonFactory(
        city=CityFactory(country="FR"), consent_listed=False, consent_quoted=False
    )
    ParticipationFactory(session=held, person=hidden)
    ParticipationFactory(
        session=held, person=None, organisation=OrganisationFactory(), role=Role.PARTNER
    )
    VoiceFactory(
        session=held, speaker=None, speaker_kind="resident", city=lagos, attribution_consent=False
    )
    VoiceFactory(
        session=held,
        status="draft",
        speaker=None,
        speaker_kind="resident",
        city=CityFactory(country="BR"),
        attribution_consent=False,
    )

    counters = programme_counters(programme)

    assert counters.sessions_held == 1
    assert counters.voices_heard == 1
    assert counters.cities == 2  # Durban (listed speaker) and Lagos (published voice)
    assert counters.countries == 2
    assert counters.experts == 1
    assert counters.organisations == 2  # the partner and the listed speaker's organisation


def test_programme_counters_other_programme_not_counted():
    programme = ProgrammeFactory()
    VoiceFactory()
    assert programme_counters(programme).voices_heard == 0


def test_programme_current_prefers_latest_sessions():
    ListeningSessionFactory()
    assert programme_current() is not None
