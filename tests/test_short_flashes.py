"""Flashes travel in the session cookie: they name a few cases and count the rest.

An import of 3 000 work orders once flashed every case number: a 10 KB cookie,
and the next request answered 431. Imports and bulk actions now flash a count,
at most ten numbers, and a count of the rest.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from console.formatting import FEW
from extensions import db
from models import Case
from models.enums import CaseStatus
from tests.test_import_orders import HEADER, upload
from tests.workflow_support import case_in, department

ALERT = re.compile(r'<div class="alert[^"]*">(.*?)</div>', re.S)


def alerts(html: str) -> str:
    """The text of the page's flash messages."""
    return " ".join(ALERT.findall(html))


def many_orders(count: int) -> bytes:
    rows = [f"GDX{n:05d},12345热线,2026-03-02 09:{n % 60:02d},标题,诉求内容{n},李先生,,,,," for n in range(count)]
    return "\n".join([HEADER, *rows]).encode("utf-8-sig")


def flashed_numbers(html: str) -> list[str]:
    return re.findall(r"BBC-\d{4}-\d{4,}", alerts(html))


def test_an_import_flash_names_a_count_not_every_case(as_user, app_ctx):
    client = as_user("coordinator")
    data = many_orders(25)
    page = upload(client, data).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post("/cases/import", data={"token": token})
    assert done.status_code == 302
    cookie = done.headers.get("Set-Cookie", "")
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已导入 25 件工单" in listing
    assert len(flashed_numbers(listing)) <= 2, "at most the first and last number"
    assert len(cookie) < 1500, f"session cookie of {len(cookie)} bytes"
    created = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.external_ref.like("GDX%")))
    assert created == 25
    # 25 of 26 again: the flash names a few of the 25 skipped and counts the rest.
    page = upload(client, many_orders(26)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    listing = client.get(client.post("/cases/import", data={"token": token}).headers["Location"])
    flashed = alerts(listing.get_data(as_text=True))
    assert "已导入 1 件工单" in flashed
    assert flashed.count("已导入过") == FEW + 1 and "另有 15 件工单已导入过" in flashed, "ten named, fifteen counted"


def test_a_bulk_action_names_ten_cases_and_counts_the_rest(as_user, app_ctx):
    assessing = [case_in(CaseStatus.ASSESSING) for _ in range(12)]
    archived = [case_in(CaseStatus.ARCHIVED) for _ in range(12)]
    client = as_user("coordinator")
    done = client.post("/cases/bulk/assign", data={
        "rowid": [str(c.id) for c in assessing + archived], "confirm": "1",
        "lead_department_id": department("清城区税务局").id, "deadline_days": "5"})
    assert done.status_code == 302
    assert len(done.headers.get("Set-Cookie", "")) < 2500
    flashed = alerts(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "已对 12 件事项执行「交办」" in flashed and "等 12 件" in flashed
    assert sum(c.number in flashed for c in assessing) == FEW
    assert sum(c.number in flashed for c in archived) == FEW and "另有 2 件事项未执行" in flashed
