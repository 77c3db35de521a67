"""Marshmallow schemas of the REST API: the declared value rules, Chinese messages, local times."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from console.api_errors import MISSING_RECORD
from console.interface import INT_MAX, valid_pk
from console.introspect import attribute, attributes
from console.validators import Rule, max_length_message, text_rule

MESSAGES = {
    "required": _l("This field is required."),
    "null": _l("This field may not be empty."),
    "invalid": _l("Not a valid value."),
}


def _rule_validator(rule: Any) -> Any:
    def check(value: Any) -> None:
        message = rule(value)
        if message:
            raise ValidationError(str(message))

    return check


def _exists_validator(model: type, choices_filter: Any) -> Any:
    def check(value: Any) -> None:
        from access.scope import scope_condition
        from extensions import db

        if value is None:
            return
        if valid_pk(value) is None:
            raise ValidationError(str(MISSING_RECORD))
        query = sa.select(model.id).where(model.id == value, scope_condition(model))
        if db.session.execute(query).first() is None:
            raise ValidationError(str(MISSING_RECORD))

    return check


def value_rules(model: type, name: str) -> list[Rule]:
    """The rules a column's value must pass on the API: the text rule of a string, then the field's
    declared ones (phone, ID number …). The schemas check them; the OpenAPI document states them."""
    sa_col = model.__mapper__.columns.get(name)
    if sa_col is None:
        return []
    rules: list[Rule] = []
    declared = attribute(model, name)
    if isinstance(sa_col.type, sa.String) and not isinstance(sa_col.type, sa.Enum):
        rules.append(text_rule(declared.multiline if declared is not None else isinstance(sa_col.type, sa.Text)))
    if declared is not None:
        rules.extend(declared.field.validators)
    return rules


class StrictBoolean(fields.Boolean):
    """true and false only, as the document says (marshmallow's Boolean also takes 0, 1, "yes" …)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class LocalDateTime(fields.DateTime):
    """Times are stored as naive China Standard Time; the API speaks RFC 3339 with +08:00."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        from workdays.clock import TZ

        return value.replace(tzinfo=TZ, microsecond=0).isoformat()

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        from workdays.clock import TZ

        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(TZ).replace(tzinfo=None)
        return parsed


class ConsoleSchemaConverter(Model2SchemaConverter):
    """FAB's converter plus the console's value rules and Chinese messages.

    The API names relations by their foreign keys (`lead_department_id`), so
    the schemas must keep FK columns, which marshmallow-sqlalchemy drops by default.
    """

    def _meta_schema_factory(self, columns: list[str], model: Any, class_mixin: Any,
                             parent_schema_name: str | None = None) -> Any:
        from flask import current_app
        from marshmallow_sqlalchemy import SQLAlchemyAutoSchema

        meta_attrs = {
            "model": model, "load_instance": True, "include_fk": True,
            "sqla_session": current_app.appbuilder.session, "parent_schema_name": parent_schema_name,
        }
        if columns:
            meta_attrs["fields"] = columns
        meta = type("Meta", (), meta_attrs)
        return type("MetaSchema", (SQLAlchemyAutoSchema, class_mixin), {"Meta": meta})

    def _column2field(self, datamodel: Any, column: Any, nested: bool = True,
                      parent_schema_name: str | None = None) -> Any:
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        model = datamodel.obj
        name = column.name
        sa_col = model.__mapper__.columns.get(name)
        if sa_col is not None and isinstance(sa_col.type, sa.DateTime):
            field = LocalDateTime(required=field.required, allow_none=sa_col.nullable)
        elif sa_col is not None and isinstance(sa_col.type, sa.Numeric):
            # JSON numbers, not Decimal strings, so clients and the schema agree.
            field = fields.Float(required=field.required, allow_none=sa_col.nullable)
        elif isinstance(field, fields.Boolean):
            field = StrictBoolean(required=field.required, allow_none=field.allow_none)
        elif isinstance(field, fields.Integer):
            field.strict = True  # whole JSON numbers only, as the document says (not 2.5e-42, not "7")
        field.error_messages = {**field.error_messages, **MESSAGES}
        if isinstance(field, fields.Enum):
            field.error_messages["unknown"] = _l("Not a valid choice.")
            field.allow_none = bool(sa_col is not None and sa_col.nullable)
        if sa_col is None:
            return field
        validators: list[Any] = [_rule_validator(rule) for rule in value_rules(model, name)]
        if isinstance(sa_col.type, sa.String) and not isinstance(sa_col.type, sa.Enum):
            if sa_col.type.length:
                validators.append(validate.Length(max=sa_col.type.length,
                                                  error=str(max_length_message(sa_col.type.length))))
        if isinstance(sa_col.type, sa.Integer):
            validators.append(validate.Range(min=-INT_MAX, max=INT_MAX, error=gettext("Number out of range.")))
        for attr in attributes(model):
            if attr.fk_name == name:
                validators.append(_exists_validator(attr.related_model, attr.field.choices_filter))
        if validators:
            field.validators = validators
        return field

