"""What the cases can be broken down by in a chart: status, 反映类型, 处办机制, 处置方式, 响应层级,
反映渠道 and lead department. Each dimension turns a value's code into the SQL condition the
drill-down uses, so a bar and the list it opens count the same cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from models import Case
from models.base import LabeledEnum
from models.enums import CaseStatus, Channel, Disposition, Level, ProblemType, Track

NONE = "none"
"""The code of a missing value (a case never assessed has no 反映类型)."""


@dataclass(frozen=True)
class Dimension:
    """A column of Case the charts group by."""

    name: str
    label: Any
    column: Callable[[], Any]
    enum: type[LabeledEnum] | None = None
    """The value list; None: the column holds department ids."""
    none_label: Any = None
    chart: str = "pie"

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
            if member is None or member == CaseStatus.VOIDED:
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

    def ordered(self, values: list[Any]) -> list[Any]:
        """Values in the declared order (missing last), departments as given."""
        if self.enum is None:
            return values
        order = list(self.enum)
        return sorted(values, key=lambda v: len(order) if v is None else order.index(v))

    def label_of(self, value: Any) -> Any:
        """What a person reads for a value."""
        if value is None:
            return self.none_label
        return value.label if isinstance(value, LabeledEnum) else value


DIMENSIONS: dict[str, Dimension] = {d.name: d for d in [
    Dimension("status", _l("Status"), lambda: Case.status, CaseStatus, chart="bar"),
    Dimension("problem_type", _l("Problem type"), lambda: Case.problem_type, ProblemType, _l("Not classified"),
              chart="bar"),
    Dimension("track", _l("Handling mechanism"), lambda: Case.track, Track, _l("Not classified")),
    Dimension("disposition", _l("Disposition"), lambda: Case.disposition, Disposition, _l("Not classified")),
    Dimension("level", _l("Response level"), lambda: Case.level, Level, _l("Not classified")),
    Dimension("channel", _l("Channel"), lambda: Case.channel, Channel, _l("Not classified")),
    Dimension("lead_department", _l("Lead department"), lambda: Case.lead_department_id,
              none_label=_l("Not assigned"), chart="hbar"),
]}
"""Dimension name → declaration; the names are the `by` of a drill-down URL."""
