"""Leaders' screens: generating evaluations, drilling into figures, criticism and documents."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from attachments import service as attachment_service
from console.errors import ConsoleError
from console.interface import valid_pk
from evaluation import documents
from evaluation.answers import record_answer
from evaluation.compute import adjust, evaluate
from evaluation.criticism import issue_for_evaluations, issue_summary
from evaluation.figures import FIGURES, records
from evaluation.periods import parse_period
from extensions import db
from models import Criticism, Evaluation, Supervision
from models.base import acting_as
from models.enums import CaseAction
from views.attachments import attach_checked, checked_upload
from workdays import clock
from workflow.params import parse
from workflow.service import Actor
from workflow.transitions import TRANSITIONS


def docx_response(data: bytes, filename: str) -> Response:
    """A .docx download with a Chinese file name."""
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = f"attachment; filename=document.docx; filename*=UTF-8''{quote(filename)}"
    return response


class EvaluationMixin:
    """Mixed into the generated EvaluationView."""

    show_template = "console/evaluation/show.html"
    extra_permissions = ("can_generate",)

    def update_item(self, item: Evaluation, form: Any) -> Evaluation:
        """A leader's adjustment needs a reason; the score and grade follow it (see evaluation.compute.adjust)."""
        form.populate_obj(item)
        adjust(item)
        self.datamodel.session.commit()
        return item

    def list_links(self) -> list[Any]:
        """生成考评, for those who may."""
        from views.cases import Button

        if not self.appbuilder.sm.has_access("can_generate", self.class_permission_name):
            return []
        return [Button("generate", gettext("Generate evaluations"), url_for("EvaluationView.generate"), "primary")]

    def _show(self, pk: Any) -> dict:
        widgets = super()._show(pk)
        item = widgets["item"]
        widgets["figures"] = [(name, figure.label, self._figure_value(item, name)) for name, figure in FIGURES.items()]
        return widgets

    @staticmethod
    def _figure_value(item: Evaluation, name: str) -> int:
        if name == "criticism_count":
            return len(records(FIGURES[name], parse_period(item.period), clock.today(), item.department_id))
        return getattr(item, name)

    @expose("/generate", methods=["GET", "POST"])
    def generate(self) -> Any:
        """生成考评: compute a period's evaluations now (the same as `flask evaluate`)."""
        if not self.appbuilder.sm.has_access("can_generate", self.class_permission_name):
            abort(403)
        errors: dict = {}
        if request.method == "POST":
            try:
                user = Actor.current().user
                with acting_as(user.id):
                    results = evaluate(request.form.get("period", ""))
            except ConsoleError as exc:
                flash(str(exc), "danger")
                errors = exc.fields
            else:
                flash(gettext("Evaluations of %(period)s computed for %(count)d department(s).",
                              period=parse_period(request.form["period"]).name, count=len(results)), "success")
                return redirect(url_for("EvaluationView.list", _flt_0_period=parse_period(request.form["period"]).name))
        return self.render_template("console/evaluation/generate.html", title=gettext("Generate evaluations"),
                                    errors=errors, value=request.form.get("period", str(clock.today().year)))

    @expose("/drill/<pk>/<figure>")
    def drill(self, pk: Any, figure: str) -> Any:
        """The records behind one figure of an evaluation."""
        if not self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        if figure not in FIGURES:
            abort(404)
        found = records(FIGURES[figure], parse_period(item.period), clock.today(), item.department_id)
        return self.render_template("console/evaluation/drill.html", title=FIGURES[figure].label, item=item,
                                    figure=FIGURES[figure], records=found)

    def bulk_actions(self) -> list[Any]:
        """通报批评 from the evaluation list, for those who may criticize."""
        from views.cases import Button

        if not Actor.current().can("can_criticize"):
            return []
        return [Button("criticize", CaseAction.CRITICIZE.label, url_for("EvaluationView.criticize"), "danger")]

    @expose("/criticize", methods=["POST"])
    def criticize(self) -> Any:
        """Issue 通报批评 for the selected evaluations (first POST: the form, second: confirm)."""
        actor = Actor.current()
        if not actor.can("can_criticize"):
            abort(403)
        t = TRANSITIONS[CaseAction.CRITICIZE]
        items = [e for e in (self.get_item(pk) for pk in (valid_pk(r) for r in request.form.getlist("rowid")) if pk)
                 if e is not None]
        errors: dict = {}
        if request.form.get("confirm") == "1" and items:
            try:
                values = parse(t.params, request.form)
                with acting_as(actor.user.id):
                    issued = issue_for_evaluations(items, values)
                    db.session.commit()
            except ConsoleError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
                errors = exc.fields
            else:
                flash(gettext("Criticism issued: %(numbers)s", numbers=issue_summary(issued)), "success")
                return redirect(url_for("CriticismView.list"))
        from workflow.params import NOTE

        return self.render_template("console/evaluation/criticize.html", items=items, t=t, errors=errors,
                                    values=request.form, note=NOTE, title=t.label, lookups={})


class EvaluationApiMixin:
    """Mixed into the generated EvaluationApi: a PUT adjustment obeys the same rule as the edit page."""

    def pre_update(self, item: Evaluation) -> None:
        """Check the adjustment and rescore before the change is stored."""
        adjust(item)


class CriticismMixin:
    """Mixed into the generated CriticismView: the document, and the department's rectification."""

    extra_permissions = ("can_rectify",)
    show_template = "console/evaluation/criticism_show.html"

    def _show(self, pk: Any) -> dict:
        widgets = super()._show(pk)
        widgets["attachments"] = attachment_service.of_record(Criticism, widgets["item"].id)
        return widgets

    def record_links(self, item: Any) -> list[Any]:
        """Download the document; record rectification (for the criticized department)."""
        from views.cases import Button

        links = [Button("document", gettext("Download the notice (.docx)"),
                        url_for("CriticismView.document", pk=item.id), "primary")]
        if item.rectified_at is None and self.appbuilder.sm.has_access("can_rectify", self.class_permission_name):
            links.append(Button("rectify", gettext("Report rectification"),
                                url_for("CriticismView.rectify", pk=item.id), "warning"))
        return links

    @expose("/document/<pk>")
    def document(self, pk: Any) -> Any:
        """The 通报批评 as .docx."""
        if not self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        return docx_response(documents.criticism_document(item), f"通报批评-{item.number}.docx")

    @expose("/rectify/<pk>", methods=["GET", "POST"])
    def rectify(self, pk: Any) -> Any:
        """整改反馈 by the criticized department."""
        if not self.appbuilder.sm.has_access("can_rectify", self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        if request.method == "POST" and _answer_with_file(
                item, "criticism", gettext("Describe the rectification (up to 5000 characters)."),
                text_attr="rectify_feedback", at_attr="rectified_at", at=clock.today()):
            flash(gettext("Rectification recorded."), "success")
            return redirect(url_for("CriticismView.show", pk=item.id))
        return self.render_template("console/evaluation/rectify.html", item=item, title=gettext("Rectification"))


class SupervisionMixin:
    """Mixed into the generated SupervisionView: the printable 督办通知单 and the department's feedback."""

    extra_permissions = ("can_feedback",)
    show_template = "console/evaluation/supervision_show.html"

    def _show(self, pk: Any) -> dict:
        widgets = super()._show(pk)
        item = widgets["item"]
        widgets["can_answer"] = item.feedback is None and self.appbuilder.sm.has_access(
            "can_feedback", self.class_permission_name)
        widgets["attachments"] = attachment_service.of_record(Supervision, item.id)
        return widgets

    def record_links(self, item: Any) -> list[Any]:
        """Download the 督办通知单."""
        from views.cases import Button

        return [Button("notice", gettext("Download the supervision notice (.docx)"),
                       url_for("SupervisionView.notice", pk=item.id), "primary")]

    @expose("/notice/<pk>")
    def notice(self, pk: Any) -> Any:
        """The 督办通知单 as .docx."""
        if not self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        return docx_response(documents.supervision_notice(item), f"督办通知单-{item.case.number}.docx")

    @expose("/feedback/<pk>", methods=["POST"])
    def feedback(self, pk: Any) -> Any:
        """The supervised department answers the 督办单."""
        if not self.appbuilder.sm.has_access("can_feedback", self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        if _answer_with_file(item, "supervision", gettext("Describe what was done (up to 5000 characters)."),
                             text_attr="feedback", at_attr="feedback_at", at=clock.now()):
            flash(gettext("Feedback recorded."), "success")
        return redirect(url_for("SupervisionView.show", pk=item.id))


def _answer_with_file(item: Any, attach_as: str, refused_text: str, **where: Any) -> bool:
    """The department's written answer from the posted form (evaluation.answers.record_answer) with its
    optional file; False, with the reason flashed, when the file or the text is refused (then neither is kept)."""
    try:
        checked = checked_upload()
    except ConsoleError as exc:
        flash(str(exc), "danger")
        return False
    if not record_answer(item, request.form.get("feedback"), Actor.current().user.id, **where):
        flash(refused_text, "danger")
        return False
    attach_checked(checked, **{attach_as: item})
    return True
