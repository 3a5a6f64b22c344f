"""Grading quiz answers and drawing an attempt's questions. Pure Python: no Django, no database.

A question is described by a ``QuestionKey`` (what the author set: the options with their
fraction of the marks, numerical ranges, matching pairs); a learner's response is plain JSON
(an option id, a list of ids, a string, or a {prompt id: answer text} mapping). ``grade``
returns the fraction of the question's marks earned, between 0 and 1, and the feedback to
show after submission.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERICAL = "numerical"
MATCHING = "matching"


@dataclass(frozen=True)
class Option:
    """A choice, a short-answer pattern, a numerical range or a matching pair."""

    id: int
    text: str = ""
    fraction: float = 0.0  # percent of the marks, -100..100
    feedback: str = ""
    match: str = ""  # matching: the answer paired with ``text``
    value: float | None = None  # numerical: value ± tolerance ...
    tolerance: float = 0.0
    low: float | None = None  # ... or a range low..high
    high: float | None = None
    # The same pattern or matching answer in other languages, all accepted.
    text_variants: tuple[str, ...] = ()
    match_variants: tuple[str, ...] = ()

    def patterns(self) -> tuple[str, ...]:
        return (self.text, *self.text_variants)

    def matches(self) -> tuple[str, ...]:
        return (self.match, *self.match_variants)


@dataclass(frozen=True)
class QuestionKey:
    type: str
    options: Sequence[Option]


@dataclass
class Grade:
    score: float  # 0..1
    feedback: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.score >= 0.999


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def _pattern(text: str) -> re.Pattern[str]:
    # Moodle's short answers take * as "any characters".
    parts = [re.escape(part) for part in normalise_text(text).split("*")]
    return re.compile("^" + ".*".join(parts) + "$")


def parse_number(text: str) -> float | None:
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma (French, Spanish)
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _numerical_match(option: Option, number: float) -> bool:
    if option.value is not None:
        return abs(number - option.value) <= option.tolerance + 1e-9
    if option.low is not None and option.high is not None:
        return option.low - 1e-9 <= number <= option.high + 1e-9
    return False


def grade(key: QuestionKey, response: Any) -> Grade:
    """The fraction of the marks this response earns, with the feedback it triggers."""
    by_id = {option.id: option for option in key.options}
    if key.type in (SINGLE_CHOICE, TRUE_FALSE):
        chosen = by_id.get(response) if isinstance(response, int) else None
        if chosen is None:
            return Grade(0.0)
        return Grade(_clamp(chosen.fraction / 100), [chosen.feedback] if chosen.feedback else [])
    if key.type == MULTIPLE_CHOICE:
        ids = response if isinstance(response, list) else []
        picked = [by_id[i] for i in dict.fromkeys(ids) if isinstance(i, int) and i in by_id]
        return Grade(
            _clamp(sum(option.fraction for option in picked) / 100),
            [option.feedback for option in picked if option.feedback],
        )
    if key.type == SHORT_ANSWER:
        text = normalise_text(response) if isinstance(response, str) else ""
        matches = [
            o for o in key.options if text and any(_pattern(p).match(text) for p in o.patterns())
        ]
        best = max(matches, key=lambda o: o.fraction, default=None)
        if best is None:
            return Grade(0.0)
        return Grade(_clamp(best.fraction / 100), [best.feedback] if best.feedback else [])
    if key.type == NUMERICAL:
        number = parse_number(response) if isinstance(response, str) else None
        if isinstance(response, int | float) and not isinstance(response, bool):
            number = float(response)
        if number is None:
            return Grade(0.0)
        hits = [o for o in key.options if _numerical_match(o, number)]
        best = max(hits, key=lambda o: o.fraction, default=None)
        if best is None:
            return Grade(0.0)
        return Grade(_clamp(best.fraction / 100), [best.feedback] if best.feedback else [])
    if key.type == MATCHING:
        given = response if isinstance(response, dict) else {}
        if not key.options:
            return Grade(0.0)
        right = sum(
            1
            for option in key.options
            if normalise_text(str(given.get(str(option.id), "")))
            in {normalise_text(match) for match in option.matches() if match}
        )
        return Grade(right / len(key.options))
    raise ValueError(f"unknown question type {key.type!r}")


# -- drawing an attempt ------------------------------------------------------------------


def draw_questions(question_ids: Sequence[int], *, seed: int, pool_size: int) -> list[int]:
    """The questions of one attempt: a seeded sample (all when pool_size is 0) in a seeded
    order. The same seed always gives the same list."""
    rng = random.Random(seed)
    ids = sorted(question_ids)
    if 0 < pool_size < len(ids):
        ids = rng.sample(ids, pool_size)
    else:
        rng.shuffle(ids)
    return ids


def shuffled(items: Sequence[Any], *, seed: int, salt: int) -> list[Any]:
    """Items in an order fixed by the attempt's seed and a per-question salt."""
    result = list(items)
    random.Random(seed * 1_000_003 + salt).shuffle(result)
    return result


def percent(scores: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if not total:
        return 0.0
    return round(100 * sum(s * w for s, w in zip(scores, weights, strict=True)) / total, 2)
