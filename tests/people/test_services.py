import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from listening.people.models import Person
from listening.people.services import person_set_consent, person_upsert
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_person_upsert_creates_then_updates():
    person_upsert(slug="ada", name="Ada Example (sample)", kind="academic_expert")
    person = person_upsert(slug="ada", name="Dr Ada Example (sample)", kind="academic_expert")
    assert Person.objects.get().name == person.name == "Dr Ada Example (sample)"


def test_person_upsert_unknown_kind_names_the_field():
    with pytest.raises(ValidationError) as excinfo:
        person_upsert(slug="x", name="X", kind="astronaut")
    assert "kind" in excinfo.value.message_dict
    assert not Person.objects.exists()


def test_person_quoted_without_listed_is_refused():
    with pytest.raises(ValidationError, match="must also agree to be listed"):
        person_upsert(slug="x", name="X", kind="resident", consent_quoted=True)
    person = PersonFactory()
    person.consent_listed = False
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


def test_person_set_consent_withdrawing_listed_withdraws_quoted():
    person = person_set_consent(person=PersonFactory(), listed=False, quoted=True)
    person.refresh_from_db()
    assert (person.consent_listed, person.consent_quoted) == (False, False)
