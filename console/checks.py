"""Start-up checks of the declarations, in the spirit of Django's admin checks.

A declaration that names a column the model lacks, or asks for something a
column cannot do, stops the application at start-up with a message naming
the model and the attribute, instead of failing on a user's first click.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import class_mapper

from console.introspect import attributes, screen_of


class ImproperlyConfigured(Exception):
    """A model's console declaration is inconsistent with the model."""


def _has_attribute(model: type, name: str) -> bool:
    return name in class_mapper(model).attrs or callable(getattr(model, name, None))


def msgid_of(text: object) -> str:
    """The untranslated text of a lazy string (its msgid), or the text itself."""
    args = getattr(text, "_args", None)
    return str(args[0]) if args else str(text)


def declaration_errors(model: type, extra_columns: Iterable[str] = ()) -> list[str]:
    """Every problem of `model`'s declarations, as readable sentences."""
    errors = []
    screen = screen_of(model)
    if screen is None:
        return [f"{model.__name__}: no __screen__ declared"]
    if not screen.route.startswith("/") or screen.route.endswith("/"):
        errors.append(f"{model.__name__}: route {screen.route!r} must start and not end with '/'")
    order_column = screen.order[0]
    if order_column not in class_mapper(model).attrs:
        errors.append(f"{model.__name__}: Screen.order names {order_column!r}, which the model lacks")
    if screen.order[1] not in ("asc", "desc"):
        errors.append(f"{model.__name__}: Screen.order direction must be 'asc' or 'desc'")
    for name in extra_columns:
        if not _has_attribute(model, name):
            errors.append(f"{model.__name__}: a view declares column {name!r}, which the model lacks")
    names = [q.name for q in screen.quick_filters]
    if len(names) != len(set(names)):
        errors.append(f"{model.__name__}: quick filter names repeat: {names}")
    for attr in attributes(model):
        decl = attr.field
        if attr.kind == "computed" and (decl.add or decl.edit or decl.search):
            errors.append(f"{model.__name__}.{attr.name}: a computed value cannot be edited or searched")
        if decl.mask and (attr.kind != "column" or decl.mask not in ("phone", "id_number", "credit_code")):
            errors.append(f"{model.__name__}.{attr.name}: mask must be phone, id_number or credit_code on a column")
        if attr.kind == "relation" and attr.fk_name is None:
            errors.append(f"{model.__name__}.{attr.name}: a declared relation needs exactly one foreign key")
        for what, text in (("label", decl.label), ("description", decl.description)):
            if text is not None and not msgid_of(text).strip():
                # gettext('') returns the catalog header, which would leak into the API's _info.
                errors.append(f"{model.__name__}.{attr.name}: the {what} is empty")
    if not any(a.field.list for a in attributes(model)):
        errors.append(f"{model.__name__}: no attribute is declared for the list")
    return errors


def check_declarations(model: type, extra_columns: Iterable[str] = ()) -> None:
    """Raise ImproperlyConfigured listing every problem of `model`'s declarations."""
    errors = declaration_errors(model, extra_columns)
    if errors:
        raise ImproperlyConfigured("; ".join(errors))
