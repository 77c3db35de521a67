"""12345 / 粤省心 work orders: `flask import-orders` and 导入工单 on the case list."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from extensions import db
from intake.work_orders import COLUMNS
from models import AuditLog, Case, CaseEvent, StaffUser
from models.enums import ApplicantKind, CaseAction, CaseStatus, Channel

HEADER = "工单编号,来源渠道,来电时间,诉求标题,诉求内容,来电人,联系电话,企业名称,统一社会信用代码,事项名称,处理时限"
GOOD = [
    "GD2026030200001,12345热线,2026-03-02 09:12:00,社保补缴无法办理,市民反映社保补缴被告知需回户籍地办理,"
    "李先生,13800138000,,,社会保险费补缴（追缴）,3",
    "GD2026030200002,粤省心,2026/03/02 10:30,,企业反映营业执照变更线上提交后一直未审核,王女士,0763-3362345,"
    "清远某某科技有限公司,91441802MA4UHK3L68,营业执照变更,5",
]


def csv_bytes(*rows: str, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([HEADER, *rows]).encode(encoding)


def imported(ref: str) -> Case | None:
    db.session.expire_all()
    return db.session.execute(sa.select(Case).where(Case.external_ref == ref)).scalar_one_or_none()


def case_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


@pytest.fixture
def cli(app, tmp_path):
    def run(data: bytes, *args: str, name: str = "orders.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        db.session.remove()
        return app.test_cli_runner().invoke(args=["import-orders", str(path), *args])

    return run


def test_cli_registers_each_work_order_through_the_workflow(cli, app_ctx):
    before = case_count()
    result = cli(csv_bytes(*GOOD))
    assert result.exit_code == 0, result.output
    assert "已导入 2 件" in result.output
    assert "以下列未导入：处理时限" in result.output
    assert "营业执照变更”不在事项库中" in result.output
    assert case_count() == before + 2
    hotline, yueshengxin = imported("GD2026030200001"), imported("GD2026030200002")
    assert hotline.channel == Channel.HOTLINE_12345 and yueshengxin.channel == Channel.YUESHENGXIN
    assert hotline.status == CaseStatus.RECEIVED and re.fullmatch(r"BBC-2026-\d{4}", hotline.number)
    assert hotline.received_at == dt.datetime(2026, 3, 2, 9, 12)
    assert hotline.service_item.name == "社会保险费补缴（追缴）" and hotline.due_date is not None
    assert yueshengxin.title == "企业反映营业执照变更线上提交后一直未审核"[:30]
    assert yueshengxin.applicant_kind == ApplicantKind.ENTERPRISE and yueshengxin.service_item is None
    event = db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == hotline.id)).scalar_one()
    assert event.action == CaseAction.RECEIVE and event.data["channel"] == "import"
    audit = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "Case",
                                                         AuditLog.record_id == hotline.id)).scalars().all()
    assert audit and all(row.channel == "import" for row in audit)


def test_importing_the_same_file_twice_skips_what_is_there(cli, app_ctx):
    assert cli(csv_bytes(*GOOD)).exit_code == 0
    before = case_count()
    again = cli(csv_bytes(*GOOD, GOOD[0]))
    assert again.exit_code == 0, again.output
    assert "已导入 0 件，跳过 3 件" in again.output
    assert "工单 GD2026030200001 已导入过" in again.output
    assert case_count() == before


def test_dry_run_reports_and_writes_nothing(cli, app_ctx):
    before = case_count()
    result = cli(csv_bytes(*GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "可导入 2 件" in result.output and "未写入数据库" in result.output
    assert case_count() == before and imported("GD2026030200001") is None


@pytest.mark.parametrize(("row", "message"), [
    ("GD1,12345热线,2026-03-02 09:12,标题,内容,李先生,1234,,,,", "第 3 行“联系电话”"),
    ("GD1,12345热线,2026-03-02 09:12,标题,内容,李先生,,,91441802MA4UHK3L6X,,", "第 3 行“统一社会信用代码”"),
    ("GD1,12345热线,2026-03-02 09:12,标题,内容,李先生,,,91441802MA4UHK3L68,,", "第 3 行“企业名称”"),
    ("GD1,传真,2026-03-02 09:12,标题,内容,李先生,,,,,", "无法识别的来源渠道“传真”"),
    ("GD1,12345热线,下周一,标题,内容,李先生,,,,,", "第 3 行“来电时间”：不是有效的日期时间"),
    ("GD1,12345热线,2099-03-02 09:12,标题,内容,李先生,,,,,", "第 3 行“来电时间”"),
    ("GD1,12345热线,2026-03-02 09:12,标题,,李先生,,,,,", "第 3 行“诉求内容”：此项为必填"),
    ("GD1,12345热线,2026-03-02 09:12,标题,内容,,,,,,", "第 3 行“来电人”"),
    ("GD1,12345热线,2026-03-02 09:12," + "长" * 201 + ",内容,李先生,,,,,", "第 3 行“诉求标题”：最多 200 个字"),
])
def test_one_bad_row_stops_the_whole_file_with_a_chinese_reason(cli, app_ctx, row, message):
    before = case_count()
    result = cli(csv_bytes(GOOD[0], row))
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "未导入任何工单" in result.output
    assert case_count() == before and imported("GD2026030200001") is None


def test_gb18030_csv_from_excel_is_read(cli, app_ctx):
    result = cli(csv_bytes(GOOD[0], encoding="gb18030"))
    assert result.exit_code == 0, result.output
    assert imported("GD2026030200001").applicant_name == "李先生"


def test_xlsx_with_date_cells_and_other_header_names(cli, app_ctx):
    book = Workbook()
    sheet = book.active
    sheet.append(["工单号", "受理时间", "内容", "诉求人", "电话"])
    sheet.append([20260302001, dt.datetime(2026, 3, 2, 14, 5), "不动产转移登记材料被反复退回", "陈女士", 13912345678])
    out = io.BytesIO()
    book.save(out)
    result = cli(out.getvalue(), name="粤省心导出.xlsx")
    assert result.exit_code == 0, result.output
    case = imported("20260302001")
    assert case.received_at == dt.datetime(2026, 3, 2, 14, 5) and case.applicant_phone == "13912345678"
    assert case.channel == Channel.HOTLINE_12345


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"\x00garbage", "orders.xlsx", "不是可读取的 Excel 工作簿"),
    (b"a,b", "orders.txt", "只能导入 .xlsx 或 .csv"),
    (b"", "orders.csv", "文件是空的"),
    ("标题,诉求内容\n标题,内容".encode(), "orders.csv", "缺少“工单号”列"),
])
def test_unreadable_files_are_refused_in_chinese(cli, app_ctx, data, name, message):
    before = case_count()
    result = cli(data, name=name)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert case_count() == before


# ---- 导入工单 in the browser ----------------------------------------------------------


def upload(client, data: bytes, name: str = "orders.csv"):
    return client.post("/cases/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_coordinator_checks_then_imports_from_the_case_list(as_user, app_ctx):
    coordinator = as_user("coordinator")
    listing = coordinator.get("/cases/list/").get_data(as_text=True)
    assert 'href="/cases/import"' in listing and "导入工单" in listing
    assert "下载导入模板" in coordinator.get("/cases/import").get_data(as_text=True)
    before = case_count()
    checked = upload(coordinator, csv_bytes(*GOOD))
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "检查通过" in page and "确认导入 2 件工单" in page
    assert case_count() == before, "checking imports nothing"
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = coordinator.post("/cases/import", data={"token": token})
    assert done.status_code == 302 and "quick=to_assess" in done.headers["Location"]
    assert case_count() == before + 2
    case = imported("GD2026030200001")
    uploader = db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == "coordinator")).scalar_one()
    assert case.created_by_id == uploader
    assert "已导入 2 件工单" in coordinator.get(done.headers["Location"]).get_data(as_text=True)
    stale = coordinator.post("/cases/import", data={"token": token}).get_data(as_text=True)
    assert "已检查的文件已失效" in stale and case_count() == before + 2


def test_a_bad_upload_lists_its_problems_and_imports_nothing(as_user, app_ctx):
    before = case_count()
    page = upload(as_user("coordinator"), csv_bytes(GOOD[0], "GD9,传真,,标题,内容,李先生,,,,,")).get_data(as_text=True)
    assert "未导入任何工单" in page and "无法识别的来源渠道“传真”" in page and 'name="token"' not in page
    assert "不是可读取的 Excel 工作簿" in upload(as_user("coordinator"), b"junk", "x.xlsx").get_data(as_text=True)
    assert "请先选择" in as_user("coordinator").post("/cases/import", data={}).get_data(as_text=True)
    assert case_count() == before


def test_a_staged_file_belongs_to_its_uploader(as_user, app_ctx):
    page = upload(as_user("coordinator"), csv_bytes(*GOOD)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    before = case_count()
    other = as_user("admin").post("/cases/import", data={"token": token})
    assert "已检查的文件已失效" in other.get_data(as_text=True)
    assert as_user("admin").post("/cases/import", data={"token": "../../etc/passwd"}).status_code == 200
    assert case_count() == before


@pytest.mark.parametrize("username", ["handler_tax", "leader", "window"])
def test_only_those_holding_the_permission_may_import(as_user, username, app_ctx):
    client = as_user(username)
    assert 'href="/cases/import"' not in client.get("/cases/list/").get_data(as_text=True)
    assert client.get("/cases/import").status_code == 403
    assert upload(client, csv_bytes(*GOOD)).status_code == 403
    assert client.get("/cases/import/template").status_code == 403
    assert imported("GD2026030200001") is None


def test_the_template_names_every_column_and_imports_as_is(as_user, app_ctx):
    client = as_user("coordinator")
    response = client.get("/cases/import/template")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == [aliases[0] for aliases in COLUMNS.values()]
    page = upload(client, response.data, "模板.xlsx").get_data(as_text=True)
    assert "检查通过" in page and "GD2026030200001" in page


def test_an_oversized_upload_is_refused_before_it_is_read(as_user, api, app_ctx):
    coordinator = as_user("coordinator")
    before = case_count()
    huge = b"x" * (app_ctx.config["MAX_CONTENT_LENGTH"] + 1)
    # raw bytes, not a (file, name) pair: werkzeug's builder would spool those to an unclosed temp file
    page = coordinator.post("/cases/import", data=huge, content_type="multipart/form-data; boundary=x")
    assert page.status_code == 413 and "提交的数据过大" in page.get_data(as_text=True)
    client = api("coordinator")
    answer = client.client.post("/api/v1/cases/", data=huge, headers={**client.headers,
                                                                       "Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.get_json()["message"] == "提交的数据过大。"
    assert case_count() == before


def test_a_line_break_typed_into_a_one_line_cell_reads_as_a_space(cli, app_ctx):
    # Excel's Alt+Enter in the title cell; CSV quotes the cell. The description keeps its line break.
    row = GOOD[0].replace("社保补缴无法办理,市民反映", '"社保补缴\n无法办理","市民反映\n')
    row = row.replace("回户籍地办理,", '回户籍地办理",')
    result = cli(csv_bytes(row))
    assert result.exit_code == 0, result.output
    case = imported("GD2026030200001")
    assert case.title == "社保补缴 无法办理" and "\n" in case.description
