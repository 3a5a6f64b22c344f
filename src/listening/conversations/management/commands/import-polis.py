"""``listening import-polis DIR --conversation SLUG [--closed]``: import a Polis export folder."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from listening.analysis import PolisExportError, read_polis_export
from listening.conversations import services
from listening.programmes.models import ListeningSession


class Command(BaseCommand):
    help = (
        "Import a Polis export folder (comments.csv, votes.csv and/or participants-votes.csv, "
        "summary.csv) into a new conversation. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="the Polis export folder")
        parser.add_argument("--conversation", required=True, help="slug of the new conversation")
        parser.add_argument("--topic", default="", help="question (default: the export's topic)")
        parser.add_argument(
            "--session", default="", help="slug of the listening session it belongs to"
        )
        parser.add_argument(
            "--closed", action="store_true", help="close it (default: open to new votes)"
        )
        parser.add_argument(
            "--no-map", action="store_true", help="do not compute the opinion map now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        session = None
        if options["session"]:
            session = ListeningSession.objects.filter(slug=options["session"]).first()
            if session is None:
                raise CommandError(
                    f"No listening session {options['session']!r}. Nothing was imported."
                )
        try:
            # strict: every file read and checked (comments.csv required, Polis ids in range,
            # no NUL, no file cut inside a quoted field) before anything is written.
            export = read_polis_export(options["dir"], strict=True)
        except PolisExportError as exc:
            raise CommandError(f"{exc} — nothing was imported.") from None
        # A progress bar on a terminal only; piped or logged output gets the final line alone.
        bar = tqdm(
            total=export.n_votes,
            unit=" votes",
            unit_scale=True,
            desc="Writing votes",
            file=sys.stderr,
            disable=not self.stdout.isatty(),
            leave=False,
        )

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        try:
            conversation = services.conversation_import_polis(
                export=export,
                slug=options["conversation"],
                closed=options["closed"],
                topic=options["topic"],
                session=session,
                progress=progress,
            )
        except services.ConversationError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from None
        finally:
            bar.close()
        self.stdout.write(
            f"Imported {conversation.slug!r}: {conversation.statements.count()} statements, "
            f"{conversation.participants.count()} participants, {conversation.votes.count()} "
            f"votes in {time.perf_counter() - started:.1f} s"
            + (" (closed)." if conversation.is_closed else ".")
        )
        if not options["no_map"]:
            snapshot = services.opinion_refresh(conversation_id=conversation.pk)
            if snapshot is None:
                self.stdout.write(
                    "No opinion map: no approved or pending statement has votes "
                    "(every voted statement is moderated out)."
                )
            elif len(snapshot.result.get("groups", {})) < 2:
                self.stdout.write(
                    "Opinion map: too few participants or votes to tell opinion groups apart "
                    f"yet ({snapshot.participant_count} participants, "
                    f"{snapshot.result.get('n_in_conversation', 0)} with enough votes to be "
                    f"grouped), computed in {snapshot.seconds:.1f} s."
                )
            else:
                self.stdout.write(
                    f"Opinion map: {len(snapshot.result.get('groups', {}))} groups, "
                    f"computed in {snapshot.seconds:.1f} s."
                )
