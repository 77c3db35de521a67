"""The two doors to personal data in full, on every generated screen (rules in console.privacy).

- `POST <route>/reveal/<pk>/<field>`: one field of one record, for holders of 查看个人信息;
- `GET/POST <route>/export-personal?<the list's filters>`: the filtered list as a file with full
  values, for holders of 导出个人信息, after a reason is given.

Each use writes one audit row (who, when, IP, which record or how many rows, which fields, the
reason); the values themselves are never logged.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify, request
from flask_appbuilder.baseviews import expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from console.forms import TextGuard
from console.introspect import attribute
from console.privacy import (
    log_disclosure,
    may_export_personal_info,
    may_see_personal_info,
    personal_fields,
    revealed,
)

REASON_MIN, REASON_MAX = 5, 200


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PersonalExportForm(TextGuard, DynamicForm):
    """Why a file with full personal data is needed, and in which format."""

    reason = StringField(
        _l("Reason for the export"),
        [v.InputRequired(str(_l("This field is required."))),
         v.Length(min=REASON_MIN, max=REASON_MAX, message=str(_l(
             "Between %(min)d and %(max)d characters.", min=REASON_MIN, max=REASON_MAX)))],
        filters=[_strip],
        description=_l("What the full values are needed for, e.g. a telephone follow-up of each applicant; "
                       "it is logged with your name and the number of rows."),
    )
    fmt = SelectField(_l("File format"), choices=[SelectChoice("xlsx", "Excel (.xlsx)"),
                                                  SelectChoice("csv", "CSV")], default="xlsx",
                      validate_choice=False)


class DisclosureMixin:
    """Mixed into ConsoleModelView: the audited reveal and the export with full values."""

    model: type
    datamodel: Any

    def personal_export_offered(self) -> bool:
        """Whether the list offers the export with full values: a screen with personal data, and a
        user holding both its export and 导出个人信息."""
        return bool(personal_fields(self.model)) and may_export_personal_info() and \
            self.appbuilder.sm.has_access("can_export", self.class_permission_name)

    @expose("/reveal/<pk>/<field>", methods=["POST"])
    @has_access
    @permission_name("show")
    def reveal(self, pk: Any, field: str) -> Any:
        """The full value of a masked field, for holders of 查看个人信息; the click is audited."""
        declared = attribute(self.model, field)
        if declared is None or not declared.field.mask:
            abort(404)
        if not may_see_personal_info():
            abort(403)
        item = self.get_item_or_404(pk)
        log_disclosure("reveal", self.model, item.id, revealed([field]))
        return jsonify(value=getattr(item, field) or "")

    @expose("/export-personal", methods=["GET", "POST"])
    @has_access
    @permission_name("export")
    def export_personal(self) -> Any:
        """GET: the form asking why. POST with a reason: the filtered list with full values, logged."""
        from console.export import export_response

        if not personal_fields(self.model):
            abort(404)
        if not self.personal_export_offered():
            abort(403)
        form = PersonalExportForm()
        filters = self.list_filters()
        count = self.datamodel.count(filters)
        if request.method == "POST" and form.validate():
            fmt = "csv" if form.fmt.data == "csv" else "xlsx"
            if count > current_app.config["EXPORT_BACKGROUND_ROWS"]:
                log_disclosure("export_personal", self.model, None, {
                    "reason": [None, form.reason.data], "row_count": [None, count],
                    **revealed(a.name for a in personal_fields(self.model))})
                return self.export_in_background(fmt, full=True)
            order_column, order_direction = self.base_order or ("", "")
            _count, items = self.datamodel.query(filters, order_column, order_direction)
            log_disclosure("export_personal", self.model, None, {
                "reason": [None, form.reason.data], "row_count": [None, len(items)],
                **revealed(a.name for a in personal_fields(self.model))})
            return export_response(self, items, fmt, full=True)
        return self.render_template(
            "console/model/export_personal.html", form=form, count=count, view=self,
            title=gettext("Export with personal data in full"),
            fields="、".join(str(a.field.label) for a in personal_fields(self.model)))
