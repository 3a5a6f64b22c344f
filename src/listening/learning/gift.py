"""Moodle's GIFT quiz format: parse to plain data and write back. Pure Python, no Django.

Follows Moodle's own reader (question/format/gift/format.php) and its documentation: line
comments (``//``), ``$CATEGORY:`` lines, ``::title::``, ``[html|moodle|plain|markdown]``
formats, the missing-word form (text after the answers), ``####`` general feedback, answer
weights ``%50%``, per-answer feedback ``#...``, numerical answers with a tolerance
(``#3:0.5``) or a range (``#1..5``), matching (``=a -> b``), true/false (``{T#wrong#right}``),
short answers, essays (``{}``) and descriptions (no answers), and the escapes
``\\~ \\= \\# \\{ \\} \\:`` and ``\\n``.

No maintained Python GIFT library covers this list (pygiftparser stops at the basic types and
is unmaintained), so the reader is written here and tested by a round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

GRADED_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
)
UNGRADED_TYPES = ("essay", "description")
FORMATS = ("moodle", "html", "plain", "markdown")

# Private-use characters stand for escaped specials while the text is split.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003",
            "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006"}  # fmt: skip
_UNESCAPE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{",
             "\ue005": "}", "\ue006": ":"}  # fmt: skip
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


class GiftError(ValueError):
    """A malformed GIFT file; ``line`` is where the faulty question starts (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class GiftAnswer:
    text: str
    fraction: float  # percent, -100..100
    feedback: str = ""


@dataclass
class GiftNumerical:
    fraction: float
    value: float | None = None
    tolerance: float = 0.0
    min: float | None = None
    max: float | None = None
    feedback: str = ""

    def as_dict(self) -> dict[str, Any]:
        bounds: dict[str, Any] = (
            {"min": self.min, "max": self.max}
            if self.value is None
            else {"value": self.value, "tolerance": self.tolerance}
        )
        return {**bounds, "fraction": self.fraction, "feedback": self.feedback}


@dataclass
class GiftQuestion:
    line: int
    type: str
    text: str
    title: str = ""
    format: str = "moodle"
    category: list[str] = field(default_factory=list)
    answers: list[GiftAnswer] = field(default_factory=list)
    numerical: list[GiftNumerical] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    general_feedback: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "title": self.title,
            "type": self.type,
            "text": self.text,
            "format": self.format,
            "category": list(self.category),
            "answers": [
                {"text": a.text, "fraction": a.fraction, "feedback": a.feedback}
                for a in self.answers
            ],
            "numerical": [n.as_dict() for n in self.numerical],
            "pairs": [[p, a] for p, a in self.pairs],
            "general_feedback": self.general_feedback,
        }


@dataclass
class GiftWarning:
    line: int
    message: str


@dataclass
class GiftDocument:
    questions: list[GiftQuestion]
    warnings: list[GiftWarning]

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": [q.as_dict() for q in self.questions],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
        }


def _protect(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    text = text.replace("\\n", "\n")
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, char)
    return text


def _clean(text: str) -> str:
    return _restore(text.strip())


def _blocks(source: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question or category, split on blank lines."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(source.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(raw)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _split_feedback(text: str) -> tuple[str, str]:
    head, sep, feedback = text.partition("#")
    return head, _clean(feedback) if sep else ""


def _weighted(text: str, default: float, line: int) -> tuple[float, str]:
    text = text.strip()
    match = _WEIGHT.match(text)
    if not match:
        return default, text
    weight = float(match.group(1))
    if not -100 <= weight <= 100:
        raise GiftError(line, f"the weight {weight:g}% is outside -100%..100%.")
    return weight, text[match.end() :]


def _answer_items(body: str) -> list[tuple[str, str]]:
    """Split an answer list into (marker, text) pairs, marker '=' or '~'."""
    items: list[tuple[str, str]] = []
    for match in re.finditer(r"([=~])([^=~]*)", body):
        items.append((match.group(1), match.group(2)))
    return items


def _number(text: str, line: int) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise GiftError(line, f"{_clean(text)!r} is not a number.") from None


def _numerical_item(text: str, fraction: float, line: int) -> GiftNumerical:
    text, feedback = _split_feedback(text)
    text = text.strip()
    if ".." in text:
        low, _, high = text.partition("..")
        low_value, high_value = _number(low, line), _number(high, line)
        if low_value > high_value:
            raise GiftError(line, f"the range {text} ends before it starts.")
        return GiftNumerical(fraction=fraction, min=low_value, max=high_value, feedback=feedback)
    value, _, tolerance = text.partition(":")
    return GiftNumerical(
        fraction=fraction,
        value=_number(value, line),
        tolerance=abs(_number(tolerance, line)) if tolerance.strip() else 0.0,
        feedback=feedback,
    )


def _parse_answers(question: GiftQuestion, body: str) -> None:
    line = question.line
    body, _, general = body.partition("####")
    question.general_feedback = _clean(general)
    stripped = body.strip()
    if not stripped:
        question.type = "essay"
        return
    if stripped.startswith("#"):
        question.type = "numerical"
        rest = stripped[1:].strip()
        if rest.startswith("="):
            for marker, text in _answer_items(rest):
                if marker != "=":
                    raise GiftError(line, "a numerical answer list takes only '=' answers.")
                fraction, text = _weighted(text, 100.0, line)
                question.numerical.append(_numerical_item(text, fraction, line))
        else:
            question.numerical.append(_numerical_item(rest, 100.0, line))
        return
    if "~" in stripped:
        items = _answer_items(stripped)
        if not items or stripped[0] not in "=~":
            raise GiftError(line, "every answer must start with '=' or '~'.")
        single = any(marker == "=" for marker, _ in items)
        question.type = "single_choice" if single else "multiple_choice"
        for marker, text in items:
            fraction, text = _weighted(text, 100.0 if marker == "=" else 0.0, line)
            text, feedback = _split_feedback(text)
            question.answers.append(GiftAnswer(_clean(text), fraction, feedback))
        if not single and sum(a.fraction for a in question.answers if a.fraction > 0) <= 0:
            raise GiftError(line, "no answer is right: give one '=' answer or positive weights.")
        return
    if "=" in stripped and "->" in stripped:
        question.type = "matching"
        for _marker, text in _answer_items(stripped):
            text, _feedback = _split_feedback(text)
            prompt, arrow, answer = text.partition("->")
            if not arrow:
                raise GiftError(line, f"the matching pair {_clean(text)!r} has no '->'.")
            question.pairs.append((_clean(prompt), _clean(answer)))
        if len(question.pairs) < 2:
            raise GiftError(line, "a matching question needs at least two pairs.")
        return
    head, *feedbacks = stripped.split("#")
    if head.strip().upper() in ("T", "TRUE", "F", "FALSE"):
        question.type = "true_false"
        truth = head.strip().upper().startswith("T")
        wrong = _clean(feedbacks[0]) if feedbacks else ""
        right = _clean(feedbacks[1]) if len(feedbacks) > 1 else ""
        question.answers = [
            GiftAnswer("True", 100.0 if truth else 0.0, right if truth else wrong),
            GiftAnswer("False", 0.0 if truth else 100.0, wrong if truth else right),
        ]
        return
    if stripped[0] != "=":
        raise GiftError(line, "a short answer must start with '='.")
    question.type = "short_answer"
    for _marker, text in _answer_items(stripped):
        fraction, text = _weighted(text, 100.0, line)
        text, feedback = _split_feedback(text)
        question.answers.append(GiftAnswer(_clean(text), fraction, feedback))


def _parse_question(line: int, raw: str, category: list[str]) -> GiftQuestion:
    text = _protect(raw).strip()
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise GiftError(line, "the title is not closed with '::'.")
        title, text = _clean(text[2:end]), text[end + 2 :].strip()
    text_format = "moodle"
    match = re.match(r"^\[(\w+)\]", text)
    if match:
        if match.group(1).lower() not in FORMATS:
            raise GiftError(line, f"unknown text format [{match.group(1)}].")
        text_format, text = match.group(1).lower(), text[match.end() :].strip()
    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            raise GiftError(line, "a '}' without its '{' (escape it as \\}).")
        return GiftQuestion(
            line=line, type="description", text=_clean(text), title=title,
            format=text_format, category=list(category),
        )  # fmt: skip
    closing = text.find("}", opening)
    if closing < 0:
        raise GiftError(line, "the answers are not closed with '}'.")
    if "{" in text[opening + 1 : closing] or "{" in text[closing:] or "}" in text[closing + 1 :]:
        raise GiftError(line, "a question has one answer list in braces (escape others as \\{).")
    before, body, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    question_text = f"{before.strip()} _____ {after.strip()}" if after.strip() else before.strip()
    question = GiftQuestion(
        line=line, type="", text=_clean(question_text), title=title,
        format=text_format, category=list(category),
    )  # fmt: skip
    _parse_answers(question, body)
    return question


def parse(source: str) -> GiftDocument:
    """Parse a GIFT document; raise GiftError naming the line of the first faulty question."""
    questions: list[GiftQuestion] = []
    warnings: list[GiftWarning] = []
    category: list[str] = []
    for line, raw in _blocks(source.lstrip("\ufeff")):
        stripped = raw.strip()
        if stripped.startswith("$CATEGORY:"):
            path = stripped[len("$CATEGORY:") :].strip()
            category = [part for part in path.split("/") if part and part != "$course$"]
            continue
        question = _parse_question(line, raw, category)
        if question.type in UNGRADED_TYPES:
            warnings.append(
                GiftWarning(
                    line, f"{question.type} question skipped: the platform does not grade it."
                )
            )
        questions.append(question)
    return GiftDocument(questions, warnings)


# -- writing -------------------------------------------------------------------------------


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _weight(fraction: float, default: float) -> str:
    return "" if fraction == default else f"%{fraction:g}%"


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _answers(question: GiftQuestion) -> str:
    kind = question.type
    if kind == "true_false":
        right = next(a for a in question.answers if a.fraction > 0)
        wrong = next(a for a in question.answers if a is not right)
        truth = "TRUE" if right.text == "True" else "FALSE"
        feedback = f"#{escape(wrong.feedback)}#{escape(right.feedback)}"
        return truth + (feedback if wrong.feedback or right.feedback else "")
    if kind in ("single_choice", "multiple_choice", "short_answer"):
        parts = []
        for answer in question.answers:
            if kind == "single_choice" and answer.fraction == 100:
                marker, weight = "=", ""
            elif kind == "short_answer":
                marker, weight = "=", _weight(answer.fraction, 100.0)
            else:
                marker, weight = "~", _weight(answer.fraction, 0.0)
            parts.append(f"{marker}{weight}{escape(answer.text)}{_feedback(answer.feedback)}")
        return "\n\t" + "\n\t".join(parts) + "\n"
    if kind == "numerical":
        parts = []
        for item in question.numerical:
            bounds = (
                f"{item.min:g}..{item.max:g}"
                if item.value is None
                else f"{item.value:g}:{item.tolerance:g}"
            )
            parts.append(f"={_weight(item.fraction, 100.0)}{bounds}{_feedback(item.feedback)}")
        return "#\n\t" + "\n\t".join(parts) + "\n"
    if kind == "matching":
        pairs = [f"={escape(p)} -> {escape(a)}" for p, a in question.pairs]
        return "\n\t" + "\n\t".join(pairs) + "\n"
    return ""


def write(questions: list[GiftQuestion]) -> str:
    """GIFT text for these questions, with a $CATEGORY line wherever the category changes."""
    out: list[str] = []
    category: list[str] = []
    for question in questions:
        if question.category != category:
            category = list(question.category)
            out.append(f"$CATEGORY: $course$/{'/'.join(category)}\n")
        head = f"::{escape(question.title)}::" if question.title else ""
        head += f"[{question.format}]" if question.format != "moodle" else ""
        text = escape(question.text)
        if question.type == "description":
            out.append(f"{head}{text}\n")
            continue
        general = f"####{escape(question.general_feedback)}" if question.general_feedback else ""
        out.append(f"{head}{text} {{{_answers(question)}{general}}}\n")
    return "\n".join(out)
