"""Generate a model's ModelView and ModelRestApi from its declarations.

    view_cls = build_view(Department)          # /departments/list/ …
    api_cls = build_api(Department)            # /api/v1/departments/ …

Screen-specific behaviour (workflow buttons, defaults) comes in as mixins;
columns, labels, forms, filters and permissions always come from the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from console.cache import request_cache
from console.checks import check_declarations
from console.formatting import display
from console.forms import build_form, build_search_form
from console.interface import ConsoleInterface
from console.introspect import attributes, descriptions, labels, names, screen_of
from console.modelview import ConsoleModelView
from console.privacy import masking_formatter

CRUD_PERMISSIONS = {"add": "can_add", "edit": "can_edit", "delete": "can_delete"}


def view_permissions(model: type) -> list[str]:
    """FAB permission names the generated view of `model` declares."""
    screen = screen_of(model)
    perms = ["can_list", "can_show"]
    if screen.can_add:
        perms.append("can_add")
    if screen.can_edit:
        perms.append("can_edit")
    if screen.can_delete:
        perms.append("can_delete")
    if screen.export:
        perms.append("can_export")
    return perms


def _enum_display(enum_cls: Any) -> Any:
    # FAB hands formatters an enum's code (it reads `.value`); show the label instead,
    # translated once per request and code (a list shows the same few labels on every row).
    def format_value(value: Any) -> Any:
        if not isinstance(value, (str, int, Enum)):
            return display(enum_cls.parse(value) or value)
        shown = request_cache().setdefault("enum_labels", {})
        key = (enum_cls, value)
        if key not in shown:
            shown[key] = display(enum_cls.parse(value) or value)
        return shown[key]

    return format_value


def _formatters(model: type) -> dict[str, Any]:
    result = {}
    for attr in attributes(model):
        column = attr.column
        if attr.field.mask:
            result[attr.name] = masking_formatter(attr.field.mask)
        elif attr.field.formatter:
            result[attr.name] = attr.field.formatter
        elif column is not None and isinstance(column.type, sa.Enum) and column.type.enum_class:
            result[attr.name] = _enum_display(column.type.enum_class)
        else:
            result[attr.name] = display
    return result


def _show_formatters(model: type, formatters: dict[str, Any]) -> dict[str, Any]:
    from console.privacy import show_formatter

    result = dict(formatters)
    for attr in attributes(model):
        if attr.field.mask:
            result[attr.name] = show_formatter(attr.field.mask, f"{model.__name__}View", attr.name)
    return result


def show_fieldsets(model: type) -> list[tuple[Any, dict]] | None:
    """Show-page sections from the fields' declared groups (None when no field declares one)."""
    show = [a for a in attributes(model) if a.field.show]
    if not any(a.field.group for a in show):
        return None
    sections: list[tuple[Any, dict]] = []
    for attr in show:
        if attr.field.group is not None or not sections:
            sections.append((attr.field.group or _l("Details"), {"fields": []}))
        sections[-1][1]["fields"].append(attr.name)
    return sections


def build_view(model: type, mixins: Sequence[type] = (), **overrides: Any) -> type[ConsoleModelView]:
    """The ModelView class of `model` (named `<Model>View`, which names its permissions)."""
    check_declarations(model)
    screen = screen_of(model)
    item = screen.item_label or screen.label
    list_cols = names(model, "list")
    lookup = sorted({a.name for a in attributes(model)
                     if a.kind in ("relation", "collection") and (a.field.add or a.field.edit or a.field.search)})
    related_url = f"{screen.route}/related"
    disabled = {route for route, perm in (("add", "can_add"), ("edit", "can_edit"), ("delete", "can_delete"))
                if perm not in view_permissions(model)}
    extra = [p for mixin in mixins for p in getattr(mixin, "extra_permissions", ())]
    attrs: dict[str, Any] = dict(
        model=model,
        screen=screen,
        datamodel=ConsoleInterface(model, eager=[*list_cols, *screen.preload]),
        route_base=screen.route,
        list_title=screen.label,
        show_title=_l("%(item)s details", item=item),
        add_title=_l("New %(item)s", item=item),
        edit_title=_l("Edit %(item)s", item=item),
        label_columns=labels(model),
        description_columns=descriptions(model),
        list_columns=list_cols,
        show_columns=names(model, "show"),
        show_fieldsets=show_fieldsets(model),
        add_columns=names(model, "add"),
        edit_columns=names(model, "edit"),
        search_columns=names(model, "search"),
        order_columns=[a.name for a in attributes(model)
                       if a.field.list and a.field.sortable and a.kind == "column"],
        lookup_columns=lookup,
        base_order=screen.order,
        page_size=screen.page_size,
        formatters_columns=_formatters(model),
        show_formatters_columns=_show_formatters(model, _formatters(model)),
        add_form=build_form(model, "add", related_url),
        edit_form=build_form(model, "edit", related_url),
        search_form=build_search_form(model, related_url),
        base_permissions=view_permissions(model) + extra,
        exclude_route_methods={"download", *disabled},
    )
    attrs.update(overrides)
    from views.saved_filters import SaveFilterMixin

    return type(f"{model.__name__}View", (*mixins, SaveFilterMixin, ConsoleModelView), attrs)
