"""List and search widgets of the console.

The search panel shows one plain control per searchable field (a range for
dates and numbers) instead of FAB's add-a-filter-then-pick-an-operator dance;
it posts FAB's own `_flt_<n>_<column>` arguments, so FAB's filter machinery,
bookmarks and the export all read the same URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Form

from console.filters import AtLeast, AtMost


@dataclass
class SearchControl:
    """One control of the search panel: a label and one or two rendered inputs."""

    column: str
    label: Any
    inputs: list[tuple[Any, Any]]
    """(caption, rendered field) pairs; caption is None for a single input."""
    active: bool


def _bound(unbound: Any, column: str, index: int) -> Any:
    """The search field bound to request argument `_flt_<index>_<column>`."""
    form_cls = type("SearchControlForm", (Form,), {column: unbound})
    form = form_cls(formdata=request.args, prefix=f"_flt_{index}_")
    return form[column]


SEARCH_PANELS_KEPT = 256
"""How many rendered search panels (screen × quick filter × locale) a process keeps; beyond, panels are rendered."""


class ConsoleSearchWidget(RenderTemplateWidget):
    """The search panel above a list."""

    template = "console/widgets/search.html"

    def __call__(self, **kwargs: Any) -> str:
        """The panel; without search arguments it is the same for every user, so it is rendered once per app."""
        if any(name.startswith("_flt_") for name in request.args):
            return self._render(**kwargs)
        form = self.template_args["form"]
        key = (type(form).__name__, tuple(self.template_args["include_cols"]), request.args.get("quick", ""),
               str(get_locale()))
        panels = current_app.extensions.setdefault("console_search_panels", {})
        if key not in panels:
            if len(panels) >= SEARCH_PANELS_KEPT:  # `quick` comes from the URL: anyone could make keys without end
                return self._render(**kwargs)
            panels[key] = self._render(**kwargs)
        return panels[key]

    def _render(self, **kwargs: Any) -> str:
        form = self.template_args["form"]
        filters = self.template_args["filters"]
        by_column = filters.get_search_filters()
        controls = []
        for col in self.template_args["include_cols"]:
            if col not in form or col not in by_column:
                continue
            unbound = getattr(type(form), col)
            kinds = [type(f) for f in by_column[col]]
            label = form[col].label.text
            if AtLeast in kinds and AtMost in kinds:
                low, high = kinds.index(AtLeast), kinds.index(AtMost)
                names = [f"_flt_{low}_{col}", f"_flt_{high}_{col}"]
                inputs = [(_l("from"), _bound(unbound, col, low)), (_l("to"), _bound(unbound, col, high))]
            else:
                names = [f"_flt_0_{col}"]
                inputs = [(None, _bound(unbound, col, 0))]
            active = any(request.args.get(n) for n in names)
            controls.append(SearchControl(col, label, inputs, active))
        kwargs["controls"] = controls
        kwargs["any_active"] = any(c.active for c in controls)
        return super().__call__(**kwargs)


class ConsoleListWidget(RenderTemplateWidget):
    """The table of a list page, with per-row buttons and bulk actions."""

    template = "console/widgets/list.html"

    def __call__(self, **kwargs: Any) -> str:
        # Column labels are lazy strings: translate each once per page, not once per cell.
        labels = self.template_args["label_columns"]
        formatters = self.template_args["formatters_columns"]
        kwargs["columns"] = [(col, str(labels.get(col, "")), formatters.get(col))
                             for col in self.template_args["include_columns"]]
        return super().__call__(**kwargs)


class ConsoleFormWidget(RenderTemplateWidget):
    """Add and edit forms: required marks, Chinese errors under each field, optimistic-lock version."""

    template = "console/widgets/form.html"


def is_empty(value: Any) -> bool:
    """Whether a field's stored value says nothing (None, blank text, no related rows): the read view leaves it out.
    False and 0 are answers, so they are shown."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return not value
    return False


class ConsoleShowWidget(RenderTemplateWidget):
    """The read view of one record: only the fields that hold something, in foldable sections when the model
    declares groups (console.build.show_fieldsets)."""

    template = "console/widgets/show.html"

    def __call__(self, **kwargs: Any) -> str:
        args = {**self.template_args, **kwargs}
        columns, values = args["include_columns"], args["value_columns"]
        formatters = args.get("formatters_columns") or {}
        # A display field may hold a value yet say nothing (a flag whose badge is blank when off).
        filled = [c for c, v in zip(columns, values, strict=True)
                  if not is_empty(v) and not (c in formatters and is_empty(str(formatters[c](v))))]
        sections = []
        for title, spec in args.get("fieldsets") or []:
            fields = [c for c in spec.get("fields", []) if c in filled]
            if fields:
                sections.append((title, {**spec, "fields": fields}))
        kwargs["filled_columns"] = filled
        kwargs["sections"] = sections
        return super().__call__(**kwargs)
