"""Remove the demo programme and what belongs only to it (`listening demo --remove`).

"Only to it" means: sample programmes (``is_sample``) with their themes, sessions, voices and
conversations; sample people and organisations that nothing outside the demo still refers to;
and cities that the demo data names and that nothing left refers to. Real rows an organiser
added next to the demo — a session in another programme, a person, a city in use — stay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from listening.conversations.models import Conversation
from listening.demo.loader import DATA_DIR, _read
from listening.people.models import Organisation, Person
from listening.places.models import City
from listening.programmes.models import ListeningSession, Participation, Programme
from listening.voices.models import Voice


@dataclass(frozen=True)
class RemovalReport:
    removed: Counter[str]

    def __str__(self) -> str:
        if not self.removed:
            return "No demo programme is loaded: nothing removed."
        parts = ", ".join(f"{count} {name}" for name, count in sorted(self.removed.items()))
        return f"Demo programme removed: {parts}."


def _demo_city_keys(data_dir: Path) -> set[tuple[str, str]]:
    """(name, country) of every city the demo files name."""
    keys = {(c["name"], c["country"]) for c in _read(data_dir, "cities.json")}
    for name in ("people.json", "voices.json"):
        keys |= {
            (e["city"]["name"], e["city"]["country"])
            for e in _read(data_dir, name)
            if e.get("city")
        }
    return keys


def _delete(rows: QuerySet[Any]) -> int:
    """Delete the rows (and what cascades from them); the number of rows of their own model."""
    _total, per_model = rows.delete()
    return per_model.get(rows.model._meta.label, 0)


@transaction.atomic
def demo_remove(*, data_dir: Path = DATA_DIR) -> RemovalReport:
    """Delete the sample programme(s) and what only they use; all or nothing."""
    removed: Counter[str] = Counter()
    programmes = Programme.objects.filter(is_sample=True)
    sessions = ListeningSession.objects.filter(programme__in=programmes)
    conversation_slugs = {_read(data_dir, "conversation.json")["slug"]}
    conversations = Conversation.objects.filter(
        Q(programme__in=programmes) | Q(session__in=sessions) | Q(slug__in=conversation_slugs)
    )
    removed["conversations"] = _delete(conversations)
    removed["voices"] = _delete(Voice.objects.filter(session__in=sessions))
    removed["listening sessions"] = sessions.count()
    removed["programmes"] = _delete(programmes)  # with themes, sessions, agendas, participations

    # Sample people and organisations still in use elsewhere (a real session or voice) stay.
    people = Person.objects.filter(is_sample=True).exclude(
        Q(participations__isnull=False) | Q(voices__isnull=False)
    )
    removed["people"] = _delete(people)
    in_use = Participation.objects.filter(organisation__isnull=False).values("organisation")
    organisations = (
        Organisation.objects.filter(is_sample=True)
        .exclude(pk__in=in_use)
        .exclude(members__isnull=False)
    )
    removed["organisations"] = _delete(organisations)

    keys = _demo_city_keys(data_dir)
    names = {name for name, _country in keys}
    cities = [
        city.pk
        for city in City.objects.filter(name__in=names)
        .filter(people__isnull=True, voices__isnull=True, sessions__isnull=True)
        .distinct()
        if (city.name, city.country) in keys
    ]
    removed["cities"] = _delete(City.objects.filter(pk__in=cities))
    return RemovalReport(+removed)
