"""``listening export-polis SLUG DIR``: write a conversation as a Polis export folder."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.analysis import write_polis_export
from listening.conversations import selectors
from listening.conversations.models import Conversation


class Command(BaseCommand):
    help = (
        "Write comments.csv, votes.csv, participants-votes.csv (with group-id from the latest "
        "opinion map) and summary.csv in Polis's format."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the conversation")
        parser.add_argument("dir", help="the folder to write (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            conversation = selectors.conversation_get(options["slug"])
        except Conversation.DoesNotExist:
            raise CommandError(f"There is no conversation {options['slug']!r}.") from None
        data = selectors.polis_export_data(conversation)
        try:
            write_polis_export(options["dir"], **data)
        except OSError as exc:
            raise CommandError(f"Cannot write {options['dir']}: {exc.strerror}.") from None
        self.stdout.write(
            f"Wrote {len(data['comments'])} comments and {len(data['votes'])} votes of "
            f"{conversation.slug!r} to {options['dir']}."
        )
