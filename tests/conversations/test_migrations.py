import hashlib
import importlib

import pytest
from django.apps import apps

from listening.conversations.models import Statement, statement_key
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

text_rules = importlib.import_module("listening.conversations.migrations.0004_statement_text_rules")


def test_migration_cleans_texts_and_recomputes_text_keys():
    """Rows written before: a bidi override in the text, keys of the old normalisation."""
    reversed_text = StatementFactory(text="placeholder one")
    fullwidth = StatementFactory(conversation=reversed_text.conversation, text="placeholder two")
    Statement.objects.filter(pk=reversed_text.pk).update(
        text="\u202eSnoitces lla ni sesub eerF", text_key="old"
    )
    old_key = hashlib.sha256("ｂａｎ cars".encode()).hexdigest()
    Statement.objects.filter(pk=fullwidth.pk).update(text="Ｂａｎ cars", text_key=old_key)

    text_rules.clean_texts_and_keys(apps, None)

    reversed_text.refresh_from_db()
    fullwidth.refresh_from_db()
    assert reversed_text.text == "Snoitces lla ni sesub eerF"
    assert reversed_text.text_key == statement_key("Snoitces lla ni sesub eerF")
    assert fullwidth.text_key == statement_key("Ban cars")
