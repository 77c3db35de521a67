"""What the cases can be broken down by in a chart: status, 反映类型, 处办机制, 处置方式, 响应层级,
反映渠道, lead department, and the 溯源分析 (root cause, the department it was forwarded to, the
政务服务事项 concerned). Each dimension turns a value's code into the SQL condition the drill-down
uses, so a bar and the list it opens count the same cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from extensions import db
from models import Case, Department, DictionaryEntry, ServiceItem
from models.base import LabeledEnum
from models.enums import UNCOUNTED_STATUSES, CaseStatus, Channel, Disposition, Level, ProblemType, Track

NONE = "none"
"""The code of a missing value (a case never assessed has no 反映类型)."""


@dataclass(frozen=True)
class Dimension:
    """A column of Case the charts group by."""

    name: str
    label: Any
    column: Callable[[], Any]
    enum: type[LabeledEnum] | None = None
    """The value list of an enum column."""
    none_label: Any = None
    chart: str = "pie"
    title: Any = None
    """The chart's title; the label when not given."""
    related: type | None = None
    """For a column holding ids: the model they name (its `name` is the label)."""

    def code(self, value: Any) -> str:
        """The URL code of a value as the database returns it."""
        if value is None:
            return NONE
        return value.value if isinstance(value, LabeledEnum) else str(value)

    def parse(self, code: str | None) -> Any:
        """The column value of a URL code; raise ValueError when there is none such."""
        if code == NONE:
            return None
        if self.enum is not None:
            member = self.enum.parse(code or "")
            if member is None or member in UNCOUNTED_STATUSES:
                raise ValueError(code)
            return member
        number = int(code or "")
        if not 0 < number < 2**31:
            raise ValueError(code)
        return number

    def condition(self, code: str | None) -> Any:
        """The cases whose column has the value coded `code`."""
        value = self.parse(code)
        return self.column().is_(None) if value is None else self.column() == value

    def ordered(self, counts: dict[Any, int]) -> list[Any]:
        """An enum's values in their declared order, related records by count (then name); missing last."""
        if self.enum is not None:
            order = list(self.enum)
            return sorted(counts, key=lambda v: len(order) if v is None else order.index(v))
        return sorted(counts, key=lambda v: (v is None, -counts[v], v or 0))

    def labels(self, values: list[Any]) -> list[Any]:
        """What a person reads for each value (a related record's name)."""
        names: dict[Any, Any] = {}
        if self.related is not None:
            ids = [v for v in values if v is not None]
            names = dict(db.session.execute(sa.select(self.related.id, self.related.name)
                                            .where(self.related.id.in_(ids))).all()) if ids else {}
        return [self.none_label if v is None else (v.label if isinstance(v, LabeledEnum) else names.get(v, v))
                for v in values]


DIMENSIONS: dict[str, Dimension] = {d.name: d for d in [
    Dimension("status", _l("Status"), lambda: Case.status, CaseStatus, chart="bar"),
    Dimension("problem_type", _l("Problem type"), lambda: Case.problem_type, ProblemType, _l("Not classified"),
              chart="bar"),
    Dimension("track", _l("Handling mechanism"), lambda: Case.track, Track, _l("Not classified")),
    Dimension("disposition", _l("Disposition"), lambda: Case.disposition, Disposition, _l("Not classified")),
    Dimension("level", _l("Response level"), lambda: Case.level, Level, _l("Not classified")),
    Dimension("channel", _l("Channel"), lambda: Case.channel, Channel, _l("Not classified")),
    Dimension("lead_department", _l("Lead department"), lambda: Case.lead_department_id, related=Department,
              none_label=_l("Not assigned"), chart="hbar"),
    Dimension("root_cause", _l("Root cause"), lambda: Case.root_cause_id, related=DictionaryEntry,
              none_label=_l("Not yet analysed"), chart="hbar", title=_l("Root-cause analysis: causes")),
    Dimension("forwarded_department", _l("Forwarded for improvement to"), lambda: Case.forwarded_department_id,
              related=Department, none_label=_l("Not forwarded"), chart="hbar",
              title=_l("Root-cause analysis: forwarded for improvement to")),
    Dimension("service_item", _l("Service item"), lambda: Case.service_item_id, related=ServiceItem,
              none_label=_l("No service item"), chart="hbar", title=_l("Cases per service item")),
    Dimension("stuck_department", _l("Where it got stuck"), lambda: Case.stuck_department_id, related=Department,
              none_label=_l("Not recorded"), chart="hbar"),
]}
"""Dimension name → declaration; the names are the `by` of a drill-down URL."""
