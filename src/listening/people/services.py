from __future__ import annotations

from typing import Any

from django.db import transaction

from listening.people.models import Organisation, Person


@transaction.atomic
def organisation_upsert(*, slug: str, **fields: Any) -> Organisation:
    """Create the organisation or update it in place, after full validation."""
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def person_upsert(*, slug: str, **fields: Any) -> Person:
    """Create the person or update them in place, after full validation."""
    person = Person.objects.filter(slug=slug).first() or Person(slug=slug)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_set_consent(*, person: Person, listed: bool, quoted: bool) -> Person:
    """Record consent; withdrawing 'listed' also withdraws 'quoted'."""
    person.consent_listed = listed
    person.consent_quoted = quoted and listed
    person.full_clean()
    person.save(update_fields=["consent_listed", "consent_quoted"])
    return person
