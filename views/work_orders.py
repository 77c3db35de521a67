"""导入工单 on the case list: upload a 12345 / 粤省心 export, check it, then import it.

The first POST checks the file (a dry run) and keeps it in staging; the
second imports the staged file. Both run `intake.work_orders`, the same code
as `flask import-orders`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext
from markupsafe import Markup

from console.errors import ConsoleError
from console.formatting import FEW
from intake import staging
from intake.work_orders import COLUMNS, ImportReport, import_work_orders, template_workbook
from workflow.service import Actor

MAX_UPLOAD = 5 * 1024 * 1024
"""Largest file accepted through the browser (a day's export is a few dozen kB)."""


class CaseImportMixin:
    """Mixed into the generated CaseView: the 导入工单 page and its template download."""

    extra_permissions = ("can_import",)

    def list_links(self) -> list[Any]:
        """导入工单, for those who may."""
        from views.cases import Button

        if not self._may_import():
            return []
        return [Button("import", gettext("Import work orders"), url_for("CaseView.import_orders"), "default")]

    def _may_import(self) -> bool:
        return self.appbuilder.sm.has_access("can_import", self.class_permission_name)

    @expose("/import", methods=["GET", "POST"])
    def import_orders(self) -> Any:
        """GET: the upload form. POST a file: check it. POST a staged token: import it."""
        if not self._may_import():
            abort(403)
        report, token, filename = None, None, None
        if request.method == "POST":
            try:
                if request.form.get("token"):
                    return self._import_staged(request.form["token"])
                report, token, filename = self._check_upload()
            except ConsoleError as exc:
                flash(str(exc), "danger")
        return self.render_template("console/case/import.html", title=gettext("Import work orders"),
                                    report=report, token=token, filename=filename,
                                    columns=COLUMNS, max_mb=MAX_UPLOAD // (1024 * 1024))

    @expose("/import/template")
    def import_template(self) -> Any:
        """The import sheet with its headers, to fill in by hand."""
        if not self._may_import():
            abort(403)
        response = Response(template_workbook(),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response.headers["Content-Disposition"] = (
            f"attachment; filename=work-orders.xlsx; filename*=UTF-8''{quote('工单导入模板.xlsx')}")
        return response

    def _check_upload(self) -> tuple[ImportReport, str | None, str]:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ConsoleError(gettext("Choose an .xlsx or .csv file first."))
        data = upload.stream.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise ConsoleError(gettext("The file is larger than %(mb)d MB; split it.", mb=MAX_UPLOAD // 2**20))
        actor = Actor.current(channel="import")
        report = import_work_orders(data, upload.filename, actor, dry_run=True)
        token = None
        if report.ok and report.ready:
            suffix = upload.filename.rsplit(".", 1)[-1].lower()
            token = staging.stage(_staging_dir(), actor.user.id, data, suffix)
        return report, token, upload.filename

    def _import_staged(self, token: str) -> Any:
        actor = Actor.current(channel="import")
        staged = staging.load(_staging_dir(), actor.user.id, token)
        if staged is None:
            raise ConsoleError(gettext("The checked file is no longer available; upload it again."))
        data, name = staged
        g.audit_channel = "import"
        report = import_work_orders(data, name, actor)
        if not report.ok:
            return self.render_template("console/case/import.html", title=gettext("Import work orders"),
                                        report=report, token=None, filename=None, columns=COLUMNS,
                                        max_mb=MAX_UPLOAD // (1024 * 1024))
        staging.discard(_staging_dir(), actor.user.id, token)
        # A flash travels in the session cookie: a count and a range, never 3 000 numbers.
        imported = url_for("CaseView.list", quick="to_assess", _oc_CaseView="number", _od_CaseView="desc")
        flash(Markup('{} <a href="{}">{}</a>').format(
            _imported_message(report.created), imported, gettext("Show the imported cases")), "success")
        for line in report.skipped[:FEW]:
            flash(line, "warning")
        if len(report.skipped) > FEW:
            flash(gettext("%(count)d more work order(s) were already imported and skipped.",
                          count=len(report.skipped) - FEW), "warning")
        return redirect(imported)


def _imported_message(numbers: list[str]) -> str:
    """“已导入 N 件工单（first 至 last）”: a count and the first and last new number, however many."""
    if not numbers:
        return gettext("Imported %(count)d work order(s).", count=0)
    span = numbers[0] if len(numbers) == 1 else gettext("%(first)s to %(last)s", first=numbers[0], last=numbers[-1])
    return gettext("Imported %(count)d work order(s) (%(numbers)s).", count=len(numbers), numbers=span)


def _staging_dir() -> Path:
    return Path(current_app.instance_path) / "imports"
