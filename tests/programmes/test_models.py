import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from listening.programmes.models import Participation, Role
from tests.factories import (
    ListeningSessionFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_session_ending_before_start_is_a_field_error():
    session = ListeningSessionFactory.build()
    session.ends_at = session.starts_at - dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean(exclude=["programme"])
    assert excinfo.value.message_dict["ends_at"] == ["A session must end after it starts."]


def test_session_ending_before_start_is_refused_by_database():
    session = ListeningSessionFactory()
    session.ends_at = session.starts_at
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_session_duplicate_slug_is_a_field_error():
    ListeningSessionFactory(slug="future-of-tourism")
    duplicate = ListeningSessionFactory.build(slug="future-of-tourism")
    duplicate.programme.save()
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_session_unknown_timezone_and_language_are_field_errors():
    session = ListeningSessionFactory.build(timezone="Mars/Olympus", languages=["en", "xx"])
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean(exclude=["programme"])
    assert "Mars/Olympus is not a time zone" in excinfo.value.message_dict["timezone"][0]
    assert "xx" in excinfo.value.message_dict["languages"][0]


def test_participation_is_unique_per_session_person_and_role():
    participation = ParticipationFactory(role=Role.SPEAKER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            session=participation.session, person=participation.person, role=Role.SPEAKER
        )
    Participation.objects.create(
        session=participation.session, person=participation.person, role=Role.MODERATOR
    )
    assert participation.session.participations.count() == 2


def test_participation_needs_person_or_organisation_not_both():
    session = ListeningSessionFactory()
    both = Participation(
        session=session, person=PersonFactory(), organisation=OrganisationFactory(), role="speaker"
    )
    with pytest.raises(ValidationError, match="either a person or an organisation"):
        both.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(session=session, role=Role.PARTNER)
