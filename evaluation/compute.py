"""Computing 量化评价 for a period: idempotent, keeping leaders' manual adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from console.errors import ConsoleError
from evaluation.figures import FIGURES, counts_by_department
from evaluation.periods import Period, parse_period
from extensions import db
from models import Department, Evaluation
from models.enums import Grade, SatisfactionLevel
from workdays import clock

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
COUNTED = ["assigned_count", "signed_count", "signed_on_time", "finished_on_time", "overdue_count",
           "reopened_count", "supervised_count"]
VERDICTS = [level.value for level in SatisfactionLevel]


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO, ROUND_HALF_UP)


def _within_0_100(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), HUNDRED).quantize(TWO, ROUND_HALF_UP)


def rates_of(figures: dict[str, int]) -> dict[str, Decimal | None]:
    """The rates in percent (2 decimals), None where the denominator is 0 (see EVALUATION_SCORING)."""
    verdicts = sum(figures[v] for v in VERDICTS)
    satisfied = sum(figures[level.value] for level in SatisfactionLevel if level.is_satisfied)
    return {
        "response_rate": _rate(figures["signed_count"], figures["assigned_count"]),
        "signed_on_time_rate": _rate(figures["signed_on_time"], figures["assigned_count"]),
        "on_time_rate": _rate(figures["finished_on_time"], figures["finished_on_time"] + figures["overdue_count"]),
        "satisfaction_rate": _rate(satisfied, verdicts),
        "reopen_rate": _rate(figures["reopened_count"], verdicts),
    }


def score_of(figures: dict[str, int], rates: dict[str, Decimal | None]) -> Decimal | None:
    """The published formula of EVALUATION_SCORING; None (不参评) without assignments in the period."""
    if not figures["assigned_count"]:
        return None
    rules = current_app.config["EVALUATION_SCORING"]
    weights = {name: Decimal(str(weight)) for name, weight in rules["weights"].items() if rates[name] is not None}
    total = sum(weights.values(), Decimal(0))
    weighted = sum((w * rates[name] for name, w in weights.items()), Decimal(0)) / total if total else HUNDRED
    deducted = sum((Decimal(str(points)) * figures[name] for name, points in rules["deductions"].items()),
                   Decimal(0))
    return _within_0_100(weighted - deducted)


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
    rates = rates_of(figures)
    for name, value in rates.items():
        setattr(evaluation, name, value)
    evaluation.computed_score = score_of(figures, rates)
    rescore(evaluation)


def rescore(evaluation: Evaluation) -> None:
    """Score = computed score + the leaders' adjustment, kept within 0–100, and its grade; none when 不参评."""
    if evaluation.computed_score is None:
        evaluation.score, evaluation.grade = None, None
        return
    evaluation.score = _within_0_100(Decimal(evaluation.computed_score) + Decimal(evaluation.adjustment or 0))
    evaluation.grade = grade_of(evaluation.score)


def adjust(evaluation: Evaluation) -> None:
    """Check a leader's manual adjustment (pages and API alike) and rescore; ConsoleError when refused."""
    if Decimal(evaluation.adjustment or 0) == 0:
        evaluation.adjustment = Decimal(0)
    elif evaluation.computed_score is None:
        raise ConsoleError(gettext("The department is not rated for this period (no assignments); "
                                   "its score cannot be adjusted."),
                           fields={"adjustment": gettext("Not rated: leave it at 0.")})
    elif not (evaluation.adjustment_reason or "").strip():
        raise ConsoleError(gettext("An adjustment needs a reason."),
                           fields={"adjustment_reason": gettext("This field is required.")})
    rescore(evaluation)


def evaluate(period_text: str, today: dt.date | None = None) -> list[Evaluation]:
    """Compute (or recompute) every department's evaluation for a period; return them."""
    period: Period = parse_period(period_text)
    today = today or clock.today()
    per_figure = counts_by_department(period, today)
    departments = set().union(*[set(c) for c in per_figure.values()])
    existing = {e.department_id: e for e in db.session.execute(
        sa.select(Evaluation).where(Evaluation.period == period.name)).scalars()}
    departments |= set(existing)
    kinds = {department_id: kind for department_id, kind in db.session.execute(
        sa.select(Department.id, Department.kind).where(Department.id.in_(departments)))}
    results = []
    for department_id in sorted(departments):
        evaluation = existing.get(department_id) or Evaluation(
            period=period.name, period_kind=period.kind, period_start=period.start, period_end=period.end,
            department_id=department_id, adjustment=Decimal("0"))
        evaluation.department_kind = kinds[department_id]
        figures = {name: per_figure[name].get(department_id, 0) for name in FIGURES}
        apply_figures(evaluation, figures)
        evaluation.computed_at = clock.now()
        db.session.add(evaluation)
        results.append(evaluation)
    db.session.commit()
    return results
