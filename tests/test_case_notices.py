"""受理回执 and 不予受理一次性告知书: what the window hands the applicant over the counter.

Each is a .docx from a template file an admin can edit, and a print-friendly page; both are scoped like the
case (another department's handler gets 404) and carry no 身份证号/手机号/统一社会信用代码, not even masked.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from docx import Document

from extensions import db
from models import GuideCard, ServiceItem
from models.base import acting_as
from models.enums import CaseStatus
from tests.helpers import english_words, visible_text
from tests.personal_data_support import FULL, MASKED, docx_text
from tests.workflow_support import act, case_in, new_case, user

RECEIVED = dt.datetime(2026, 3, 2, 9, 0)
"""A Monday; 研判 within 1 working day: Tuesday 2026-03-03 (2026年3月3日)."""
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _personal(case):
    with acting_as(user("window").id):
        case.applicant_name = "王某某"
        case.applicant_phone, case.applicant_id_number, _ = FULL
        db.session.commit()
    return case


def _assert_nothing_personal(text: str, where: str) -> None:
    for value in (*FULL, *MASKED.values()):
        assert value not in text, f"{value} in {where}"


def test_receipt_carries_number_date_applicant_matter_deadline_phone_and_lookup_url(app, as_user, app_ctx):
    case = _personal(new_case(RECEIVED, title="营业执照变更无法网上提交"))
    window = as_user("window")
    response = window.get(f"/cases/{case.id}/receipt.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    text = docx_text(response.data)
    for expected in (case.number, "2026年3月2日", "王某某", "营业执照变更无法网上提交", "2026年3月3日",
                     app.config["WINDOW_PHONE"], f"/progress/?number={case.number}"):
        assert expected in text, expected
    _assert_nothing_personal(text, "the receipt")
    assert "{{" not in text, "every placeholder of the template is filled"

    page = window.get(f"/cases/{case.id}/receipt")
    assert page.status_code == 200
    shown = visible_text(page.get_data(as_text=True))
    for expected in (case.number, "2026年3月2日", "王某某", "2026年3月3日", app.config["WINDOW_PHONE"]):
        assert expected in shown, expected
    _assert_nothing_personal(page.get_data(as_text=True), "the receipt page")
    assert english_words(page.get_data(as_text=True)) == [], "the lookup address is machine text (<code>)"
    assert f"/progress/?number={case.number}" in page.get_data(as_text=True)


def test_receipt_of_an_assigned_case_gives_its_deadline(as_user, app_ctx):
    case = act(case_in(CaseStatus.ASSESSING, at=RECEIVED), "assign",
               {"lead_department_id": "清城区税务局", "deadline_days": 5}, at=RECEIVED)
    # 5 working days after Monday 2 March 2026: Monday 9 March.
    assert "2026年3月9日" in docx_text(as_user("coordinator").get(f"/cases/{case.id}/receipt.docx").data)


def test_case_page_offers_the_receipt_and_other_departments_get_404(as_user, app_ctx):
    mine = act(case_in(CaseStatus.ASSESSING, at=RECEIVED), "assign",
               {"lead_department_id": "清城区税务局"}, at=RECEIVED)
    other = new_case(RECEIVED)
    page = as_user("window").get(f"/cases/show/{other.id}").get_data(as_text=True)
    assert "受理回执" in visible_text(page) and f"/cases/{other.id}/receipt" in page
    assert "不予受理告知书" not in visible_text(page), "only for a declined case"
    handler = as_user("handler_tax")
    for url in (f"/cases/{other.id}/receipt.docx", f"/cases/{other.id}/receipt"):
        assert handler.get(url).status_code == 404, url
    assert handler.get(f"/cases/{mine.id}/receipt.docx").status_code == 200
    assert as_user("window").get("/cases/999999/receipt.docx").status_code == 404


def test_decline_notice_gives_reason_where_to_go_and_the_guide_card(as_user, app_ctx):
    item = db.session.execute(sa.select(ServiceItem).where(
        ServiceItem.name == "工伤保险待遇申领（工伤追偿）")).scalar_one()
    card = db.session.execute(sa.select(GuideCard).where(GuideCard.service_item_id == item.id)).scalar_one()
    case = _personal(new_case(RECEIVED))
    with acting_as(user("window").id):
        case.service_item_id = item.id
        db.session.commit()
    act(case, "decline", {"reason": "属劳动争议仲裁事项",
                          "redirect_to": "清城区劳动人事争议仲裁委员会（区人社局三楼）"},
        at=RECEIVED, username="window")
    window = as_user("window")
    page = window.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert "不予受理告知书" in visible_text(page) and f"/cases/{case.id}/decline-notice" in page

    response = window.get(f"/cases/{case.id}/decline-notice.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    text = docx_text(response.data)
    for expected in (case.number, "属劳动争议仲裁事项", "清城区劳动人事争议仲裁委员会（区人社局三楼）", card.title,
                     "向清城区人力资源和社会保障局申请工伤认定", "0763-3362345"):
        assert expected in text, expected
    _assert_nothing_personal(text, "the notice")
    html = window.get(f"/cases/{case.id}/decline-notice").get_data(as_text=True)
    assert english_words(html) == []
    shown = visible_text(html)
    assert "属劳动争议仲裁事项" in shown and card.title in shown


def test_decline_notice_without_a_guide_card_and_only_for_declined_cases(as_user, app_ctx):
    declined = case_in(CaseStatus.DECLINED, at=RECEIVED)
    text = docx_text(as_user("window").get(f"/cases/{declined.id}/decline-notice.docx").data)
    assert "涉诉" in text and "区法院" in text and "办事指南" not in text
    receipt = docx_text(as_user("window").get(f"/cases/{declined.id}/receipt.docx").data)
    assert "2026年3月3日前" in receipt, "a declined case's receipt keeps the 研判 promise it was declined within"
    received = new_case(RECEIVED)
    for url in (f"/cases/{received.id}/decline-notice.docx", f"/cases/{received.id}/decline-notice"):
        assert as_user("window").get(url).status_code == 404, url


def test_an_admin_edited_template_replaces_the_shipped_one(app, as_user, app_ctx, tmp_path):
    doc = Document()
    doc.add_paragraph("清城区政务服务中心 回执 {{ number }} 时限 {{ deadline }}")
    doc.save(tmp_path / "receipt.docx")
    app.config["NOTICE_TEMPLATE_FOLDER"] = str(tmp_path)
    try:
        case = new_case(RECEIVED)
        text = docx_text(as_user("window").get(f"/cases/{case.id}/receipt.docx").data)
    finally:
        app.config["NOTICE_TEMPLATE_FOLDER"] = None
    assert f"清城区政务服务中心 回执 {case.number} 时限 2026年3月3日" in text
