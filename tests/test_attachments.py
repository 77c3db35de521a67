"""附件 through the real app: upload on the case page, the API, a 反馈, a 督办单 and a 整改反馈; preview and
download scoped like the case and audited; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from extensions import db
from models import Attachment, AuditLog, CaseEvent, Criticism, Supervision
from models.enums import CaseAction, CaseStatus
from tests.attachment_support import DOCX, PDF, PNG, upload
from tests.workflow_support import act, case_in


@pytest.fixture
def uploads(app, tmp_path, monkeypatch) -> Path:
    """A fresh UPLOAD_FOLDER for the test."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def attachment_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def tax_case():
    """A case assigned to the tax bureau (handler_tax sees it, handler_hrss does not)."""
    return case_in(CaseStatus.ASSIGNED)


def test_forged_extension_is_refused_and_nothing_is_stored(api, as_user, app_ctx, uploads):
    case = tax_case()
    answer = api("coordinator").post(f"/api/v1/cases/{case.id}/attachments", data=upload(PNG, "营业执照.pdf"),
                                     content_type="multipart/form-data")
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "文件内容与扩展名不符。"
    page = as_user("coordinator").post(f"/attachments/case/{case.id}", data=upload(PNG, "营业执照.pdf"),
                                       follow_redirects=True)
    assert "文件内容与扩展名不符" in page.get_data(as_text=True)
    assert attachment_count() == 0 and stored_files(uploads) == []


def test_api_upload_list_and_download_with_headers(api, app_ctx, uploads):
    case = tax_case()
    coordinator = api("coordinator")
    answer = coordinator.post(f"/api/v1/cases/{case.id}/attachments",
                              data=upload(PDF, "补充材料（银行流水）.pdf", note="两家银行的流水"),
                              content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    record = answer.get_json()["result"]
    assert record["file_name"] == "补充材料（银行流水）.pdf" and record["note"] == "两家银行的流水"
    assert record["size"] == len(PDF) and record["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert record["content_type"] == "application/pdf" and record["case_id"] == case.id
    row = db.session.get(Attachment, record["id"])
    assert (uploads / row.storage_key).read_bytes() == PDF
    assert row.storage_key.startswith("attachments/") and "银行" not in row.storage_key
    listed = coordinator.get(f"/api/v1/cases/{case.id}/attachments").get_json()["result"]
    assert [a["id"] for a in listed] == [record["id"]]

    client = coordinator.client
    download = client.get(f"/attachments/{record['id']}/download", headers=coordinator.headers)
    # The API token is not a browser session: the file routes are for logged-in pages.
    assert download.status_code in (302, 401, 404)


def test_download_and_preview_headers_and_audit(as_user, api, app_ctx, uploads):
    case = tax_case()
    pk = api("coordinator").post(f"/api/v1/cases/{case.id}/attachments", data=upload(PDF, "证明 材料.pdf"),
                                 content_type="multipart/form-data").get_json()["id"]
    handler = as_user("handler_tax")
    download = handler.get(f"/attachments/{pk}/download")
    assert download.status_code == 200 and download.data == PDF
    # RFC 5987: 证明 材料.pdf as UTF-8 percent-encoded, by hand:
    # 证 E8 AF 81, 明 E6 98 8E, space 20, 材 E6 9D 90, 料 E6 96 99
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=attachment.pdf; filename*=UTF-8''%E8%AF%81%E6%98%8E%20%E6%9D%90%E6%96%99.pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    preview = handler.get(f"/attachments/{pk}/preview")
    assert preview.status_code == 200 and preview.data == PDF
    assert preview.headers["Content-Type"] == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in preview.headers["Content-Security-Policy"]
    db.session.expire_all()
    logged = db.session.scalars(sa.select(AuditLog).where(AuditLog.model == "Attachment",
                                                          AuditLog.operation == "download")).all()
    assert [(r.username, r.record_id) for r in logged] == [("handler_tax", pk), ("handler_tax", pk)]
    audit = as_user("leader").get(f"/audit/show/{logged[0].id}").get_data(as_text=True)
    assert "下载附件" in audit and "证明 材料.pdf" in audit and "文件名" in audit


def test_other_departments_handler_gets_404_on_the_file(as_user, api, app_ctx, uploads):
    case = tax_case()
    pk = api("coordinator").post(f"/api/v1/cases/{case.id}/attachments", data=upload(PDF, "材料.pdf"),
                                 content_type="multipart/form-data").get_json()["id"]
    other = as_user("handler_hrss")
    for url in (f"/attachments/{pk}/download", f"/attachments/{pk}/preview"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/attachments/case/{case.id}", data=upload(PDF, "x.pdf")).status_code == 404
    token = api("handler_hrss")
    assert token.get(f"/api/v1/cases/{case.id}/attachments").status_code == 404
    assert token.post(f"/api/v1/cases/{case.id}/attachments", data=upload(PDF, "x.pdf"),
                      content_type="multipart/form-data").status_code == 404
    assert attachment_count() == 1
    db.session.expire_all()
    assert not db.session.scalars(sa.select(AuditLog).where(AuditLog.operation == "download")).all()


def test_case_page_lists_files_and_uploads_with_csrf(app, as_user, app_ctx, uploads):
    case = tax_case()
    client = as_user("coordinator")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert f'action="/attachments/case/{case.id}"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="csrf_token"' in page
    refused = client.post(f"/attachments/case/{case.id}", data=upload(PDF, "材料.pdf"))
    assert refused.status_code == 400 and attachment_count() == 0  # no CSRF token
    app.config["WTF_CSRF_ENABLED"] = False
    done = client.post(f"/attachments/case/{case.id}", data=upload(PNG, "现场照片.png", note="窗口拍摄"))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/show/{case.id}")
    row = db.session.scalars(sa.select(Attachment)).one()
    page = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    listed = page.split('id="case-attachments"')[1]
    assert "现场照片.png" in listed and "窗口拍摄" in listed and "张俊" in listed  # coordinator is 张俊 (README)
    assert f"/attachments/{row.id}/preview" in page and f"/attachments/{row.id}/download" in page


def test_handler_attaches_a_file_to_the_reply(as_user, app_ctx, uploads):
    case = tax_case()
    client = as_user("handler_tax")
    page = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert 'data-action="reply"' in page
    bad = client.post(f"/cases/act/{case.id}/reply", data=upload(PNG, "回复.docx", content="已办理"))
    assert "文件内容与扩展名不符" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                             CaseEvent.action == CaseAction.REPLY)).all()
    done = client.post(f"/cases/act/{case.id}/reply", data=upload(DOCX, "办理情况.docx", content="已办理"))
    assert done.status_code == 302
    db.session.expire_all()
    reply = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.action == CaseAction.REPLY)).one()
    row = db.session.scalars(sa.select(Attachment)).one()
    assert (row.event_id, row.case_id, row.file_name) == (reply.id, case.id, "办理情况.docx")
    timeline = client.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert f'data-event-attachment="{row.id}"' in timeline


def test_supervised_department_attaches_to_its_feedback(as_user, app_ctx, uploads):
    case = act(tax_case(), "supervise", {"department_id": "清城区税务局", "supervision_level": "general",
                                          "reason": "逾期未办"})
    supervision = db.session.scalars(sa.select(Supervision).where(Supervision.case_id == case.id)).one()
    client = as_user("handler_tax")
    page = client.get(f"/supervisions/show/{supervision.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    client.post(f"/supervisions/feedback/{supervision.id}", data=upload(PDF, "整改说明.pdf", feedback="已落实"))
    row = db.session.scalars(sa.select(Attachment)).one()
    assert (row.supervision_id, row.case_id) == (supervision.id, case.id)
    assert "整改说明.pdf" in client.get(f"/supervisions/show/{supervision.id}").get_data(as_text=True)
    assert as_user("handler_hrss").get(f"/attachments/{row.id}/download").status_code == 404


def test_criticized_department_attaches_to_its_rectification(as_user, app_ctx, uploads):
    case = case_in(CaseStatus.ASSIGNED, at=dt.datetime(2025, 9, 1, 9, 0))  # overdue by now, so criticizable
    act(case, "criticize", {"reason": "overdue", "severity": "general", "rectify_days": 10})
    criticism = db.session.scalars(sa.select(Criticism).order_by(Criticism.id.desc())).first()
    assert criticism.cases == [case]
    client = as_user("handler_tax")
    refused = client.post(f"/criticisms/rectify/{criticism.id}", data=upload(PNG, "整改.pdf", feedback="已整改"))
    assert "文件内容与扩展名不符" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Criticism, criticism.id).rectified_at is None
    client.post(f"/criticisms/rectify/{criticism.id}", data=upload(PDF, "整改报告.pdf", feedback="已整改"))
    row = db.session.scalars(sa.select(Attachment)).one()
    assert row.criticism_id == criticism.id
    assert "整改报告.pdf" in client.get(f"/criticisms/show/{criticism.id}").get_data(as_text=True)
    assert client.get(f"/attachments/{row.id}/download").data == PDF
    assert as_user("handler_hrss").get(f"/attachments/{row.id}/download").status_code == 404


def test_openapi_documents_the_attachment_routes(api):
    spec = api("coordinator").get("/api/v1/_openapi").get_json()
    path = spec["paths"]["/api/v1/cases/{pk}/attachments"]
    assert set(path) == {"get", "post"}
    body = path["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"] and set(body["properties"]) == {"file", "note"}
    assert {"201", "400", "403", "404"} <= set(path["post"]["responses"])


def test_backup_carries_the_attached_files(app, api, app_ctx, uploads, tmp_path_factory):
    from backups.service import make_backup

    case = tax_case()
    pk = api("coordinator").post(f"/api/v1/cases/{case.id}/attachments", data=upload(PDF, "材料.pdf"),
                                 content_type="multipart/form-data").get_json()["id"]
    key = db.session.get(Attachment, pk).storage_key
    taken = make_backup(db.engine.url, tmp_path_factory.mktemp("backup") / "b", uploads)
    assert taken["files"]["entries"][key]["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_a_supervision_file_stays_with_the_supervised_department(as_user, app_ctx, uploads):
    # 税务局 leads, 人社局 helps (协办): both see the case, but the 督办单 is addressed to 税务局 alone
    case = case_in(CaseStatus.ASSESSING)
    case = act(case, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5,
                                "co_department_ids": ["清城区人力资源和社会保障局"]})
    case = act(case, "supervise", {"department_id": "清城区税务局", "supervision_level": "general",
                                   "reason": "逾期未办"})
    supervision = db.session.scalars(sa.select(Supervision).where(Supervision.case_id == case.id)).one()
    as_user("handler_tax").post(f"/supervisions/feedback/{supervision.id}",
                                data=upload(PDF, "督办整改说明.pdf", feedback="已落实"))
    row = db.session.scalars(sa.select(Attachment)).one()
    helper = as_user("handler_hrss")
    assert helper.get(f"/cases/show/{case.id}").status_code == 200, "the co-department sees the case"
    assert helper.get(f"/supervisions/show/{supervision.id}").status_code == 404
    assert helper.get(f"/attachments/{row.id}/download").status_code == 404
    assert "督办整改说明.pdf" not in helper.get(f"/cases/show/{case.id}").get_data(as_text=True)
    assert as_user("handler_tax").get(f"/attachments/{row.id}/download").status_code == 200


@pytest.mark.parametrize("url", ["/attachments/18446744073709551616/download", "/attachments/99999999999/preview",
                                 "/jobs/18446744073709551616", "/jobs/99999999999/download"])
def test_an_id_beyond_any_record_is_404_not_500(as_user, url):
    assert as_user("coordinator").get(url).status_code == 404


@pytest.mark.parametrize("received_at", ["0001-01-01", "9999-12-31", "2026-03-02T10:00%2B08:00", "x"])
def test_the_duplicate_hint_takes_any_date(as_user, received_at):
    answer = as_user("coordinator").get(f"/cases/duplicates?title=营业执照办理慢&received_at={received_at}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
