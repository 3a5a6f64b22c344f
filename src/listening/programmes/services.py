from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from listening.people.models import Organisation, Person
from listening.programmes.content_languages import language_name, translated_fields
from listening.programmes.models import (
    AgendaItem,
    ListeningSession,
    OutcomeDocument,
    Participation,
    Programme,
    Theme,
)


@transaction.atomic
def programme_upsert(*, slug: str, **fields: Any) -> Programme:
    programme = Programme.objects.filter(slug=slug).first() or Programme(slug=slug)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def theme_upsert(*, programme: Programme, slug: str, **fields: Any) -> Theme:
    theme = Theme.objects.filter(programme=programme, slug=slug).first() or Theme(
        programme=programme, slug=slug
    )
    for name, value in fields.items():
        setattr(theme, name, value)
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def session_upsert(
    *,
    programme: Programme,
    slug: str,
    themes: Iterable[Theme] = (),
    agenda: Sequence[dict[str, Any]] = (),
    outcome_documents: Sequence[dict[str, Any]] = (),
    **fields: Any,
) -> ListeningSession:
    """Create or update a session with its themes, agenda and outcome documents, all or nothing.

    The agenda and the outcome documents given replace the ones stored.
    """
    session = ListeningSession.objects.filter(slug=slug).first() or ListeningSession(
        programme=programme, slug=slug
    )
    session.programme = programme
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    session.themes.set(list(themes))
    session.agenda_items.all().delete()
    for position, item in enumerate(agenda):
        agenda_item = AgendaItem(session=session, position=position, **item)
        agenda_item.full_clean()
        agenda_item.save()
    session.outcome_documents.all().delete()
    for document in outcome_documents:
        outcome = OutcomeDocument(session=session, **document)
        outcome.full_clean()
        outcome.save()
    return session


@transaction.atomic
def participation_add(
    *,
    session: ListeningSession,
    role: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    position: int = 0,
) -> Participation:
    """Add a person or an organisation to a session in a role (once; again returns the same)."""
    existing = Participation.objects.filter(
        session=session, person=person, organisation=organisation, role=role
    ).first()
    if existing is not None:
        return existing
    participation = Participation(
        session=session, person=person, organisation=organisation, role=role, position=position
    )
    participation.full_clean()
    participation.save()
    return participation


@transaction.atomic
def translations_set(
    *, obj: models.Model, translations: Mapping[str, Mapping[str, str]]
) -> models.Model:
    """Store a row's text in other languages: {"fr": {"title": "..."}, "es": {...}}.

    Any translated model (programme, theme, session, agenda item, organisation, conversation,
    statement, voice). The row is validated as a whole, so a language its programme does not
    use is refused with the field's message, and nothing is saved.
    """
    columns = translated_fields(type(obj))
    for language, fields in translations.items():
        for field, value in fields.items():
            by_language = {code: column for column, code in columns.get(field, [])}
            if language not in by_language:
                raise ValidationError(
                    {
                        field: _("%(field)s cannot be given in %(language)s.")
                        % {"field": field, "language": language_name(language)}
                    }
                )
            setattr(obj, by_language[language], value)
    obj.full_clean()
    obj.save()
    return obj
