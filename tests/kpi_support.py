"""A constructed month for the KPI tests: eleven cases received in March 2026, judged on 15 April 2026.

The demo district has no record after 2025, so March 2026 holds only these. March 2026 has no
holiday: its working days are Monday to Friday. Every expected value in the tests is computed by
hand from the story below, never read back from the code under test.

    case  received        what happened                                                   response due
    A     Mon 03-02 09:00 研判 03-02, 交办 (due 03-09), 办结 03-05, 满意 03-06,
                          总结 03-09 (根源 材料要求不清, 转税务局改进)                            03-03
    B     Mon 03-02 09:30 研判 03-04 (late), 交办 (due 03-11), 办结 03-13 (late), 基本满意 03-16  03-03
    C     Tue 03-03       研判 03-03, 交办 (due 03-10), 办结 03-06, 不满意 03-09 → 重办 (due 03-16),
                          办结 03-11, 非常满意 03-12, 总结 03-13 (根源 材料要求不清)          03-04
    D     Wed 03-04       研判 03-05, 交办 (due 03-12), 督办 03-13, 通报批评 03-20; still open   03-05
    E     Thu 03-05       不予受理 03-05                                                    03-06
    F     Fri 03-06       当场办结 03-06, 满意 03-06                                         Mon 03-09
    G     Mon 03-09       研判 03-10, 交办 (due 03-17), 办结 03-12, 不满意 03-13 → 重办 (due 03-20),
                          督办 03-23; still open                                           03-10
    H     Tue 03-10       nothing: still 受理                                               03-11
    V     Wed 03-11       作废 03-11 (never counted)                                        —
    S     Thu 03-12       研判, 交办 (due 03-19) 03-12, 挂起 03-13: the clock stopped         03-13
    I     Tue 03-31 16:00 研判 Wed 04-01, 当场办结 04-01                                     04-01

Besides: P received Fri 2026-02-27 and 研判 the same day (the previous month), and a case received
on 2026-04-01 (the month after). All cases are handed to the tax bureau when assigned.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from extensions import db
from models import Case, DictionaryEntry
from tests.workflow_support import ASSESS, RESOLVE, act, new_case

T = dt.datetime
TODAY = dt.date(2026, 4, 15)
TAX = "清城区税务局"
ASSIGN = {"lead_department_id": TAX, "deadline_days": 5}
SUPERVISE = {"department_id": TAX, "supervision_level": "general", "reason": "超期未反馈"}


def _verdict(level: str) -> dict:
    return {"satisfaction": level, "channel": "phone"}


def _assigned(received: dt.datetime, assessed: dt.datetime, title: str) -> Case:
    case = act(new_case(received, title), "assess", ASSESS, assessed)
    return act(case, "assign", ASSIGN, assessed + dt.timedelta(hours=1))


def _summary(root_cause: str, forwarded: str | None = None) -> dict:
    cause = db.session.execute(sa.select(DictionaryEntry.id).where(DictionaryEntry.name == root_cause)).scalar_one()
    values = {"summary": "溯源分析", "root_cause_id": cause}
    return values | ({"forwarded_department_id": forwarded} if forwarded else {})


def march_cases() -> dict[str, Case]:
    """Build the story above through the real workflow; {letter: case}."""
    c: dict[str, Case] = {}
    c["A"] = _assigned(T(2026, 3, 2, 9), T(2026, 3, 2, 10), "KPI-A")
    act(c["A"], "resolve", RESOLVE, T(2026, 3, 5, 10))
    act(c["A"], "evaluate", _verdict("satisfied"), T(2026, 3, 6, 10))
    act(c["A"], "summarize", _summary("材料要求不清", TAX), T(2026, 3, 9, 10))

    c["B"] = _assigned(T(2026, 3, 2, 9, 30), T(2026, 3, 4, 10), "KPI-B")
    act(c["B"], "resolve", RESOLVE, T(2026, 3, 13, 10))
    act(c["B"], "evaluate", _verdict("basically_satisfied"), T(2026, 3, 16, 10))

    c["C"] = _assigned(T(2026, 3, 3, 9), T(2026, 3, 3, 10), "KPI-C")
    act(c["C"], "resolve", RESOLVE, T(2026, 3, 6, 10))
    act(c["C"], "evaluate", _verdict("unsatisfied"), T(2026, 3, 9, 10))
    act(c["C"], "resolve", RESOLVE, T(2026, 3, 11, 10))
    act(c["C"], "evaluate", _verdict("very_satisfied"), T(2026, 3, 12, 10))
    act(c["C"], "summarize", _summary("材料要求不清"), T(2026, 3, 13, 10))

    c["D"] = _assigned(T(2026, 3, 4, 9), T(2026, 3, 5, 9), "KPI-D")
    act(c["D"], "supervise", SUPERVISE, T(2026, 3, 13, 10))
    act(c["D"], "criticize", {"reason": "overdue", "severity": "general", "rectify_days": 5}, T(2026, 3, 20, 10))

    c["E"] = act(new_case(T(2026, 3, 5, 9), "KPI-E"), "decline", {"reason": "涉诉", "redirect_to": "区法院"},
                 T(2026, 3, 5, 10))

    c["F"] = act(new_case(T(2026, 3, 6, 9), "KPI-F"), "resolve_on_spot", RESOLVE, T(2026, 3, 6, 9, 30))
    act(c["F"], "evaluate", _verdict("satisfied"), T(2026, 3, 6, 9, 40))

    c["G"] = _assigned(T(2026, 3, 9, 9), T(2026, 3, 10, 9), "KPI-G")
    act(c["G"], "resolve", RESOLVE, T(2026, 3, 12, 10))
    act(c["G"], "evaluate", _verdict("unsatisfied"), T(2026, 3, 13, 10))
    act(c["G"], "supervise", SUPERVISE, T(2026, 3, 23, 10))

    c["H"] = new_case(T(2026, 3, 10, 9), "KPI-H")

    c["V"] = act(new_case(T(2026, 3, 11, 9), "KPI-V"), "void", {"reason": "重复登记"}, T(2026, 3, 11, 10),
                 username="admin")

    c["S"] = _assigned(T(2026, 3, 12, 9), T(2026, 3, 12, 10), "KPI-S")
    act(c["S"], "suspend", {"reason": "待补材料"}, T(2026, 3, 13, 10))

    c["I"] = act(new_case(T(2026, 3, 31, 16), "KPI-I"), "assess", ASSESS, T(2026, 4, 1, 9))
    act(c["I"], "resolve_on_spot", RESOLVE, T(2026, 4, 1, 10))

    c["P"] = act(new_case(T(2026, 2, 27, 9), "KPI-P"), "assess", ASSESS, T(2026, 2, 27, 10))
    c["April"] = new_case(T(2026, 4, 1, 9), "KPI-April")
    return c


def letters(cases: dict[str, Case], ids: set[int]) -> set[str]:
    """The story letters of a set of case ids."""
    return {letter for letter, case in cases.items() if case.id in ids}
