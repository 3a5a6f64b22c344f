"""Load the demo programme "Cities are Listening" from the JSON files in demo/data/.

Everything goes through the services, in one transaction: a bad file rolls everything back,
and loading twice changes nothing (rows are matched by slug; voices by session and text).
"""

from __future__ import annotations

import json
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from listening.analysis import Comment, PolisExport
from listening.analysis import Vote as PolisVote
from listening.conversations.models import Conversation
from listening.conversations.services import (
    conversation_import_polis,
    opinion_refresh,
    participant_set_constituency,
)
from listening.learning.demo import load_course
from listening.live.demo import load_live_rooms
from listening.people.models import Organisation, Person
from listening.people.services import organisation_upsert, person_upsert
from listening.places.gazetteer import GazetteerError
from listening.places.models import City
from listening.places.services import city_add
from listening.programmes.models import ListeningSession, Programme, Role, Theme
from listening.programmes.services import (
    participation_add,
    programme_upsert,
    session_upsert,
    theme_upsert,
    translations_set,
)
from listening.synthesis.demo import load_synthesis_demo
from listening.voices.models import Voice
from listening.voices.services import parse_offset, voice_create

DATA_DIR = Path(__file__).resolve().parent / "data"


class DemoDataError(Exception):
    """A demo file that cannot be loaded; the message names the file and the entry."""


@dataclass(frozen=True)
class DemoReport:
    created: Counter[str]

    def __str__(self) -> str:
        if not self.created:
            return "Demo programme already loaded: nothing changed."
        parts = ", ".join(f"{count} {name}" for name, count in sorted(self.created.items()))
        return f"Demo programme loaded: {parts}."


def _read(data_dir: Path, name: str) -> Any:
    path = data_dir / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(f"{path}: missing.") from None
    except json.JSONDecodeError as exc:
        raise DemoDataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None


class _Loader:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.created: Counter[str] = Counter()
        self.cities: dict[tuple[str, str], City] = {}

    def _count(self, model: type[Any], before: int, name: str) -> None:
        self.created[name] += model.objects.count() - before

    def city(self, where: dict[str, str], context: str) -> City:
        key = (where["name"], where["country"])
        if key not in self.cities:
            try:
                self.cities[key] = city_add(name=where["name"], country=where["country"])
            except GazetteerError as exc:
                raise DemoDataError(f"{context}: {exc}") from None
        return self.cities[key]

    def run(self) -> DemoReport:
        before = {
            model: model.objects.count()
            for model in (
                Programme,
                Theme,
                City,
                Organisation,
                Person,
                ListeningSession,
                Voice,
                Conversation,
            )
        }
        programme, themes = self.programme(_read(self.data_dir, "programme.json"))
        for index, entry in enumerate(_read(self.data_dir, "cities.json")):
            self.city(entry, f"cities.json, entry {index + 1}")
        organisations = self.organisations(_read(self.data_dir, "organisations.json"))
        people = self.people(_read(self.data_dir, "people.json"), organisations)
        sessions = self.sessions(
            _read(self.data_dir, "sessions.json"), programme, themes, people, organisations
        )
        self.voices(_read(self.data_dir, "voices.json"), sessions, themes, people)
        self.conversation(_read(self.data_dir, "conversation.json"), sessions)
        load_synthesis_demo(_read(self.data_dir, "synthesis.json"), programme)  # sample data
        self.created.update(
            load_course(_read(self.data_dir, "course.json"), programme, themes, sessions)
        )
        load_live_rooms(_read(self.data_dir, "live.json"), sessions)
        for model, count in before.items():
            self._count(model, count, str(model._meta.verbose_name_plural))
        return DemoReport(+self.created)

    def programme(self, data: dict[str, Any]) -> tuple[Programme, dict[str, Theme]]:
        programme = programme_upsert(
            slug=data["slug"],
            name=data["name"],
            description=data["description"],
            axis_people=data["axes"]["people"],
            axis_planet=data["axes"]["planet"],
            axis_government=data["axes"]["government"],
            is_sample=True,
        )
        translations_set(obj=programme, translations=_programme_translations(data))
        themes = {
            entry["slug"]: theme_upsert(
                programme=programme,
                slug=entry["slug"],
                name=entry["name"],
                description=entry.get("description", ""),
                axis=entry["axis"],
                position=position,
            )
            for position, entry in enumerate(data["themes"])
        }
        for entry in data["themes"]:
            translations_set(obj=themes[entry["slug"]], translations=entry.get("translations", {}))
        return programme, themes

    def organisations(self, data: list[dict[str, Any]]) -> dict[str, Organisation]:
        return {
            entry["slug"]: organisation_upsert(
                slug=entry["slug"],
                name=entry["name"],
                kind=entry["kind"],
                country=entry.get("country", ""),
                website=entry.get("website", ""),
                is_sample=entry.get("sample", True),
            )
            for entry in data
        }

    def people(
        self, data: list[dict[str, Any]], organisations: dict[str, Organisation]
    ) -> dict[str, Person]:
        people = {}
        for index, entry in enumerate(data):
            context = f"people.json, entry {index + 1} ({entry.get('slug')})"
            listed = bool(entry.get("listed", False))
            people[entry["slug"]] = person_upsert(
                slug=entry["slug"],
                name=entry["name"],
                title=entry.get("title", ""),
                organisation=organisations.get(entry["organisation"] or ""),
                city=self.city(entry["city"], context) if entry.get("city") else None,
                kind=entry["kind"],
                consent_listed=listed,
                consent_quoted=listed and bool(entry.get("quoted", False)),
                is_sample=True,
            )
        return people

    def sessions(
        self,
        data: list[dict[str, Any]],
        programme: Programme,
        themes: dict[str, Theme],
        people: dict[str, Person],
        organisations: dict[str, Organisation],
    ) -> dict[str, ListeningSession]:
        sessions = {}
        for entry in data:
            zone = zoneinfo.ZoneInfo(entry["timezone"])
            session = session_upsert(
                programme=programme,
                slug=entry["slug"],
                title=entry["title"],
                themes=[themes[slug] for slug in entry["themes"]],
                axis=entry["axis"],
                starts_at=datetime.fromisoformat(entry["starts_at"]).replace(tzinfo=zone),
                ends_at=datetime.fromisoformat(entry["ends_at"]).replace(tzinfo=zone),
                timezone=entry["timezone"],
                format=entry["format"],
                languages=entry["languages"],
                status=entry["status"],
                summary=entry.get("summary", ""),
                recording_url=entry.get("recording_url", ""),
                agenda=[
                    {
                        "starts_at": time.fromisoformat(item["time"]) if item.get("time") else None,
                        "title": item["title"],
                        "description": item.get("description", ""),
                    }
                    for item in entry.get("agenda", [])
                ],
                outcome_documents=entry.get("outcome_documents", []),
            )
            translations_set(obj=session, translations=entry.get("translations", {}))
            for position, item in enumerate(entry.get("participants", [])):
                participation_add(
                    session=session,
                    person=people[item["person"]],
                    role=item["role"],
                    position=position,
                )
            for position, slug in enumerate(entry.get("partners", [])):
                participation_add(
                    session=session,
                    organisation=organisations[slug],
                    role=Role.PARTNER,
                    position=position,
                )
            sessions[entry["slug"]] = session
        return sessions

    def voices(
        self,
        data: list[dict[str, Any]],
        sessions: dict[str, ListeningSession],
        themes: dict[str, Theme],
        people: dict[str, Person],
    ) -> None:
        existing = set(Voice.objects.values_list("session__slug", "text"))
        for index, entry in enumerate(data):
            if (entry["session"], entry["text"]) in existing:
                continue
            context = f"voices.json, entry {index + 1}"
            speaker = people[entry["speaker"]] if entry.get("speaker") else None
            try:
                voice_create(
                    session=sessions[entry["session"]],
                    text=entry["text"],
                    language=entry["language"],
                    kind=entry.get("kind", "quote"),
                    speaker=speaker,
                    speaker_kind=entry.get("speaker_kind") or (speaker.kind if speaker else ""),
                    city=self.city(entry["city"], context) if entry.get("city") else None,
                    themes=[themes[slug] for slug in entry.get("themes", [])],
                    axis=entry.get("axis", ""),
                    recording_offset=parse_offset(entry.get("offset")),
                    status=entry["status"],
                    attribution_consent=bool(
                        entry.get("attribution") and speaker and speaker.consent_quoted
                    ),
                )
            except (ValidationError, ValueError) as exc:
                raise DemoDataError(f"{context}: {exc}") from None

    def conversation(self, data: dict[str, Any], sessions: dict[str, ListeningSession]) -> None:
        """A sample conversation whose votes come from simulated participants in a few
        leanings (a fixed seed, so every load gives the same map), imported like a Polis
        export and given its opinion map at once."""
        existing = Conversation.objects.filter(slug=data["slug"]).first()
        if existing is not None:
            self.conversation_translations(existing, data)  # top up an older load
            return
        rng = random.Random(2026)
        statements = data["statements"]
        votes, constituencies = [], {}
        for pid in range(data["participants"]):
            camp = pid % len(data["camps"])
            weights = data["constituencies"][camp]
            constituencies[pid] = rng.choices(list(weights), weights=list(weights.values()))[0]
            for sid, statement in enumerate(statements):
                if rng.random() < 0.15:
                    continue  # not every participant sees every statement
                agree, draw = statement["agree"][camp], rng.random()
                value = 1 if draw < agree * 0.92 else 0 if draw < agree * 0.92 + 0.08 else -1
                votes.append(PolisVote(pid, sid, value, None))
        export = PolisExport(
            path=self.data_dir / "conversation.json",
            comments=[
                Comment(id=sid, author=None, text=s["text"], moderated=1, created=None)
                for sid, s in enumerate(statements)
            ],
            votes=votes,
            groups={},
            summary={"topic": data["topic"], "conversation-description": data["description"]},
            vote_source="simulated",
            participants=list(range(data["participants"])),
        )
        conversation = conversation_import_polis(
            export=export, slug=data["slug"], session=sessions[data["session"]]
        )
        self.conversation_translations(conversation, data)
        if embed := data.get("embed"):
            # Embeddable from the demo's own addresses: the admin shows the tag to paste.
            conversation.embed_allowed = True
            conversation.embed_origins = "\n".join(embed["origins"])
            conversation.embed_show_results = bool(embed.get("show_results"))
            try:
                conversation.full_clean()
            except ValidationError as exc:
                raise DemoDataError(f"conversation.json, embed: {exc}") from None
            conversation.save(
                update_fields=["embed_allowed", "embed_origins", "embed_show_results"]
            )
        for participant in conversation.participants.all():
            pid = int(participant.xid.rsplit("-", 1)[1])
            participant_set_constituency(participant=participant, constituency=constituencies[pid])
        opinion_refresh(conversation_id=conversation.pk)

    def conversation_translations(self, conversation: Conversation, data: dict[str, Any]) -> None:
        translations_set(obj=conversation, translations=data.get("translations", {}))
        for sid, entry in enumerate(data["statements"]):
            statement = conversation.statements.filter(external_id=sid).first()
            if statement is None:
                continue
            translations_set(
                obj=statement,
                translations={
                    language: {"translation": text}
                    for language, text in entry.get("translations", {}).items()
                },
            )


def _programme_translations(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """programme.json's {"fr": {"description": ..., "axes": {"people": ...}}} as columns."""
    translations: dict[str, dict[str, str]] = {}
    for language, fields in data.get("translations", {}).items():
        flat = {name: value for name, value in fields.items() if name != "axes"}
        for axis, text in fields.get("axes", {}).items():
            flat[f"axis_{axis}"] = text
        translations[language] = flat
    return translations


def load_demo(data_dir: Path = DATA_DIR) -> DemoReport:
    """Load (or top up) the demo programme; all or nothing."""
    with transaction.atomic():
        try:
            return _Loader(data_dir).run()
        except KeyError as exc:
            raise DemoDataError(f"{data_dir}: a demo entry refers to unknown {exc}.") from None
        except ValidationError as exc:
            raise DemoDataError(f"{data_dir}: {exc}") from None
