import pytest

from listening.people.models import OrganisationKind, PersonKind
from listening.people.selectors import (
    organisations_countries,
    organisations_involved,
    people_countries,
    people_listed,
)
from listening.places.regions import WorldRegion
from listening.programmes.models import Role
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_people_listed_excludes_people_without_consent():
    listed = ParticipationFactory().person
    ParticipationFactory(person=PersonFactory(consent_listed=False, consent_quoted=False))
    assert list(people_listed()) == [listed]


def test_people_listed_excludes_people_who_took_part_in_nothing():
    PersonFactory()
    assert list(people_listed()) == []


def test_people_listed_filters_by_kind_region_and_country():
    lyon = CityFactory(country="FR", region=WorldRegion.EUROPE)
    expert = ParticipationFactory(person=PersonFactory(city=lyon)).person
    leader = ParticipationFactory(person=PersonFactory(kind=PersonKind.POLITICAL_LEADER)).person
    assert list(people_listed(kind=PersonKind.POLITICAL_LEADER)) == [leader]
    assert list(people_listed(region=WorldRegion.EUROPE)) == [expert]
    assert list(people_listed(country="FR")) == [expert]
    assert people_countries() == {"FR", "ZA"}


def test_organisations_involved_through_partnership_or_listed_member():
    partner = OrganisationFactory(name="A partner")
    ParticipationFactory(person=None, organisation=partner, role=Role.PARTNER)
    through_member = ParticipationFactory().person.organisation
    hidden = OrganisationFactory(name="Hidden")
    ParticipationFactory(
        person=PersonFactory(organisation=hidden, consent_listed=False, consent_quoted=False)
    )
    OrganisationFactory(name="Idle")
    assert set(organisations_involved()) == {partner, through_member}


def test_organisations_involved_filters_by_kind_region_and_country():
    french = OrganisationFactory(country="FR", kind=OrganisationKind.ACADEMIA)
    kenyan = OrganisationFactory(country="KE")
    for organisation in (french, kenyan):
        ParticipationFactory(person=None, organisation=organisation, role=Role.PARTNER)
    assert list(organisations_involved(kind=OrganisationKind.ACADEMIA)) == [french]
    assert list(organisations_involved(region=WorldRegion.AFRICA)) == [kenyan]
    assert list(organisations_involved(country="FR")) == [french]
    assert organisations_countries() == {"FR", "KE"}
