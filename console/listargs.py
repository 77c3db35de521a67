"""The query arguments of a list screen, read so that no value can break the query.

FAB reads `page_<View>` and `psize_<View>` with a bare `int()` (a 500 on `abc`), passes a
negative page or size on to OFFSET/LIMIT (PostgreSQL refuses them), a page of 2**70 on to the
driver (an overflow on both databases), and an unknown `_oc_<View>` column on to ORDER BY. Every
list screen, FAB's own security screens included, reads its arguments here instead.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_appbuilder.urltools import get_order_args

from console.filters import INT_MAX

PAGE_SIZE_MAX = 100
"""The largest page a list screen shows (and the API's max_page_size)."""
PAGE_MAX = INT_MAX // PAGE_SIZE_MAX
"""The last page number any list can have: its OFFSET still fits a 32-bit integer."""
FILTER_ARG = re.compile(r"_flt_(\d{1,2})_(\w+)")


def int_arg(raw: str | None) -> int | None:
    """A query argument as an int; absent, empty or unreadable (`abc`, `1e309`) reads as None."""
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


def clamp_page(page: int | None, page_size: int | None) -> int | None:
    """`page` moved into 0 … the last page an OFFSET of `page_size` rows can reach."""
    if page is None:
        return None
    limit = INT_MAX // max(page_size or PAGE_SIZE_MAX, 1)
    return min(max(page, 0), limit)


class SafeListArgs:
    """Mixin for a FAB ModelView: page, page size, order and filters read without a 500."""

    def _int_arg(self, prefix: str) -> int | None:
        return int_arg(request.args.get(f"{prefix}_{self.__class__.__name__}"))

    def list_paging(self) -> tuple[int, int]:
        """(page, page size) of this request: the size within 1 … 100, the page within reach."""
        page_size = min(max(self._int_arg("psize") or self.page_size, 1), PAGE_SIZE_MAX)
        return clamp_page(self._int_arg("page") or 0, page_size), page_size

    def list_order(self) -> tuple[str, str]:
        """(column, direction) asked for, if the screen may sort by that column; else the default order."""
        column, direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if column and column in self.order_columns:
            return column, direction
        return tuple(self.base_order) if self.base_order else ("", "")

    def read_filter_args(self) -> None:
        """FAB's `_flt_<n>_<column>` arguments, ignoring unknown columns and out-of-range
        operators (FAB's own reader raises IndexError on `_flt_9_title`)."""
        filters = self._filters
        filters.clear_filters()
        available = filters.get_search_filters()
        for arg in request.args:
            match = FILTER_ARG.fullmatch(arg)
            if not match:
                continue
            index, column = int(match.group(1)), match.group(2)
            if column in available and index < len(available[column]):
                filters.add_filter_index(column, index, request.args.getlist(arg))

    def _list(self, **kwargs: Any) -> dict:
        """FAB's list with the arguments above (ConsoleModelView has its own)."""
        order_column, order_direction = self.list_order()
        page, page_size = self.list_paging()
        self.read_filter_args()
        widgets = self._get_list_widget(filters=self._filters, order_column=order_column,
                                        order_direction=order_direction, page=page, page_size=page_size,
                                        **kwargs)
        form = self.search_form.refresh()
        self.update_redirect()
        return self._get_search_widget(form=form, widgets=widgets)
