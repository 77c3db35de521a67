"""A constructed year for the 溯源分析 tests: nine cases received in 2026, judged on 31 December 2026.

The demo district has no record after 2025, so 2026 holds only these. Their 事项 (甲, 乙), 卡点单位 (测试窗口),
improvement unit (测试局) and root causes (根源一, 根源二) are made here, so no demo case shares a group with
them, except the cases with no 卡点单位 (many demo cases have none). Expected values are computed by hand.

    case  received    事项  卡点      根源     what happened
    1     2026-01-12  甲    测试窗口  根源一   当场办结, 评价, 总结 2026-02-02 转送 测试局
    2     2026-02-02  甲    测试窗口  根源一   当场办结, 评价, 总结 2026-02-09 (not forwarded)
    3     2026-04-15  甲    测试窗口  根源一   当场办结, 评价, 总结 2026-04-20
    4     2026-07-01  甲    测试窗口  根源一   当场办结, 评价, 总结 2026-07-06
    5     2026-05-06  甲    测试窗口  根源二   当场办结, 评价, 总结 2026-05-20 转送 测试窗口
    6     2026-03-03  乙    —         根源二   当场办结, 评价, 总结 2026-03-10
    7     2026-03-04  乙    —         —        nothing: still 受理
    8     2026-10-12  乙    —         —        nothing: still 受理
    9     2026-08-10  甲    测试窗口  根源一   作废 (never counted)
"""

from __future__ import annotations

import datetime as dt

from access.system import as_system
from extensions import db
from models import Case, Department, DictionaryEntry, ServiceItem
from models.enums import ApplicantKind, Channel, DepartmentKind, DictionaryKind
from tests.workflow_support import RESOLVE, act, system_actor
from workdays import clock
from workflow.registration import register_case

T = dt.datetime
TODAY = dt.date(2026, 12, 31)
IMPROVER, WINDOW = "测试局", "测试窗口"


def _catalog() -> dict[str, int]:
    improver = Department(name=IMPROVER, kind=DepartmentKind.DISTRICT)
    window = Department(name=WINDOW, kind=DepartmentKind.HALL_WINDOW)
    first = ServiceItem(code="TEST-JIA", name="事项甲", department=improver)
    second = ServiceItem(code="TEST-YI", name="事项乙", department=improver)
    one = DictionaryEntry(kind=DictionaryKind.ROOT_CAUSE, name="根源一")
    two = DictionaryEntry(kind=DictionaryKind.ROOT_CAUSE, name="根源二")
    with as_system():
        db.session.add_all([improver, window, first, second, one, two])
        db.session.commit()
    return {"测试局": improver.id, "测试窗口": window.id, "甲": first.id, "乙": second.id, "根源一": one.id,
            "根源二": two.id}


def _case(at: dt.datetime, item: int, stuck: int | None, title: str) -> Case:
    case = Case(title=title, description="诉求内容", channel=Channel.WINDOW, applicant_kind=ApplicantKind.PERSON,
                applicant_name="测试人", received_at=at, service_item_id=item, stuck_department_id=stuck)
    with clock.frozen_at(at):
        return register_case(case, system_actor("window"))


def _summarized(case: Case, at: dt.datetime, root_cause: int, forwarded: int | None, summed: dt.datetime) -> Case:
    act(case, "resolve_on_spot", RESOLVE, at + dt.timedelta(hours=1))
    act(case, "evaluate", {"satisfaction": "satisfied", "channel": "on_site"}, at + dt.timedelta(hours=2))
    values = {"summary": "溯源分析", "root_cause_id": root_cause}
    return act(case, "summarize", values | ({"forwarded_department_id": forwarded} if forwarded else {}), summed)


def rootcause_cases() -> tuple[dict[str, int], dict[int, Case]]:
    """Build the story above through the real workflow: (catalog ids by name, {number: case})."""
    ids = _catalog()
    jia, yi, window = ids["甲"], ids["乙"], ids["测试窗口"]
    c: dict[int, Case] = {}
    story = [
        (1, T(2026, 1, 12, 9), jia, window, "根源一", IMPROVER, T(2026, 2, 2, 10)),
        (2, T(2026, 2, 2, 9), jia, window, "根源一", None, T(2026, 2, 9, 10)),
        (3, T(2026, 4, 15, 9), jia, window, "根源一", None, T(2026, 4, 20, 10)),
        (4, T(2026, 7, 1, 9), jia, window, "根源一", None, T(2026, 7, 6, 10)),
        (5, T(2026, 5, 6, 9), jia, window, "根源二", WINDOW, T(2026, 5, 20, 10)),
        (6, T(2026, 3, 3, 9), yi, None, "根源二", None, T(2026, 3, 10, 10)),
    ]
    for number, at, item, stuck, cause, forwarded, summed in story:
        case = _case(at, item, stuck, f"溯源-{number}")
        c[number] = _summarized(case, at, ids[cause], ids[forwarded] if forwarded else None, summed)
    c[7] = _case(T(2026, 3, 4, 9), yi, None, "溯源-7")
    c[8] = _case(T(2026, 10, 12, 9), yi, None, "溯源-8")
    c[9] = act(_case(T(2026, 8, 10, 9), jia, window, "溯源-9"), "void", {"reason": "重复登记"},
               T(2026, 8, 10, 10), username="admin")
    return ids, c


def numbers(cases: dict[int, Case], ids: set[int]) -> set[int]:
    """The story's numbers of a set of case ids."""
    by_id = {case.id: number for number, case in cases.items()}
    return {by_id.get(i, -1) for i in ids}
