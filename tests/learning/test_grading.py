import pytest

from listening.learning import grading
from listening.learning.grading import Option, QuestionKey, draw_questions, grade, shuffled


def key(kind, *options):
    return QuestionKey(type=kind, options=list(options))


CHOICES = key(
    "single_choice",
    Option(1, "Public space", 100, "Yes: everyone's."),
    Option(2, "Parking", 0, "No."),
    Option(3, "Plazas", 50, "Partly."),
)


def test_single_choice_right_answer_scores_full_marks_with_its_feedback():
    result = grade(CHOICES, 1)
    assert result.score == 1.0
    assert result.correct
    assert result.feedback == ["Yes: everyone's."]


def test_single_choice_partial_answer_scores_its_fraction():
    assert grade(CHOICES, 3).score == 0.5


@pytest.mark.parametrize("response", [2, None, "1", 99, [1]])
def test_single_choice_wrong_or_malformed_response_scores_nothing(response):
    assert grade(CHOICES, response).score == 0.0


def test_true_false_grades_like_a_choice():
    tf = key("true_false", Option(1, "True", 100, "right"), Option(2, "False", 0, "wrong"))
    assert grade(tf, 1).score == 1.0
    assert grade(tf, 2).score == 0.0
    assert grade(tf, 2).feedback == ["wrong"]


MULTI = key(
    "multiple_choice",
    Option(1, "Water", 50),
    Option(2, "Food", 50),
    Option(3, "Cars", -100, "Cars are not a food system."),
)


def test_multiple_choice_all_right_options_score_full_marks():
    assert grade(MULTI, [1, 2]).score == 1.0


def test_multiple_choice_half_right_scores_half():
    assert grade(MULTI, [2]).score == 0.5


def test_multiple_choice_negative_option_cannot_go_below_zero():
    result = grade(MULTI, [1, 3])
    assert result.score == 0.0
    assert "Cars are not a food system." in result.feedback


def test_multiple_choice_repeated_option_counts_once():
    assert grade(MULTI, [1, 1]).score == 0.5


SHORT = key(
    "short_answer",
    Option(1, "Daejeon", 100, "Yes."),
    Option(2, "Dae*", 50, "Close."),
)


@pytest.mark.parametrize("response", ["Daejeon", "  daejeon ", "DAEJEON"])
def test_short_answer_matches_ignoring_case_and_spaces(response):
    assert grade(SHORT, response).score == 1.0


def test_short_answer_wildcard_gives_partial_credit():
    result = grade(SHORT, "Daegu")
    assert result.score == 0.5
    assert result.feedback == ["Close."]


def test_short_answer_unmatched_scores_nothing():
    assert grade(SHORT, "Durban").score == 0.0
    assert grade(SHORT, "").score == 0.0


NUMERIC = key(
    "numerical",
    Option(1, fraction=100, value=2022, tolerance=0, feedback="Exactly."),
    Option(2, fraction=50, value=2022, tolerance=1),
    Option(3, fraction=25, low=2000, high=2030),
)


def test_numerical_exact_value_scores_full_marks():
    assert grade(NUMERIC, "2022").score == 1.0


def test_numerical_within_tolerance_scores_its_fraction():
    assert grade(NUMERIC, "2021").score == 0.5
    assert grade(NUMERIC, 2023).score == 0.5


def test_numerical_in_range_scores_the_range_fraction():
    assert grade(NUMERIC, "2005").score == 0.25


def test_numerical_accepts_a_decimal_comma():
    decimal = key("numerical", Option(1, fraction=100, value=3.5, tolerance=0.05))
    assert grade(decimal, "3,5").score == 1.0


@pytest.mark.parametrize("response", ["1990", "soon", "", "nan", True])
def test_numerical_outside_every_answer_or_not_a_number_scores_nothing(response):
    assert grade(NUMERIC, response).score == 0.0


MATCHING = key(
    "matching",
    Option(1, "Durban", match="Town Hall"),
    Option(2, "Daejeon", match="World Summit"),
    Option(3, "Rome", match="Pact"),
    Option(4, "Bogotá", match="Pact"),
)


def test_matching_all_pairs_right_scores_full_marks():
    response = {"1": "Town Hall", "2": "World Summit", "3": "Pact", "4": "Pact"}
    assert grade(MATCHING, response).score == 1.0


def test_matching_scores_the_share_of_right_pairs():
    assert grade(MATCHING, {"1": "Town Hall", "2": "Pact"}).score == 0.25


def test_unknown_type_is_refused():
    with pytest.raises(ValueError, match="unknown question type"):
        grade(key("essay"), "text")


def test_draw_questions_same_seed_same_questions_in_same_order():
    ids = list(range(1, 21))
    first = draw_questions(ids, seed=42, pool_size=5)
    assert first == draw_questions(ids, seed=42, pool_size=5)
    assert len(first) == 5
    assert set(first) <= set(ids)


def test_draw_questions_different_seeds_draw_differently():
    ids = list(range(1, 21))
    draws = {tuple(draw_questions(ids, seed=seed, pool_size=5)) for seed in range(10)}
    assert len(draws) > 1


def test_draw_questions_without_pool_keeps_every_question():
    assert sorted(draw_questions([3, 1, 2], seed=7, pool_size=0)) == [1, 2, 3]


def test_shuffled_is_stable_for_a_seed_and_salt():
    items = list("abcdefgh")
    assert shuffled(items, seed=1, salt=9) == shuffled(items, seed=1, salt=9)
    assert sorted(shuffled(items, seed=1, salt=9)) == items


def test_percent_weights_questions_by_points():
    assert grading.percent([1.0, 0.0], [3.0, 1.0]) == 75.0
