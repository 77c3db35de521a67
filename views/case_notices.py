"""The case page's documents for the applicant: 受理回执 and 不予受理一次性告知书, each as .docx and as a
print page (contents in notices/). Scoped like the case page: another department's case is a 404."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from models import Case
from notices import content
from notices.render import render_docx
from views.evaluations import docx_response


class CaseNoticesMixin:
    """Mixed into the generated CaseView: `/cases/<pk>/receipt[.docx]`, `/cases/<pk>/decline-notice[.docx]`."""

    def notice_links(self, case: Case) -> list[Any]:
        """The document buttons the case page offers for this case."""
        from views.cases import Button

        links = []
        if content.receipt_applies(case):
            links.append(Button("receipt", gettext("Receipt"), url_for("CaseView.receipt", pk=case.id)))
        if content.decline_notice_applies(case):
            links.append(Button("decline_notice", gettext("Decline notice"),
                                url_for("CaseView.decline_notice", pk=case.id)))
        return links

    def _case_for_notice(self, pk: Any, applies: Any) -> Case:
        if not self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            abort(403)
        case = self.get_item_or_404(pk)
        if not applies(case):
            abort(404)
        return case

    @expose("/<pk>/receipt.docx")
    def receipt_docx(self, pk: Any) -> Any:
        """受理回执 as .docx."""
        case = self._case_for_notice(pk, content.receipt_applies)
        return docx_response(render_docx("receipt.docx", content.receipt(case, public_base_url())),
                             f"受理回执-{case.number}.docx")

    @expose("/<pk>/receipt")
    def receipt(self, pk: Any) -> Any:
        """受理回执 as a page to print."""
        case = self._case_for_notice(pk, content.receipt_applies)
        return render_template("console/notice/receipt.html", case=case, title=gettext("Receipt"),
                               notice=content.receipt(case, public_base_url()),
                               docx_url=url_for("CaseView.receipt_docx", pk=case.id))

    @expose("/<pk>/decline-notice.docx")
    def decline_notice_docx(self, pk: Any) -> Any:
        """不予受理一次性告知书 as .docx."""
        case = self._case_for_notice(pk, content.decline_notice_applies)
        return docx_response(render_docx("decline_notice.docx", content.decline_notice(case)),
                             f"不予受理告知书-{case.number}.docx")

    @expose("/<pk>/decline-notice")
    def decline_notice(self, pk: Any) -> Any:
        """不予受理一次性告知书 as a page to print."""
        case = self._case_for_notice(pk, content.decline_notice_applies)
        return render_template("console/notice/decline_notice.html", case=case, title=gettext("Decline notice"),
                               notice=content.decline_notice(case),
                               docx_url=url_for("CaseView.decline_notice_docx", pk=case.id))


def public_base_url() -> str:
    """Where the public reaches the console (PUBLIC_BASE_URL), else the address this request came to."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root
