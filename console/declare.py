"""The one declaration per model field and per screen.

A model says, once, for each field: its Chinese label and description, and
where it appears (list, show, add/edit forms, search, export, REST API). It
says, once, for the model: the screen's route, menu group and API name. The
console builds ModelViews, REST APIs, forms, filters, exports and the catalog
of labels from these declarations; nothing is re-declared per view.

    class Department(Model):
        __screen__ = Screen(label=_l("Departments"), route="/departments", ...)
        name: Mapped[str] = mapped_column(String(100), info=field(_l("Name"), list=True))
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

INFO_KEY = "console"


class MenuGroup(enum.Enum):
    """The Chinese menus of the navbar, in display order."""

    CASES = "cases"
    EVALUATION = "evaluation"
    BASIC = "basic"
    SYSTEM = "system"

    @property
    def label(self) -> Any:
        """The translated menu title."""
        return {
            "cases": _l("Case handling"), "evaluation": _l("Assessment and evaluation"),
            "basic": _l("Basic data"), "system": _l("System administration"),
        }[self.value]

    @property
    def icon(self) -> str:
        """Font Awesome icon of the menu."""
        return {"cases": "fa-folder-open", "evaluation": "fa-chart-line", "basic": "fa-database",
                "system": "fa-cogs"}[self.value]


@dataclass(frozen=True)
class Field:
    """Where a model attribute appears and what a person reads about it."""

    label: Any
    description: Any = None
    list: bool = False
    show: bool = True
    add: bool = True
    edit: bool = True
    search: bool = False
    exact: bool = False
    """Searched by the whole value only (a code such as the period 2025 must not match 2025Q1)."""
    export: bool | None = None
    api: bool | None = None
    """None: the API reads what the show page shows; True: always in the API; False: never."""
    sortable: bool = True
    validators: Sequence[Callable[..., Any]] = ()
    choices_filter: Callable[[], Any] | None = None
    """For a relation: an SQL condition on the related model limiting what the
    select offers (e.g. only active departments); existing values stay valid."""
    formatter: Callable[[Any], Any] | None = None
    mask: str | None = None
    """Personal data kind ('phone', 'id_number', 'credit_code'): shown masked to every role on every
    channel; see console.privacy for the two audited ways to the full value."""
    textarea: bool = False
    group: Any = None
    """Show-page section this field opens; later fields stay in it until another group starts."""

    @property
    def in_export(self) -> bool:
        """Exports carry what the list or show page carries unless told otherwise."""
        return self.export if self.export is not None else (self.list or self.show)


def field(label: Any, description: Any = None, *, form: bool | None = None, **places: Any) -> dict:
    """Return a SQLAlchemy `info` dict carrying the console declaration.

    `form=False` keeps the field out of both add and edit forms.
    """
    if form is not None:
        places.setdefault("add", form)
        places.setdefault("edit", form)
    return {INFO_KEY: Field(label, description, **places)}


def display(label: Any, description: Any = None, **places: Any) -> Callable[[Any], Any]:
    """Declare a computed attribute (a method or property of the model) as a read-only column."""
    places.setdefault("add", False)
    places.setdefault("edit", False)
    places.setdefault("sortable", False)

    def decorate(fn: Any) -> Any:
        target = fn.fget if isinstance(fn, property) else fn
        target.__console_field__ = Field(label, description, **places)
        return fn

    return decorate


@dataclass(frozen=True)
class QuickFilter:
    """A one-click filter shown above a list: a name, a label and a condition.

    `condition` is called inside a request and returns an SQL expression on the
    model (it may depend on the current user or on today's date).
    """

    name: str
    label: Any
    condition: Callable[[], Any]
    hides: str | None = None
    """A column name: rows matching this filter are left out of the list until it is chosen or the
    list is searched by that column (e.g. 已作废 cases, hidden unless asked for by status)."""


@dataclass(frozen=True)
class Screen:
    """The CRUD screen and REST API generated for a model."""

    label: Any
    """Plural title: the menu entry and the list page title."""
    route: str
    """URL prefix of the HTML screen, e.g. '/cases'."""
    menu: MenuGroup | None = None
    icon: str = "fa-list"
    api: str | None = None
    """Resource name under /api/v1/, e.g. 'cases'; None for no REST API."""
    item_label: Any = None
    """Singular noun for 'Add …' / 'Edit …' titles; defaults to `label`."""
    order: tuple[str, str] = ("id", "desc")
    page_size: int = 25
    can_add: bool = True
    can_edit: bool = True
    can_delete: bool = True
    export: bool = True
    quick_filters: Sequence[QuickFilter] = dc_field(default_factory=tuple)
    menu_order: int = 100
    preload: Sequence[str] = ()
    """Relations the list rows need beyond the listed columns (e.g. for row buttons), loaded per page, not per row."""

    def hidden_rows(self, chosen: QuickFilter | None = None, searched: Sequence[str] = ()) -> list[Any]:
        """SQL conditions leaving out the rows hidden by default (see QuickFilter.hides), unless
        `chosen` is the filter that shows them or the list is searched by its column."""
        return [sa.not_(q.condition()) for q in self.quick_filters
                if q.hides and q is not chosen and q.hides not in searched]

    def but(self, **changes: Any) -> Screen:
        """A copy with some settings changed (for tests and variants)."""
        return replace(self, **changes)
