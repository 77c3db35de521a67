"""WTForms built from the field declarations: add, edit and search forms.

Every text field refuses control characters (TextGuard, also on FAB's own forms) and over-long
input with a Chinese message;
enums are selects of Chinese labels posting stable codes; relations are
searchable AJAX selects that never load a whole related table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_appbuilder.forms import DynamicForm
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    Field,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import html_params

from console.introspect import Attribute, attributes
from console.validators import Rule, max_length_message, text_rule

INT_MAX = 2**31 - 1


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class RuleValidator:
    """Adapts a `console.validators.Rule` to WTForms."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def __call__(self, form: Any, field: Any) -> None:
        message = self.rule(field.data)
        if message:
            raise ValidationError(str(message))


class NoControlCharacters:
    """Refuses control characters first, before any validator (FAB's Unique) sends the value to the database."""

    def __init__(self, multiline: bool) -> None:
        self.rule = text_rule(multiline)

    def __call__(self, form: Any, field: Any) -> None:
        message = self.rule(field.data)
        if message:
            raise StopValidation(str(message))


class TextGuard:
    """Form mixin: every text field (textareas multi-line, the rest single-line; passwords are only
    hashed) refuses control characters. Console forms are built on it; FAB's through `guarded`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.validators = [NoControlCharacters(isinstance(field, TextAreaField)), *field.validators]


def guarded(form_class: type) -> type:
    """`form_class` with TextGuard (for FAB's forms: users, roles, login, own details)."""
    if issubclass(form_class, TextGuard):
        return form_class
    return type(form_class.__name__, (TextGuard, form_class), {})


class GuardedForms:
    """Mixin for a FAB ModelView whose add and edit forms FAB builds: both get TextGuard."""

    def _init_forms(self) -> None:
        super()._init_forms()
        self.add_form = guarded(self.add_form)
        self.edit_form = guarded(self.edit_form)


class NotInFuture:
    """Refuses a date or time later than now (受理时间 cannot be in the future)."""

    def __call__(self, form: Any, field: Any) -> None:
        from workdays import clock

        value = field.data
        if value is None:
            return
        limit: Any = clock.now() if isinstance(value, dt.datetime) else clock.today()
        if value > limit:
            raise ValidationError(str(_l("Cannot be in the future.")))


class AjaxSelectWidget:
    """A select2 box that asks the server for matches as the user types."""

    def __init__(self, multiple: bool = False) -> None:
        self.multiple = multiple

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        extra_class = kwargs.pop("class_", "") or kwargs.pop("class", "")
        params = {
            "name": field.name,
            "class": f"{extra_class} console-ajax-select".strip(),
            "data-url": field.url,
            "data-placeholder": str(_l("Type to search")),
        }
        if self.multiple:
            params["multiple"] = "multiple"
        options = [Markup('<option value=""></option>')] if not self.multiple else []
        for pk, text in field.selected_options():
            options.append(Markup('<option value="{}" selected>{}</option>').format(pk, text))
        return Markup("<select {}>{}</select>").format(
            Markup(html_params(**params, **kwargs)), Markup("").join(options)
        )


class AjaxSelectField(Field):
    """A many-to-one relation chosen by primary key; the browser searches via `url`."""

    widget = AjaxSelectWidget()

    def __init__(self, label: Any = None, validators: Any = None, *, model: type, url: str,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.url = url
        self._invalid = False

    def _load(self, raw: str) -> Any:
        from extensions import db

        try:
            pk = int(raw)
        except (TypeError, ValueError):
            self._invalid = True
            return None
        if not 0 < pk <= INT_MAX:
            self._invalid = True
            return None
        obj = db.session.get(self.model, pk)
        if obj is None:
            self._invalid = True
        return obj

    def process_formdata(self, valuelist: list[str]) -> None:
        self._invalid = False
        raw = valuelist[0] if valuelist else ""
        self.data = self._load(raw) if raw not in ("", None) else None

    def pre_validate(self, form: Any) -> None:
        if self._invalid:
            raise ValidationError(str(_l("The chosen record does not exist.")))

    def selected_options(self) -> list[tuple[Any, str]]:
        """The current value as (pk, text) so the box shows it before any search."""
        if self.data is None:
            return []
        return [(self.data.id, escape(str(self.data)))]

    def _value(self) -> str:
        return str(self.data.id) if self.data is not None else ""


class AjaxSelectMultipleField(AjaxSelectField):
    """A to-many relation chosen by primary keys."""

    widget = AjaxSelectWidget(multiple=True)

    def process_formdata(self, valuelist: list[str]) -> None:
        self._invalid = False
        objs = [self._load(raw) for raw in valuelist if raw]
        self.data = [o for o in objs if o is not None]

    def selected_options(self) -> list[tuple[Any, str]]:
        return [(o.id, escape(str(o))) for o in (self.data or [])]

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])


class EnumSelectField(SelectField):
    """A select of an enum's Chinese labels that posts and stores codes."""

    def __init__(self, label: Any = None, validators: Any = None, *, enum_cls: Any,
                 blank: bool = True, **kwargs: Any) -> None:
        choices = ([SelectChoice("", "—")] if blank else []) + [SelectChoice(m.value, m.label) for m in enum_cls]
        super().__init__(label, validators, choices=choices, coerce=self._coerce, **kwargs)
        self.enum_cls = enum_cls

    def _coerce(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        return self.enum_cls.parse(value) or value

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and not isinstance(self.data, self.enum_cls):
            raise ValidationError(str(_l("Not a valid choice.")))


class LenientDecimalField(DecimalField):
    """A decimal field whose parse error is Chinese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(_l("Not a valid number."))) from exc


def _is_required(attr: Attribute, column: sa.Column) -> bool:
    return not column.nullable and column.default is None and column.server_default is None


def _text_validators(attr: Attribute, column: sa.Column) -> list[Any]:
    result: list[Any] = []
    length = getattr(column.type, "length", None)
    if length and not isinstance(column.type, sa.Enum):
        result.append(v.Length(max=length, message=str(max_length_message(length))))
    return result


def form_field(attr: Attribute, related_url: str, *, search: bool = False) -> Field | None:
    """The WTForms field for one declared attribute (None if it has no form shape)."""
    decl = attr.field
    label, description = decl.label, decl.description or ""
    rules = [RuleValidator(r) for r in decl.validators]
    if attr.kind in ("relation", "collection"):
        url = f"{related_url}/{attr.name}"
        if attr.kind == "collection":
            return AjaxSelectMultipleField(label, [v.Optional()], model=attr.related_model, url=url,
                                           description=description)
        nullable = all(c.nullable for c in attr.prop.local_columns)
        required = v.Optional() if nullable or search else v.InputRequired(str(_l("This field is required.")))
        return AjaxSelectField(label, [required], model=attr.related_model, url=url, description=description)
    column = attr.column
    if column is None:
        return None
    required = _is_required(attr, column) and not search
    presence = v.InputRequired(str(_l("This field is required."))) if required else v.Optional()
    ctype = column.type
    if isinstance(ctype, sa.Enum):
        return EnumSelectField(label, [presence], enum_cls=ctype.enum_class, description=description)
    if isinstance(ctype, sa.Boolean):
        if search:
            return SelectField(label, choices=[SelectChoice("", "—"), SelectChoice("1", _l("Yes")),
                                               SelectChoice("0", _l("No"))])
        return BooleanField(label, description=description)
    if isinstance(ctype, sa.DateTime) and search:
        return DateField(label, [v.Optional()])
    if isinstance(ctype, sa.DateTime):
        extra = [NotInFuture()] if attr.name == "received_at" else []
        return DateTimeLocalField(label, [presence, *extra], description=description,
                                  format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                                          "%Y-%m-%dT%H:%M:%S"],
                                  render_kw={"step": 60})
    if isinstance(ctype, sa.Date):
        return DateField(label, [presence], description=description)
    if isinstance(ctype, sa.Integer):
        return IntegerField(label, [presence, v.NumberRange(min=-INT_MAX, max=INT_MAX,
                                                            message=str(_l("Number out of range.")))],
                            description=description)
    if isinstance(ctype, sa.Numeric):
        return LenientDecimalField(label, [presence, v.NumberRange(min=-9999, max=9999,
                                                                   message=str(_l("Number out of range.")))],
                                   description=description, places=2)
    text_rules = [presence, *_text_validators(attr, column), *rules]
    if attr.multiline:
        return TextAreaField(label, text_rules, description=description, filters=[_strip],
                             render_kw={"rows": 4})
    if isinstance(ctype, sa.String):
        return StringField(label, text_rules, description=description, filters=[_strip])
    return None


def build_form(model: type, place: str, related_url: str) -> type[DynamicForm]:
    """The add or edit form class of a model, from its declarations."""
    props: dict[str, Any] = {}
    for attr in attributes(model):
        if not getattr(attr.field, place) or attr.kind == "computed":
            continue
        built = form_field(attr, related_url)
        if built is not None:
            props[attr.name] = built
    return type(f"{model.__name__}{place.title()}Form", (TextGuard, DynamicForm), props)


def build_search_form(model: type, related_url: str) -> type[DynamicForm]:
    """The search form: every searchable attribute, nothing required."""
    props: dict[str, Any] = {}
    for attr in attributes(model):
        if attr.field.search and attr.kind != "computed":
            built = form_field(attr, related_url, search=True)
            if built is not None:
                props[attr.name] = built
    return type(f"{model.__name__}SearchForm", (DynamicForm,), props)
