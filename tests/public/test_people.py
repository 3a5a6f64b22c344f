import pytest

from listening.people.models import PersonKind
from listening.programmes.models import Role
from tests.factories import OrganisationFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_people_index_lists_only_people_who_consented(client):
    ParticipationFactory(person=PersonFactory(name="Listed Expert"))
    ParticipationFactory(
        person=PersonFactory(name="Hidden Expert", consent_listed=False, consent_quoted=False)
    )
    page = client.get("/people/").content.decode()
    assert "Listed Expert" in page
    assert "Hidden Expert" not in page


def test_people_index_filters_by_kind(client):
    ParticipationFactory(person=PersonFactory(name="The Mayor", kind=PersonKind.POLITICAL_LEADER))
    ParticipationFactory(person=PersonFactory(name="The Professor"))
    page = client.get("/people/?kind=political_leader").content.decode()
    assert "The Mayor" in page
    assert "The Professor" not in page


def test_organisation_index_lists_partners_and_filters_by_country(client):
    for name, country in [("French Partner", "FR"), ("Kenyan Partner", "KE")]:
        ParticipationFactory(
            person=None,
            organisation=OrganisationFactory(name=name, country=country),
            role=Role.PARTNER,
        )
    page = client.get("/organisations/?country=KE").content.decode()
    assert "Kenyan Partner" in page
    assert "French Partner" not in page
    page = client.get("/organisations/?region=europe").content.decode()
    assert "French Partner" in page
    assert "Kenyan Partner" not in page
