"""Stored open data stops being served the moment something in it stops being public.

The files of ``/open-data/`` are built in advance (``services.opendata_publish``); a page view
that finds them older than the data asks for a rebuild, which takes from seconds to a minute.
That delay is fine for a new voice, not for a withdrawal: a voice unpublished or edited, a
speaker's consent withdrawn, a statement rejected, a key message or commitment changed must
not stay downloadable until the rebuild. So every save or delete of a row that was public
(whichever way it is written: a service, the admin, a spreadsheet import) withdraws the
programme's current build — its ``current`` pointer is removed and a marker records when —
once the transaction commits, and asks for a rebuild at once. Until the rebuild is in place
the page says the files are being prepared. A build that started before a withdrawal is
not put in place (``opendata_publish`` compares with the marker) and is started again.

Bulk ``QuerySet.update()`` sends no model signal; the statement moderation, which uses one,
sends ``conversations.signals.statements_hidden`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from listening.conversations.models import Conversation, Statement, StatementStatus
from listening.conversations.signals import statements_hidden
from listening.people.models import Person
from listening.programmes.models import ListeningSession, Participation, Programme
from listening.synthesis.models import Commitment, KeyMessage, KeyMessageStatus
from listening.voices.models import Voice, VoiceStatus

WAS_PUBLIC = "_opendata_was_public"


def _public(instance: Model) -> bool:
    """Whether the stored open data may show this row (or name this person)."""
    if isinstance(instance, Voice):
        return instance.status == VoiceStatus.PUBLISHED
    if isinstance(instance, Person):
        return bool(instance.consent_listed or instance.consent_quoted)
    if isinstance(instance, Statement):
        return instance.status == StatementStatus.APPROVED
    if isinstance(instance, KeyMessage):
        return instance.status == KeyMessageStatus.PUBLISHED
    if isinstance(instance, Commitment):
        return bool(instance.is_published)
    return False


def _programmes(instance: Model) -> set[int]:
    if isinstance(instance, Voice):
        return set(
            ListeningSession.objects.filter(pk=instance.session_id).values_list(
                "programme_id", flat=True
            )
        )
    if isinstance(instance, Person):
        return set(
            Participation.objects.filter(person=instance).values_list(
                "session__programme_id", flat=True
            )
        ) | set(
            Voice.objects.filter(speaker=instance).values_list("session__programme_id", flat=True)
        )
    if isinstance(instance, Statement):
        return _statement_programmes([instance.pk], extra=[instance.conversation_id])
    if isinstance(instance, KeyMessage | Commitment):
        return {instance.programme_id}
    return set()


def _statement_programmes(ids: Iterable[int], extra: Iterable[int] = ()) -> set[int]:
    conversations = set(
        Statement.objects.filter(pk__in=list(ids)).values_list("conversation_id", flat=True)
    ) | set(extra)
    rows = Conversation.objects.filter(pk__in=conversations).values_list(
        "programme_id", "session__programme_id"
    )
    return {pk for row in rows for pk in row if pk is not None}


def _before_save(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if instance._state.adding or instance.pk is None:
        setattr(instance, WAS_PUBLIC, False)
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    was = old is not None and _public(old)
    setattr(instance, WAS_PUBLIC, was)
    if old is not None and was:
        # The programmes as they were: a voice moved to another session leaves the old one.
        setattr(instance, WAS_PUBLIC + "_in", _programmes(old))


def _after_save(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if getattr(instance, WAS_PUBLIC, False):
        withdraw(getattr(instance, WAS_PUBLIC + "_in", set()) | _programmes(instance))


def _before_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if _public(instance):
        setattr(instance, WAS_PUBLIC + "_in", _programmes(instance))


def _after_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    withdraw(getattr(instance, WAS_PUBLIC + "_in", set()))


def _statements_hidden(sender: Any, statement_ids: list[int], **kwargs: Any) -> None:
    withdraw(_statement_programmes(statement_ids))


def withdrawn_key(programme_id: int) -> str:
    return f"opendata:withdrawn:{programme_id}"


def withdraw(programme_ids: Iterable[int]) -> None:
    """Once the current transaction commits, stop serving these programmes' stored open data
    and ask for it to be built again."""
    ids = {pk for pk in programme_ids if pk is not None}
    if ids:
        transaction.on_commit(lambda: _withdraw_now(ids))


def _withdraw_now(ids: set[int]) -> None:
    from listening.dataio.services import opendata_schedule, opendata_withdraw

    for programme in Programme.objects.filter(pk__in=ids):
        # One rebuild for the many rows a spreadsheet import changes in one go: the key is
        # dropped when the rebuild starts (services.opendata_publish_logged).
        if opendata_withdraw(programme=programme) and cache.add(
            withdrawn_key(programme.pk), 1, timeout=600
        ):
            opendata_schedule(programme=programme, now=True)


WATCHED = (Voice, Person, Statement, KeyMessage, Commitment)


def connect() -> None:
    for model in WATCHED:
        uid = f"opendata-withdrawal-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid + "-pre-delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-post-delete")
    statements_hidden.connect(_statements_hidden, dispatch_uid="opendata-statements-hidden")
