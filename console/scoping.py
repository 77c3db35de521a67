"""One place that puts the data scope into every FAB read path.

FAB reads rows through `self._base_filters` in list, show, edit, delete and
in every REST endpoint. Making that attribute a property that always appends
the current user's scope covers all of them at once; the two paths FAB reads
without it (`action`, `action_post`) are overridden in ConsoleModelView.
"""

from __future__ import annotations

from typing import Any

from access.scope import scope_condition
from console.filters import ConditionFilter


class DataScopeMixin:
    """Mix into a FAB ModelView or ModelRestApi whose datamodel is department-bound."""

    datamodel: Any
    _declared_base_filters: Any = None

    @property
    def _base_filters(self) -> Any:
        if self._declared_base_filters is None:  # FAB inspects attributes before initialising them
            return None
        filters = self._declared_base_filters.copy()
        model = self.datamodel.obj
        filters.add_filter(self.datamodel.get_pk_name(), ConditionFilter, lambda: scope_condition(model))
        return filters

    @_base_filters.setter
    def _base_filters(self, value: Any) -> None:
        self._declared_base_filters = value
