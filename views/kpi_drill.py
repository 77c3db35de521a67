"""The case list as the drill-down of a figure: `/cases/list/?kpi=…&part=…&from=…&to=…`.

The list adds the KPI's own condition (kpi.drill) to whatever else is searched, and says above
the rows which figure they are, for which period, with the published definition.
"""

from __future__ import annotations

from typing import Any

from flask import request

from console.filters import ConditionFilter
from kpi.definitions import KPIS
from kpi.drill import Drill
from kpi.periods import span_between
from workdays import clock


class KpiDrillMixin:
    """Mixed into the generated CaseView."""

    datamodel: Any

    def active_drill(self) -> Drill | None:
        """The drill named in the request's arguments, if any."""
        return Drill.from_params(request.args)

    def list_filters(self) -> Any:
        """The list's filters and, when drilling, the figure's condition judged today."""
        joined = super().list_filters()  # type: ignore[misc]
        drill = self.active_drill()
        if drill is not None:
            joined.add_filter(self.datamodel.get_pk_name(), ConditionFilter, drill.condition(clock.today()))
        return joined

    def list_caption(self) -> dict | None:
        """What the list is the drill-down of: the figure, the part, the period and the definition."""
        drill = self.active_drill()
        if drill is None:
            return None
        kpi = KPIS[drill.kpi]
        return {"kpi": kpi.label, "part": kpi.part_label(drill.part),
                "period": span_between(drill.start, drill.end).label, "definition": kpi.definition}
