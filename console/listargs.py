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
from werkzeug.datastructures import ImmutableMultiDict

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


def readable_paging(args: ImmutableMultiDict) -> ImmutableMultiDict:
    """`args` with every `page_*` / `psize_*` value an integer within reach, unreadable ones dropped."""
    cleaned = []
    for key, value in args.items(multi=True):
        if key.startswith(("page_", "psize_")):
            number = int_arg(value)
            if number is None:
                continue
            value = str(clamp_page(number, PAGE_SIZE_MAX) if key.startswith("page_")
                        else min(max(number, 1), PAGE_SIZE_MAX))
        cleaned.append((key, value))
    return ImmutableMultiDict(cleaned)


class SafeListArgs:
    """Mixin for a FAB ModelView: page, page size, order and filters read without a 500."""

    def create_blueprint(self, appbuilder: Any, *args: Any, **kwargs: Any) -> Any:
        """FAB's blueprint, cleaning the paging arguments before FAB's own readers see them."""
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(self._clean_paging_args)
        return blueprint

    @staticmethod
    def _clean_paging_args() -> None:
        # FAB's show and edit (and the related lists on them, e.g. a role's users) read every
        # page_*/psize_* argument with a bare int(), whatever view it names.
        request.args = readable_paging(request.args)

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
