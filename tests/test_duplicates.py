"""重复件: a report of a matter already registered is flagged 疑似重复 at intake and in the list, and a coordinator
merges it into its main case — closed as 重复件 with a link, both timelines record it, the figures count it once."""

from __future__ import annotations

import datetime as dt

from extensions import db
from kpi.charts import yearly_trend
from kpi.periods import choose
from kpi.tally import figures
from models import Case
from models.enums import ApplicantKind, AssignmentStatus, CaseStatus, Channel
from tests.workflow_support import NOW, act, case_in, snapshot, system_actor
from workdays import clock
from workflow.duplicates import likely_duplicates, titles_alike
from workflow.registration import register_case

PHONE = "13800138000"
ID_NUMBER = "11010519491231002X"
"""The standard example of GB 11643 (check character X)."""


def _draft(title: str, at: dt.datetime = NOW, phone: str | None = None, id_number: str | None = None) -> Case:
    return Case(title=title, description="诉求内容", channel=Channel.WINDOW, applicant_kind=ApplicantKind.PERSON,
                applicant_name="王某", applicant_phone=phone, applicant_id_number=id_number, received_at=at)


def _registered(title: str, at: dt.datetime = NOW, **applicant: str) -> Case:
    with clock.frozen_at(at):
        return register_case(_draft(title, at, **applicant), system_actor("window"))


# ---- detection (no request) ---------------------------------------------------------------------------------

def test_titles_alike_by_ratio_or_shared_bigrams():
    # 社保缴费年限查询 (8 characters) in 社保缴费年限查询问题 (10): difflib ratio 2×8/18 = 0.89 ≥ 0.8
    assert titles_alike("社保缴费年限查询", "社保缴费年限查询问题")
    # 营业执照办理慢 / 营业执照办理太慢: 5 shared bigrams of 8 in all = 0.625 ≥ 0.6 (ratio 2×7/15 = 0.93 too)
    assert titles_alike("营业执照办理慢。", "营业执照 办理太慢！")
    # 公积金提取 / 公积金贷款: ratio 2×3/10 = 0.6, bigrams 2 shared of 6 = 0.33: two matters
    assert not titles_alike("公积金提取", "公积金贷款")
    assert not titles_alike("", "社保") and not titles_alike("！！", "？？")


def test_the_same_phone_or_id_or_a_similar_title_within_30_days_either_way(app_ctx):
    by_phone = _registered("办理营业执照", NOW - dt.timedelta(days=10), phone=PHONE)
    by_id = _registered("公积金提取", NOW + dt.timedelta(days=29), id_number=ID_NUMBER)
    by_title = _registered("社保缴费年限查询", NOW - dt.timedelta(days=3))
    too_early = _registered("其他事项甲", NOW - dt.timedelta(days=31), phone=PHONE)
    voided = act(_registered("其他事项乙", NOW - dt.timedelta(days=1), phone=PHONE), "void", {"reason": "误录"},
                 username="admin")
    unrelated = _registered("户籍迁移", NOW - dt.timedelta(days=2), phone="13900139000")

    # Written differently: +86 and dashes, the ID's check letter in lower case.
    draft = _draft("社保缴费年限查询问题", phone="+86 138-0013-8000", id_number=ID_NUMBER.lower())
    found = {m.case.id: m.reasons for m in likely_duplicates(draft)}
    assert found == {by_phone.id: ("phone",), by_id.id: ("id_number",), by_title.id: ("title",)}
    assert too_early.id not in found and voided.id not in found and unrelated.id not in found


def test_registration_notes_the_likeliest_earlier_case(app_ctx):
    first = _registered("营业执照办理慢", NOW - dt.timedelta(days=5), phone=PHONE)
    second = _registered("营业执照办理太慢", phone="138 0013 8000")  # phone and title: two reasons
    assert second.suspected_duplicate_of_id == first.id and second.possibly_duplicate
    assert first.suspected_duplicate_of_id is None
    alone = _registered("完全不同的一件事")
    assert alone.suspected_duplicate_of_id is None and not alone.possibly_duplicate
    # noting the likely duplicate is part of registering: one transaction, the first version (models/versioning.py)
    assert (first.version, second.version, alone.version) == (1, 1, 1)


# ---- merging, through every channel ----------------------------------------------------------------------------

def test_a_coordinator_merges_a_duplicate_from_its_page(as_user, app_ctx):
    main = case_in(CaseStatus.ASSIGNED)
    duplicate = act(_registered("测试事项（再次反映）", phone=PHONE), "assess", {
        "problem_type": "difficult", "track": "coordinate", "disposition": "escalate", "level": "back_office"})
    duplicate = act(duplicate, "assign", {"lead_department_id": "清城区税务局", "deadline_days": 5})
    client = as_user("coordinator")
    page = client.get(f"/cases/show/{duplicate.id}").get_data(as_text=True)
    assert 'data-action="merge"' in page and "合并为重复件" in page
    form = client.get(f"/cases/act/{duplicate.id}/merge").get_data(as_text=True)
    assert "主件" in form and 'name="main_case"' in form

    done = client.post(f"/cases/act/{duplicate.id}/merge", data={
        "main_case": main.number.lower(), "note": "同一人再次来电", "version": duplicate.version})
    assert done.status_code == 302
    db.session.expire_all()
    duplicate, main = db.session.get(Case, duplicate.id), db.session.get(Case, main.id)
    assert duplicate.status == CaseStatus.MERGED and duplicate.duplicate_of_id == main.id
    # Both timelines: the duplicate names its main case, the main case the duplicate.
    last = duplicate.events[-1]
    assert (last.action.value, last.actor.username, last.note) == ("merge", "coordinator", "同一人再次来电")
    assert last.data["main_case"] == main.number
    assert main.events[-1].action.value == "merge" and main.events[-1].data["duplicate"] == duplicate.number
    assert main.status == CaseStatus.ASSIGNED, "the main case goes on as it was"
    # The tax bureau no longer has the duplicate's 交办单 to sign for.
    assert [a.status for a in duplicate.assignments] == [AssignmentStatus.CLOSED]

    shown = client.get(f"/cases/show/{duplicate.id}").get_data(as_text=True)
    assert "重复件，已合并到" in shown and f'href="/cases/show/{main.id}"' in shown
    assert 'data-action="' not in shown, "read-only: no action offered"
    main_page = client.get(f"/cases/show/{main.id}").get_data(as_text=True)
    assert "合并重复件：" in main_page and f'href="/cases/show/{duplicate.id}"' in main_page


def test_a_merged_case_is_read_only(as_user, api, app_ctx):
    duplicate = case_in(CaseStatus.MERGED)
    before = snapshot(duplicate.id)
    admin = as_user("admin")
    assert admin.get(f"/cases/edit/{duplicate.id}").status_code == 409
    refused = admin.post(f"/cases/act/{duplicate.id}/void", data={"reason": "再次", "version": duplicate.version})
    assert "该事项状态为“重复件”，只读" in refused.get_data(as_text=True)
    assert api("admin").put(f"/api/v1/cases/{duplicate.id}", json={"title": "改"}).status_code == 409
    assert snapshot(duplicate.id) == before


def test_bad_main_cases_are_refused_in_chinese_and_change_nothing(as_user, app_ctx):
    duplicate = _registered("测试事项", phone=PHONE)
    voided = case_in(CaseStatus.VOIDED)
    merged = case_in(CaseStatus.MERGED)
    archived = case_in(CaseStatus.ARCHIVED)
    before = snapshot(duplicate.id)
    client = as_user("coordinator")
    expected = {
        duplicate.number: "不能合并到本件自身",
        "BBC-1999-9999": "没有该编号的事项",
        "": "此项为必填项",
        voided.number: "“已作废”",
        merged.number: f"本身是 {merged.duplicate_of.number} 的重复件",
        archived.number: "“归档”",
    }
    for main, message in expected.items():
        answer = client.post(f"/cases/act/{duplicate.id}/merge", data={"main_case": main,
                                                                     "version": duplicate.version})
        assert answer.status_code == 200 and message in answer.get_data(as_text=True), main
    assert snapshot(duplicate.id) == before
    assert snapshot(voided.id)[0] == CaseStatus.VOIDED


def test_the_api_merges_by_number_or_id(api, app_ctx):
    main = case_in(CaseStatus.RECEIVED)
    first, second = case_in(CaseStatus.RECEIVED), case_in(CaseStatus.ASSESSING)
    coordinator = api("coordinator")
    by_number = coordinator.post(f"/api/v1/cases/{first.id}/actions/merge",
                                 json={"main_case": main.number, "version": first.version})
    assert by_number.status_code == 200
    result = by_number.get_json()["result"]
    assert result["status"] == "merged" and result["duplicate_of_id"] == main.id
    by_id = coordinator.post(f"/api/v1/cases/{second.id}/actions/merge", json={"main_case": main.id})
    assert by_id.status_code == 200 and by_id.get_json()["result"]["duplicate_of_id"] == main.id
    db.session.expire_all()
    merged_in = [e.data["duplicate"] for e in db.session.get(Case, main.id).events if e.action.value == "merge"]
    assert merged_in == [first.number, second.number]

    third = case_in(CaseStatus.RECEIVED)
    unknown = coordinator.post(f"/api/v1/cases/{third.id}/actions/merge", json={"main_case": "BBC-1999-9999"})
    # README 接口错误: a record that does not exist is 422, in the one error shape
    assert unknown.status_code == 422 and unknown.get_json()["errors"]["main_case"] == ["没有该编号的事项。"]
    again = coordinator.post(f"/api/v1/cases/{first.id}/actions/merge", json={"main_case": main.number})
    assert again.status_code == 409
    for role in ("window", "handler_tax", "leader"):
        answer = api(role).post(f"/api/v1/cases/{third.id}/actions/merge", json={"main_case": main.number})
        assert answer.status_code in (403, 404), role
    assert db.session.get(Case, third.id).status == CaseStatus.RECEIVED


# ---- the matter counts once ------------------------------------------------------------------------------------

def test_merging_takes_the_duplicate_out_of_the_yearly_count(app_ctx):
    year = choose("2026", NOW.date())
    main = case_in(CaseStatus.ASSIGNED)
    duplicate = case_in(CaseStatus.RECEIVED)

    def received() -> tuple[int, int]:
        trend = yearly_trend(NOW.date())
        per_year = sum(series.points[trend.categories.index("2026")].value for series in trend.series)
        return figures(year, NOW.date())["received"].numerator, per_year

    before = received()
    assert before[0] == before[1] >= 2
    act(duplicate, "merge", {"main_case": main.number})
    # The two reports are one matter: one case fewer, in the figure and in the chart alike.
    assert received() == (before[0] - 1, before[1] - 1)


# ---- the list and the add form -----------------------------------------------------------------------------------

def test_the_list_flags_possible_duplicates_until_merged(as_user, app_ctx):
    first = _registered("营业执照办理慢", NOW - dt.timedelta(days=5), phone=PHONE)
    second = _registered("营业执照办理太慢")
    client = as_user("coordinator")
    listing = client.get("/cases/list/?quick=suspected_duplicates").get_data(as_text=True)
    assert f'data-pk="{second.id}"' in listing and f'data-pk="{first.id}"' not in listing
    assert "duplicate-badge" in listing and "疑似重复" in listing
    exported = client.get("/cases/export/csv?quick=suspected_duplicates").get_data(as_text=True)
    assert second.number in exported and "<span" not in exported, "the badge is for the screen, not the file"
    act(second, "merge", {"main_case": first.number})
    assert f'data-pk="{second.id}"' not in client.get("/cases/list/?quick=suspected_duplicates").get_data(as_text=True)
    assert f'data-pk="{second.id}"' not in client.get("/cases/list/?psize_CaseView=100").get_data(as_text=True)
    assert f'data-pk="{second.id}"' in client.get("/cases/list/?quick=merged").get_data(as_text=True)


def test_the_add_form_names_likely_duplicates_with_personal_data_masked(as_user, app_ctx):
    with clock.frozen_at(NOW):
        earlier = _registered("社保缴费年限查询", NOW - dt.timedelta(days=2), phone=PHONE, id_number=ID_NUMBER)
        window = as_user("window")
        assert 'id="duplicate-hint"' in window.get("/cases/add").get_data(as_text=True)
        answer = window.get("/cases/duplicates", query_string={
            "title": "其他", "applicant_phone": "138 0013 8000", "received_at": NOW.isoformat()})
    body = answer.get_data(as_text=True)
    [hint] = answer.get_json()["cases"]
    assert hint["number"] == earlier.number and hint["reasons"] == ["联系电话相同"]
    assert hint["applicant_phone"] == "138****8000" and hint["applicant_id_number"] == "110105********002X"
    assert PHONE not in body and ID_NUMBER not in body
    assert answer.get_json()["heading"].startswith("疑似重复")
    assert as_user("handler_tax").get("/cases/duplicates?title=x").status_code == 403
