"""The guide card screens' extras: the add form filled in from a 溯源分析 group, the card printed (a page
and a .docx), and the lookup the case add form asks which card to offer for the chosen 事项."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from console.interface import valid_pk
from extensions import db
from guides import cards
from guides import document as printed
from models import Department, GuideCard, ServiceItem
from views.evaluations import docx_response


def suggestion(card: GuideCard) -> dict[str, str]:
    """What intake shows for a card: 建议：可向群众提供《…》指南卡片, with where to print it."""
    return {"title": card.title, "message": gettext("Suggestion: give the applicant the guide card “%(title)s”",
                                                     title=card.title),
            "print_url": url_for("GuideCardView.printable", pk=card.id),
            "docx_url": url_for("GuideCardView.document", pk=card.id)}


class GuideCardMixin:
    """Mixed into the generated GuideCardView."""

    appbuilder: Any
    class_permission_name: str

    def _may_read(self) -> None:
        if not self.appbuilder.sm.has_access("can_show", self.class_permission_name):
            abort(403)

    def prefill_add_form(self, form: Any) -> None:
        """「制作指南卡片」 from a 溯源分析 group: its 事项, department and recurring problem."""
        item = db.session.get(ServiceItem, valid_pk(request.args.get("service_item")) or 0)
        department = db.session.get(Department, valid_pk(request.args.get("department")) or 0)
        if item is not None:
            form.service_item.data = item
        if department is not None or item is not None:
            form.department.data = department or item.department
        for name in ("title", "question"):
            text = (request.args.get(name) or "").strip()
            if text:
                getattr(form, name).data = text[:getattr(GuideCard, name).type.length]

    def record_links(self, item: GuideCard) -> list[Any]:
        """Print the card, or download it as .docx."""
        from views.cases import Button

        return [Button("print", gettext("Print the guide card"), url_for("GuideCardView.printable", pk=item.id),
                       "primary"),
                Button("docx", gettext("Download the guide card (.docx)"),
                       url_for("GuideCardView.document", pk=item.id))]

    @expose("/print/<pk>")
    def printable(self, pk: Any) -> Any:
        """The card on one printable page."""
        self._may_read()
        card = self.get_item_or_404(pk)  # type: ignore[attr-defined]
        return self.render_template("console/guide_card_print.html",  # type: ignore[attr-defined]
                                    card=printed.sheet(card), issuer=printed.ISSUER, title=card.title)

    @expose("/document/<pk>")
    def document(self, pk: Any) -> Any:
        """The card as a Word document."""
        self._may_read()
        card = self.get_item_or_404(pk)  # type: ignore[attr-defined]
        return docx_response(printed.docx_bytes(card), f"{card.title}.docx")

    @expose("/suggest")
    def suggest(self) -> Any:
        """JSON for the case add form: the published cards of `?service_item=<id>`."""
        self._may_read()
        found = cards.for_service_item(valid_pk(request.args.get("service_item")))
        return jsonify({"cards": [suggestion(card) for card in found]})
