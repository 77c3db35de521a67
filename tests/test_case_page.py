"""The case page's header: the 7 steps 受理→研判→交办→办结→评价→总结→归档 with the day each was reached, and the
deadline with the working days left (or how many it is overdue)."""

from __future__ import annotations

import datetime as dt
import re

from models.enums import CaseStatus
from tests.workflow_support import NOW, case_in
from workdays import clock

STEPS = ["受理", "研判", "交办", "办结", "评价", "总结", "归档"]


def path(html: str) -> list[tuple[str, str, str]]:
    """(state, label, day) of each step drawn on the page."""
    bar = html.split('class="case-path"', 1)[1].split("</ol>", 1)[0]
    return [(state, re.sub(r"<[^>]+>", "", label).strip(), day) for state, label, day in re.findall(
        r'<li class="step-(\w+)"[^>]*>\s*<span class="step-label">(.*?)</span>\s*<span class="step-day">([^<]*)</span>',
        bar, flags=re.S)]


def test_an_assigned_case_shows_where_it_stands_and_the_working_days_left(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)          # received, assessed and assigned on Mon 2026-03-02, 5 working days
    with clock.frozen_at(dt.datetime(2026, 3, 4, 10)):
        page = as_user("coordinator").get(f"/cases/show/{case.id}").get_data(as_text=True)
    drawn = path(page)
    assert [label for _s, label, _d in drawn] == [s for s in STEPS], drawn
    assert [state for state, _l, _d in drawn] == ["done", "done", "current", "todo", "todo", "todo", "todo"]
    assert [day for _s, _l, day in drawn][:3] == ["2026-03-02"] * 3 and drawn[3][2] == ""
    # due Mon 03-09 (5 working days after 03-02); on Wed 03-04 the working days still ahead are 03-05, 03-06, 03-09
    assert "2026-03-09" in page and "剩 3 个工作日" in page


def test_an_overdue_case_says_by_how_many_working_days(app_ctx, as_user):
    case = case_in(CaseStatus.ASSIGNED)
    with clock.frozen_at(dt.datetime(2026, 3, 12, 10)):
        page = as_user("coordinator").get(f"/cases/show/{case.id}").get_data(as_text=True)
    # due Mon 03-09; on Thu 03-12 the working days past it are 03-10, 03-11, 03-12
    assert "已超期 3 个工作日" in page


def test_a_finished_case_has_every_step_dated_and_no_days_left(app_ctx, as_user):
    case = case_in(CaseStatus.ARCHIVED, NOW)
    page = as_user("leader").get(f"/cases/show/{case.id}").get_data(as_text=True)
    drawn = path(page)
    assert [state for state, _l, _d in drawn] == ["done"] * 6 + ["current"]
    assert all(day for _s, _l, day in drawn) and "个工作日" not in page.split('class="case-path"', 1)[0]
