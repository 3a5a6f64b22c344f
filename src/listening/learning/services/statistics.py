"""The per-question summary behind the authors' statistics page: running sums over first
submitted attempts (as Moodle's quiz statistics count by default), added to when an attempt
is submitted, so that the page reads one row per question instead of every answer.

``question_summaries_rebuild`` recomputes them from the answers (after learners were deleted
or merged, or for data loaded in bulk): ``listening course-statistics SLUG --rebuild``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, transaction
from django.db.models import F

from listening.learning.models import Attempt, Question, QuestionSummary, Response

# Per question: n, Σx, then over the responses with a rest of the attempt: n, Σx, Σy, Σx², Σy²,
# Σxy. Integer literals, not 0.0: PostgreSQL would compute in slow NUMERIC instead of floats.
SUMS_SQL = """
SELECT question_id, COUNT(*), SUM(x),
       SUM(has_rest), SUM(has_rest * x), SUM(has_rest * y),
       SUM(has_rest * x * x), SUM(has_rest * y * y), SUM(has_rest * x * y)
FROM (
    SELECT r.question_id AS question_id,
           COALESCE(r.score, 0) AS x,
           CASE WHEN COUNT(*) OVER w > 1 THEN 1 ELSE 0 END AS has_rest,
           CASE WHEN COUNT(*) OVER w > 1
                THEN (SUM(COALESCE(r.score, 0)) OVER w - COALESCE(r.score, 0))
                     / (COUNT(*) OVER w - 1)
                ELSE 0 END AS y
    FROM {response} r JOIN {attempt} a ON a.id = r.attempt_id
    WHERE a.quiz_id IN ({quizzes}) AND a.number = 1 AND a.submitted_at IS NOT NULL
    WINDOW w AS (PARTITION BY r.attempt_id)
) per_response
GROUP BY question_id
"""


def question_summaries_add(*, attempt: Attempt, scores: Mapping[int, float]) -> None:
    """Add a just-submitted attempt's scores (question id → 0..1) to the summaries, if it is
    the learner's first attempt. Call in the submitting transaction."""
    if attempt.number != 1 or not scores:
        return
    QuestionSummary.objects.bulk_create(
        [QuestionSummary(question_id=question_id) for question_id in sorted(scores)],
        ignore_conflicts=True,
    )
    total, count = sum(scores.values()), len(scores)
    for question_id in sorted(scores):  # one order everywhere: no deadlock between submits
        x = scores[question_id]
        changes = {"responses": F("responses") + 1, "score_sum": F("score_sum") + x}
        if count > 1:
            y = (total - x) / (count - 1)
            changes.update(
                paired=F("paired") + 1,
                paired_score_sum=F("paired_score_sum") + x,
                rest_sum=F("rest_sum") + y,
                score_squares=F("score_squares") + x * x,
                rest_squares=F("rest_squares") + y * y,
                products=F("products") + x * y,
            )
        QuestionSummary.objects.filter(question_id=question_id).update(**changes)


def question_summaries_rebuild(*, quiz_ids: Iterable[int]) -> int:
    """Recompute the summaries of these quizzes' questions from the stored answers; returns
    how many questions have answers."""
    quiz_ids = sorted(set(quiz_ids))
    if not quiz_ids:
        return 0
    sql = SUMS_SQL.format(
        response=connection.ops.quote_name(Response._meta.db_table),
        attempt=connection.ops.quote_name(Attempt._meta.db_table),
        quizzes=", ".join(["%s"] * len(quiz_ids)),
    )
    with transaction.atomic():
        QuestionSummary.objects.filter(question__quiz_id__in=quiz_ids).delete()
        with connection.cursor() as cursor:
            cursor.execute(sql, quiz_ids)
            rows = cursor.fetchall()
        known = set(Question.objects.filter(quiz_id__in=quiz_ids).values_list("pk", flat=True))
        QuestionSummary.objects.bulk_create(
            [
                QuestionSummary(
                    question_id=question_id,
                    responses=int(n),
                    score_sum=float(sx),
                    paired=int(paired),
                    paired_score_sum=float(psx),
                    rest_sum=float(sy),
                    score_squares=float(sxx),
                    rest_squares=float(syy),
                    products=float(sxy),
                )
                for question_id, n, sx, paired, psx, sy, sxx, syy, sxy in rows
                if question_id in known
            ]
        )
    return len(rows)
