"""`listening live-open <session-slug> [--premoderate]`: open a live room and print its code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.live import services
from listening.programmes.models import ListeningSession


class Command(BaseCommand):
    help = "Open a live room for a listening session and print its code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session", help="the listening session's slug")
        parser.add_argument(
            "--premoderate",
            action="store_true",
            help="show questions only after a moderator approves them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["session"]
        session = ListeningSession.objects.filter(slug=slug).first()
        if session is None:
            raise CommandError(f"There is no listening session with the slug {slug!r}.")
        room = services.room_open(session=session, premoderate=options["premoderate"])
        self.stdout.write(room.code)
        self.stderr.write(
            f"Live room for {session.title!r}: audience /live/{room.code}/, projector "
            f"/live/{room.code}/screen/, moderators /live/{room.code}/moderate/"
        )
