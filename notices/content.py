"""What the 受理回执 and the 不予受理一次性告知书 say: one dict per document, read by the .docx template and
the print page alike. Only values `console.privacy.for_the_public` lets through reach the applicant's paper."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from console.formatting import long_date
from console.privacy import for_the_public
from extensions import db
from guides.cards import for_service_item
from models import Case, CaseEvent, GuideCard
from models.enums import ApplicantKind, CaseStatus
from workdays import clock
from workflow.deadlines import assess_days

NO_RECEIPT = frozenset({CaseStatus.VOIDED})
"""A case registered in error gets no receipt (any longer)."""


def receipt_applies(case: Case) -> bool:
    """Every case the window took in has a receipt, except one voided as registered in error."""
    return case.status not in NO_RECEIPT


def decline_notice_applies(case: Case) -> bool:
    """The one-time notice exists for a case closed as 不予受理."""
    return case.status == CaseStatus.DECLINED


def progress_url(base_url: str, number: str) -> str:
    """The public lookup address printed on the receipt (the applicant adds the phone's last 4 digits)."""
    return f"{base_url.rstrip('/')}/progress/?{urlencode({'number': number})}"


def _public(case: Case) -> dict[str, Any]:
    """The case's values that may be printed for the applicant."""
    return for_the_public(Case, {
        "number": case.number, "title": case.title, "applicant_name": case.applicant_name,
        "enterprise_name": case.enterprise_name, "applicant_kind": case.applicant_kind,
        "applicant_phone": case.applicant_phone, "applicant_id_number": case.applicant_id_number,
        "credit_code": case.credit_code,
    })


def _applicant(values: dict[str, Any]) -> str:
    if values["applicant_kind"] == ApplicantKind.ENTERPRISE and values.get("enterprise_name"):
        return f"{values['enterprise_name']}（{values['applicant_name']}）"
    return values["applicant_name"]


def _common(case: Case) -> dict[str, Any]:
    values = _public(case)
    return {
        "number": values["number"],
        "received_on": long_date(case.received_at.date()),
        "applicant": _applicant(values),
        "matter": values["title"],
        "service_item": case.service_item.name if case.service_item is not None else "",
        "window_phone": current_app.config["WINDOW_PHONE"],
        "issued_on": long_date(clock.today()),
    }


def _deadline(case: Case) -> tuple[dt.date | None, str]:
    """(the date promised, the sentence saying what is promised by then): the 研判 within 1 working day while
    the case is at 受理 (and for one declined there), the case's 办结时限 once assessed, the day it was finished."""
    if case.status in (CaseStatus.RECEIVED, CaseStatus.DECLINED) or case.due_date is None:
        due = case.response_due or case.due_date
        return due, gettext("Assessed within %(days)d working day(s) of registration (by %(date)s)",
                            days=assess_days(), date=long_date(due))
    if case.status.is_open:
        return case.due_date, gettext("Finished by %(date)s (working days; the clock stops while materials "
                                      "are awaited)", date=long_date(case.due_date))
    return case.due_date, gettext("Finished on %(date)s",
                                  date=long_date(case.resolved_at.date()) if case.resolved_at else "")


def receipt(case: Case, base_url: str) -> dict[str, Any]:
    """受理回执: number, 受理 date, applicant, matter, the promised deadline, the window's phone, the lookup URL."""
    due, promise = _deadline(case)
    return {**_common(case), "deadline": long_date(due), "deadline_text": promise,
            "lookup_url": progress_url(base_url, case.number)}


def guide_card_for(case: Case) -> GuideCard | None:
    """The published guide card answering the case's 政务服务事项 (the first, as intake offers them), if any."""
    cards = for_service_item(case.service_item_id)
    return cards[0] if cards else None


def decline_notice(case: Case) -> dict[str, Any]:
    """不予受理一次性告知书: why, where to go instead, and the guide card of the matter when it has one."""
    declined = db.session.execute(sa.select(sa.func.max(CaseEvent.at)).where(
        CaseEvent.case_id == case.id, CaseEvent.to_status == CaseStatus.DECLINED)).scalar()
    card = guide_card_for(case)
    guide = None if card is None else {
        "title": card.title, "question": card.question, "content": card.content,
        "location": card.location or "", "department": card.department.name if card.department else "",
    }
    return {**_common(case), "reason": case.decline_reason or "", "redirect_to": case.redirect_to or "",
            "declined_on": long_date(declined.date() if declined else None), "guide": guide}
