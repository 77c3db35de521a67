"""The 溯源分析 screen through real HTTP: who sees it, counts that open their cases, making and linking a
guide card from a group, the card printed, and the card suggested at intake."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from docx import Document

from extensions import db
from models import Case, GuideCard, ServiceItem
from tests.helpers import case_where, visible_text
from tests.rootcause_support import TODAY, rootcause_cases
from workdays import clock

INJURY = "工伤保险待遇申领（工伤追偿）"


@pytest.fixture
def story(app_ctx):
    ids, cases = rootcause_cases()
    with clock.frozen_at(TODAY):
        yield ids, cases


def _row(html: str, codes: str) -> str:
    """The table row of the group whose value codes are `codes`."""
    match = re.search(rf'<tr class="[^"]*" data-group="{codes}">(.*?)</tr>', html, re.S)
    assert match, f"no row {codes}"
    return match.group(1)


def _links(row: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="(/cases/list/[^"]+)"', row)]


def _card(title: str) -> GuideCard:
    db.session.expire_all()
    return db.session.execute(sa.select(GuideCard).where(GuideCard.title == title)).scalar_one()


@pytest.mark.parametrize("username, status", [("leader", 200), ("coordinator", 200), ("admin", 200),
                                              ("window", 403), ("handler_tax", 403)])
def test_leaders_and_coordinators_open_it_from_the_menu(as_user, username, status):
    client = as_user(username)
    assert client.get("/rootcause/").status_code == status
    assert ('href="/rootcause/"' in client.get("/dashboard/").get_data(as_text=True)) == (status == 200)


def test_every_count_opens_the_list_of_its_cases(story, as_user):
    ids, _cases = story
    client = as_user("coordinator")
    html = client.get("/rootcause/?period=2026").get_data(as_text=True)
    row = _row(html, f'{ids["甲"]},{ids["测试窗口"]},{ids["根源一"]}')
    text = visible_text(row)
    # Q1 2 · Q2 1 · Q3 1 · Q4 0 · total 4; forwarded to 测试局 on 02-02; 2 before, 2 after; no card yet
    assert re.search(r"2\s*1\s*1\s*0\s*4", text) and "测试局" in text and "2026-02-02" in text
    assert "无指南卡片" in text and "制作指南卡片" in text and "关联已有卡片" in text
    links = _links(row)
    # Q1, Q2, Q3, total, before, after (a count of 0 is no link)
    assert len(links) == 6
    listed = visible_text(client.get(links[3]).get_data(as_text=True))
    assert {f"溯源-{n}" for n in (1, 2, 3, 4)} <= set(re.findall(r"溯源-\d", listed))
    assert "溯源-5" not in listed and "溯源-9" not in listed
    after = visible_text(client.get(links[5]).get_data(as_text=True))
    assert set(re.findall(r"溯源-\d", after)) == {"溯源-3", "溯源-4"}


def test_the_leader_sees_groupings_but_no_card_buttons(story, as_user):
    html = as_user("leader").get("/rootcause/?period=2026&grouping=service_item&bucket=year").get_data(as_text=True)
    ids, _cases = story
    assert "事项甲" in visible_text(_row(html, str(ids["甲"])))
    assert "无指南卡片" in html and "制作指南卡片" not in html and "关联已有卡片" not in html


def test_a_card_made_from_a_group_is_filled_in_and_then_answers_it(story, as_user):
    ids, _cases = story
    client = as_user("coordinator")
    html = client.get("/rootcause/?period=2026").get_data(as_text=True)
    make = re.search(r'href="(/guide-cards/add[^"]+)"[^>]*>制作指南卡片', _row(
        html, f'{ids["甲"]},{ids["测试窗口"]},{ids["根源一"]}')).group(1).replace("&amp;", "&")
    form = client.get(make).get_data(as_text=True)
    assert "事项甲办事指南" in form and "事项甲 · 测试窗口 · 根源一" in form
    assert re.search(rf'<option[^>]*value="{ids["甲"]}"[^>]*selected', form)
    assert re.search(rf'<option[^>]*value="{ids["测试窗口"]}"[^>]*selected', form)
    saved = client.post("/guide-cards/add", data={
        "title": "事项甲办事指南", "question": "事项甲 · 测试窗口 · 根源一", "content": "一、带身份证。\n二、到窗口。",
        "service_item": ids["甲"], "department": ids["测试窗口"], "is_published": "y"})
    assert saved.status_code == 302
    html = client.get("/rootcause/?period=2026").get_data(as_text=True)
    row = _row(html, f'{ids["甲"]},{ids["测试窗口"]},{ids["根源一"]}')
    assert "事项甲办事指南" in row and "无指南卡片" not in row


def test_linking_an_existing_card_to_a_group(story, as_user):
    ids, _cases = story
    card = _card("工伤追偿办理指南")
    client = as_user("coordinator")
    refused = client.post("/rootcause/link", data={"card": "abc", "service_item": ids["乙"]}, follow_redirects=True)
    assert "请选择一张已发布的指南卡片" in refused.get_data(as_text=True)
    assert _card("工伤追偿办理指南").service_item_id == card.service_item_id  # unchanged
    done = client.post("/rootcause/link", data={"card": card.id, "service_item": ids["乙"], "period": "2026"})
    assert done.status_code == 302 and "period=2026" in done.headers["Location"]
    assert _card("工伤追偿办理指南").service_item_id == ids["乙"]
    html = client.get("/rootcause/?period=2026").get_data(as_text=True)
    assert "工伤追偿办理指南" in _row(html, f'{ids["乙"]},none,none')
    assert as_user("leader").post("/rootcause/link", data={"card": card.id, "service_item": ids["甲"]}) \
        .status_code == 403


def test_the_card_prints_as_a_page_and_a_word_file(app_ctx, as_user):
    card = _card("工伤追偿办理指南")
    client = as_user("handler_hrss")
    page = visible_text(client.get(f"/guide-cards/print/{card.id}").get_data(as_text=True))
    assert "工伤追偿办理指南" in page and "办理指引" in page
    assert "一、先向清城区人力资源和社会保障局申请工伤认定" in page
    assert "联系单位" in page and "清城区人力资源和社会保障局" in page
    response = client.get(f"/guide-cards/document/{card.id}")
    assert response.status_code == 200 and "wordprocessingml" in response.mimetype
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "工伤追偿办理指南" in text and "咨询：区人社局（0763-3362345）" in text and "一楼导办台" in text
    show = client.get(f"/guide-cards/show/{card.id}").get_data(as_text=True)
    assert f"/guide-cards/document/{card.id}" in show and f"/guide-cards/print/{card.id}" in show


def test_intake_suggests_the_card_of_the_chosen_service_item(app_ctx, as_user):
    injury = db.session.execute(sa.select(ServiceItem).where(ServiceItem.name == INJURY)).scalar_one()
    other = db.session.execute(sa.select(ServiceItem).where(ServiceItem.name == "企业变更登记")).scalar_one()
    client = as_user("window")
    assert 'id="guide-card-hint"' in client.get("/cases/add").get_data(as_text=True)
    found = client.get(f"/guide-cards/suggest?service_item={injury.id}").get_json()["cards"]
    assert [c["message"] for c in found] == ["建议：可向群众提供《工伤追偿办理指南》指南卡片"]
    assert found[0]["print_url"].startswith("/guide-cards/print/")
    assert client.get(f"/guide-cards/suggest?service_item={other.id}").get_json() == {"cards": []}
    assert client.get("/guide-cards/suggest?service_item=x'--").get_json() == {"cards": []}


def test_the_case_page_suggests_the_card_too(app_ctx, as_user):
    injury_case = case_where(Case.service_item.has(ServiceItem.name == INJURY))
    page = as_user("coordinator").get(f"/cases/show/{injury_case.id}").get_data(as_text=True)
    assert "建议：可向群众提供《工伤追偿办理指南》指南卡片" in page


def test_bad_choices_are_explained_in_chinese_and_change_nothing(story, as_user):
    ids, _cases = story
    client = as_user("coordinator")
    page = client.get("/rootcause/?period=custom&from=2026-13-01&to=x&grouping=<b>&bucket=decade")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200 and "已显示全部年份" in text and "2021-01-01 至 2026-12-31" in text
    before = _card("工伤追偿办理指南").service_item_id
    refused = client.post("/rootcause/link", data={"card": _card("工伤追偿办理指南").id, "service_item": "x",
                                                   "department": "99999999"}, follow_redirects=True)
    assert "既未关联政务服务事项，也未记录卡点单位" in refused.get_data(as_text=True)
    assert _card("工伤追偿办理指南").service_item_id == before
