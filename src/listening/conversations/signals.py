"""Signals the conversations app sends where Django's model signals cannot: a bulk
``QuerySet.update()`` sends none."""

from django.dispatch import Signal

# Sent after statements stopped being approved by a bulk moderation, with
# ``statement_ids`` (a list of ids), inside the transaction that changed them.
statements_hidden = Signal()
