import json
from pathlib import Path

import pytest

from listening.learning import gift

DATA = Path(__file__).parent / "data"


@pytest.fixture
def document():
    return gift.parse((DATA / "every-feature.gift").read_text(encoding="utf-8"))


def by_title(document, title):
    return next(q for q in document.questions if q.title == title)


def test_parse_reads_every_question_with_its_type(document):
    types = [q.type for q in document.questions]
    assert types == [
        "single_choice", "multiple_choice", "true_false", "true_false", "short_answer",
        "numerical", "numerical", "numerical", "matching", "single_choice", "single_choice",
        "essay", "description",
    ]  # fmt: skip


def test_parse_keeps_titles_formats_weights_and_feedback(document):
    question = by_title(document, "Who owns public space")
    assert question.format == "markdown"
    assert question.text == "Public space **belongs** to"
    assert question.general_feedback == "Public space is a commons."
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("everyone", 100.0, "Yes: it is a commons."),
        ("the city council", 0.0, "It manages it, it does not own it."),
        ("private owners", -50.0, "No."),
    ]
    assert question.category == ["Cities are Listening", "Public space"]


def test_parse_true_false_puts_wrong_then_right_feedback_on_the_right_answers(document):
    question = by_title(document, "Daejeon")
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("True", 100.0, "Right."),
        ("False", 0.0, "It was Daejeon."),
    ]
    false_question = by_title(document, "Durban")
    assert [a.fraction for a in false_question.answers] == [0.0, 100.0]


def test_parse_numerical_tolerances_and_ranges(document):
    year = by_title(document, "Summit year")
    assert [n.as_dict() for n in year.numerical] == [
        {"value": 2022.0, "tolerance": 0.0, "fraction": 100.0, "feedback": "Exactly."},
        {"value": 2022.0, "tolerance": 1.0, "fraction": 50.0, "feedback": "Close."},
    ]
    assert by_title(document, "Range").numerical[0].as_dict() == {
        "min": 2020.0, "max": 2030.0, "fraction": 100.0, "feedback": "",
    }  # fmt: skip
    assert by_title(document, "Tolerance").numerical[0].tolerance == 0.005
    assert year.category == ["Cities are Listening", "Numbers"]


def test_parse_matching_pairs(document):
    question = by_title(document, "Matching")
    assert question.format == "html"
    assert question.pairs == [
        ("Durban", "Town Hall"), ("Daejeon", "World Summit"), ("Rome", "Pact"),
    ]  # fmt: skip


def test_parse_missing_word_puts_a_blank_in_the_text(document):
    question = next(q for q in document.questions if q.text.startswith("Grant"))
    assert question.text == "Grant is _____ in Grant's tomb."
    assert [a.fraction for a in question.answers] == [0.0, 100.0, 0.0]


def test_parse_unescapes_special_characters(document):
    question = by_title(document, "Escapes")
    assert question.text == "What do {braces}, ~tildes, = equals, # hashes and : colons do?"
    assert question.answers[0].text == "They must be escaped: always"
    assert question.answers[0].feedback == "Yes\\, with a \\ backslash."


def test_parse_warns_about_ungraded_types_naming_their_line(document):
    lines = (DATA / "every-feature.gift").read_text().splitlines()
    essay_line = next(i for i, line in enumerate(lines, 1) if line.startswith("::Essay::"))
    assert [(w.line, w.message.split()[0]) for w in document.warnings] == [
        (essay_line, "essay"),
        (essay_line + 2, "description"),
    ]


def test_json_shape_matches_the_documented_one(document):
    data = json.loads(json.dumps(document.as_dict()))
    assert set(data) == {"questions", "warnings"}
    first = data["questions"][0]
    assert {"line", "title", "type", "text", "category", "answers", "numerical", "pairs",
            "general_feedback"} <= set(first)  # fmt: skip
    assert first["answers"][0] == {
        "text": "everyone",
        "fraction": 100.0,
        "feedback": "Yes: it is a commons.",
    }


def test_write_then_parse_gives_the_same_questions(document):
    again = gift.parse(gift.write(document.questions))
    strip = [{**q.as_dict(), "line": 0} for q in document.questions]
    assert [{**q.as_dict(), "line": 0} for q in again.questions] == strip


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("::ok::Fine {=a ~b}\n\n::broken::Unclosed {=a ~b\n", 3, "not closed"),
        ("Q1 {=a ~b}\n\n\n::t::Two {=a} lists {=b}\n", 4, "one answer list"),
        ("Q {~%150%a ~b}\n", 1, "outside -100%..100%"),
        ("Q {#abc}\n", 1, "not a number"),
        ("Q {#5..1}\n", 1, "ends before it starts"),
        ("Q {=a -> b}\n", 1, "at least two pairs"),
        ("Q {~a ~b}\n", 1, "no answer is right"),
        ("::title without end Q {=a}\n", 1, "not closed with '::'"),
        ("[wiki]Q {=a}\n", 1, "unknown text format"),
    ],
)
def test_parse_malformed_file_names_the_line(source, line, message):
    with pytest.raises(gift.GiftError) as error:
        gift.parse(source)
    assert error.value.line == line
    assert message in str(error.value)
    assert str(error.value).startswith(f"line {line}:")
