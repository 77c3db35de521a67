"""Computing 量化评价 for a period: idempotent, keeping leaders' manual adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app

from evaluation.figures import FIGURES, counts
from evaluation.periods import Period, parse_period
from extensions import db
from models import Department, Evaluation
from models.enums import Grade, SatisfactionLevel
from workdays import clock

TWO = Decimal("0.01")
COUNTED = ["assigned_count", "signed_on_time", "finished_on_time", "overdue_count", "reopened_count",
           "supervised_count"]
VERDICTS = [level.value for level in SatisfactionLevel]


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO, ROUND_HALF_UP)


def score_of(figures: dict[str, int]) -> Decimal:
    """Base 100 with the configured deductions and bonuses (EVALUATION_SCORING)."""
    rules = current_app.config["EVALUATION_SCORING"]
    unsatisfied = figures["unsatisfied"] + figures["very_unsatisfied"]
    bonus = min(figures["very_satisfied"] * rules["per_very_satisfied"], rules["bonus_cap"])
    score = (rules["base"] + figures["overdue_count"] * rules["per_overdue"]
             + unsatisfied * rules["per_unsatisfied"] + figures["supervised_count"] * rules["per_supervision"]
             + figures["criticism_count"] * rules["per_criticism"] + bonus)
    return Decimal(score).quantize(TWO)


def grade_of(score: Decimal) -> Grade:
    """The grade whose threshold the score reaches (EVALUATION_GRADES), else 不合格."""
    for threshold, code in current_app.config["EVALUATION_GRADES"]:
        if score >= threshold:
            return Grade(code)
    return Grade.FAIL


def apply_figures(evaluation: Evaluation, figures: dict[str, int]) -> None:
    """Write counts, rates, score and grade; the manual adjustment stays as it was."""
    for name in COUNTED + VERDICTS:
        setattr(evaluation, name, figures[name])
    verdicts = sum(figures[v] for v in VERDICTS)
    satisfied = sum(figures[level.value] for level in SatisfactionLevel if level.is_satisfied)
    responded = figures["signed_on_time"]
    evaluation.response_rate = _rate(responded, figures["assigned_count"])
    evaluation.on_time_rate = _rate(figures["finished_on_time"], figures["assigned_count"])
    evaluation.satisfaction_rate = _rate(satisfied, verdicts)
    evaluation.reopen_rate = _rate(figures["reopened_count"], verdicts)
    evaluation.computed_score = score_of(figures)
    rescore(evaluation)


def rescore(evaluation: Evaluation) -> None:
    """Score = computed score + adjustment, and its grade."""
    evaluation.score = (Decimal(evaluation.computed_score) + Decimal(evaluation.adjustment or 0)).quantize(TWO)
    evaluation.grade = grade_of(evaluation.score)


def evaluate(period_text: str, today: dt.date | None = None) -> list[Evaluation]:
    """Compute (or recompute) every department's evaluation for a period; return them."""
    period: Period = parse_period(period_text)
    today = today or clock.today()
    per_figure = {name: counts(figure, period, today) for name, figure in FIGURES.items()}
    departments = set().union(*[set(c) for c in per_figure.values()])
    existing = {e.department_id: e for e in db.session.execute(
        sa.select(Evaluation).where(Evaluation.period == period.name)).scalars()}
    departments |= set(existing)
    results = []
    for department_id in sorted(departments):
        evaluation = existing.get(department_id) or Evaluation(
            period=period.name, period_kind=period.kind, period_start=period.start, period_end=period.end,
            department_id=department_id, adjustment=Decimal("0"))
        evaluation.department_kind = db.session.get(Department, department_id).kind
        figures = {name: per_figure[name].get(department_id, 0) for name in FIGURES}
        apply_figures(evaluation, figures)
        evaluation.computed_at = clock.now()
        db.session.add(evaluation)
        results.append(evaluation)
    db.session.commit()
    return results
