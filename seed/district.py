"""The Qingcheng district of the article: units, accounts, coordinators, catalog, dictionaries.

Every function is idempotent: it looks records up by their natural key and
creates only what is missing, so `flask seed-demo` can run any number of times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from access import roles as R
from extensions import db
from models import Coordinator, Department, DictionaryEntry, DutyRota, GuideCard, ServiceItem, StaffUser
from models.enums import DepartmentKind as K
from models.enums import DictionaryKind, Position
from workdays.store import work_calendar

GOV = "清城区人民政府"
BUREAU = "清城区政务服务和数据管理局"
CENTER = "高新区、清城区政务服务中心"
TAX = "清城区税务局"
HRSS = "清城区人力资源和社会保障局"
SOCIAL = "清远市社会保险基金管理局清城分局"
REGULATOR = "国家金融监督管理总局清远监管分局"
BANK_A = "中国农业银行清远分行"
BANK_B = "中国建设银行清远分行"
MARKET = "清城区市场监督管理局"
HOUSING = "清城区住房和城乡建设局"
LAND = "清远市自然资源局清城分局"
MEDICAL = "清城区医疗保障局"
TOWNS = ["凤城街道", "东城街道", "洲心街道", "横荷街道", "源潭镇", "龙塘镇", "石角镇", "飞来峡镇"]
WINDOWS = ["税务综合窗口", "社保医保窗口", "不动产登记窗口", "商事登记窗口"]

DEPARTMENTS: list[tuple[str, str | None, K, str | None, int]] = [
    (GOV, None, K.DISTRICT, "区政府", 1),
    (BUREAU, GOV, K.DISTRICT, "区政数局", 2),
    (CENTER, BUREAU, K.SERVICE_CENTER, "区政务服务中心", 3),
    *[(w, CENTER, K.HALL_WINDOW, w, 10 + i) for i, w in enumerate(WINDOWS)],
    (TAX, GOV, K.BACK_OFFICE, "区税务局", 20),
    (HRSS, GOV, K.BACK_OFFICE, "区人社局", 21),
    (SOCIAL, HRSS, K.BACK_OFFICE, "社保局", 22),
    (MARKET, GOV, K.BACK_OFFICE, "区市场监管局", 23),
    (HOUSING, GOV, K.BACK_OFFICE, "区住建局", 24),
    (LAND, GOV, K.BACK_OFFICE, "自然资源分局", 25),
    (MEDICAL, GOV, K.BACK_OFFICE, "区医保局", 26),
    *[(t, GOV, K.TOWN, t, 40 + i) for i, t in enumerate(TOWNS)],
    (BANK_A, None, K.EXTERNAL, "农行清远分行", 60),
    (BANK_B, None, K.EXTERNAL, "建行清远分行", 61),
    (REGULATOR, None, K.EXTERNAL, "清远监管分局", 62),
]
"""(name, parent, kind, short name, sort order)."""


@dataclass(frozen=True)
class Account:
    """A demo login."""

    username: str
    family: str
    given: str
    role: str
    department: str


ACCOUNTS = [
    Account("admin", "王", "建国", R.ADMIN, CENTER),
    Account("window", "李", "敏", R.WINDOW, CENTER),
    Account("coordinator", "张", "俊", R.COORDINATOR, CENTER),
    Account("handler_tax", "刘", "洋", R.HANDLER, TAX),
    Account("handler_hrss", "黄", "丽", R.HANDLER, HRSS),
    Account("leader", "陈", "超", R.LEADER, CENTER),
]
"""The accounts of CONTRACT.md (张俊 and 陈超 are named in the article)."""

EXTRA_COORDINATORS = [
    Account("zhou_tax", "周", "敏", R.COORDINATOR, TAX),
    Account("wu_hrss", "吴", "刚", R.COORDINATOR, HRSS),
    Account("zheng_market", "郑", "华", R.COORDINATOR, MARKET),
]
"""Department representatives who take turns at the window (轮流坐窗)."""

POSITIONS = {
    "coordinator": Position.TASK_FORCE,
    "zhou_tax": Position.CHIEF_REPRESENTATIVE,
    "wu_hrss": Position.APPROVAL_HEAD,
    "zheng_market": Position.CHIEF_REPRESENTATIVE,
}

SERVICE_ITEMS = [
    ("441802-SB-001", "社会保险费补缴（追缴）", TAX),
    ("441802-SB-002", "企业职工基本养老保险待遇申领", SOCIAL),
    ("441802-GS-001", "工伤保险待遇申领（工伤追偿）", SOCIAL),
    ("441802-RS-001", "劳动保障监察投诉", HRSS),
    ("441802-SW-001", "增值税发票申领", TAX),
    ("441802-SC-001", "个体工商户设立登记", MARKET),
    ("441802-SC-002", "企业变更登记", MARKET),
    ("441802-BDC-001", "不动产转移登记", LAND),
    ("441802-ZJ-001", "建筑工程施工许可", HOUSING),
    ("441802-YB-001", "异地就医备案", MEDICAL),
]

ROOT_CAUSES = ["材料要求不清", "系统不通", "部门推诿", "政策理解偏差", "办事指南缺失", "历史遗留问题", "窗口服务不规范"]
DECLINE_REASONS = ["涉法涉诉事项", "信访事项", "不符合现行政策", "非政务服务事项"]


def _one(model: type, **where: object) -> object | None:
    return db.session.execute(sa.select(model).filter_by(**where)).scalar_one_or_none()


def seed_departments() -> dict[str, Department]:
    """Create the district's units; return them by name."""
    by_name: dict[str, Department] = {d.name: d for d in db.session.execute(sa.select(Department)).scalars()}
    for name, parent, kind, short, order in DEPARTMENTS:
        if name not in by_name:
            dept = Department(name=name, kind=kind, short_name=short, sort_order=order,
                              parent=by_name.get(parent) if parent else None)
            if name == REGULATOR:
                dept.description = "原银保监会清远监管分局"
            db.session.add(dept)
            by_name[name] = dept
    db.session.flush()
    return by_name


def seed_accounts(departments: dict[str, Department], password: str) -> dict[str, StaffUser]:
    """Create the demo accounts and the extra coordinators' accounts."""
    from flask import current_app

    sm = current_app.appbuilder.sm
    users: dict[str, StaffUser] = {}
    for acc in ACCOUNTS + EXTRA_COORDINATORS:
        user = _one(StaffUser, username=acc.username)
        if user is None:
            user = StaffUser(
                username=acc.username, first_name=acc.given, last_name=acc.family,
                email=f"{acc.username}@qingcheng.example", active=True,
                password=generate_password_hash(password, method=current_app.config.get(
                    "FAB_PASSWORD_HASH_METHOD", "scrypt")),
                department=departments[acc.department],
            )
            user.roles = [sm.find_role(acc.role)]
            db.session.add(user)
        users[acc.username] = user
    db.session.flush()
    for username, position in POSITIONS.items():
        user = users[username]
        if _one(Coordinator, user_id=user.id) is None:
            db.session.add(Coordinator(user=user, department=user.department, position=position,
                                       phone="0763-33" + str(62000 + user.id)[-5:]))
    db.session.flush()
    return users


def seed_catalog(departments: dict[str, Department]) -> dict[str, ServiceItem]:
    """Create the service items and the dictionaries."""
    items = {}
    for code, name, dept in SERVICE_ITEMS:
        item = _one(ServiceItem, code=code)
        if item is None:
            item = ServiceItem(code=code, name=name, department=departments[dept])
            db.session.add(item)
        items[name] = item
    for kind, names in ((DictionaryKind.ROOT_CAUSE, ROOT_CAUSES), (DictionaryKind.DECLINE_REASON, DECLINE_REASONS)):
        for i, name in enumerate(names):
            if _one(DictionaryEntry, kind=kind, name=name) is None:
                db.session.add(DictionaryEntry(kind=kind, name=name, sort_order=i + 1))
    db.session.flush()
    return items


def seed_guide_card(departments: dict[str, Department], items: dict[str, ServiceItem]) -> None:
    """The 工伤追偿 guide card of the article, at the help desk."""
    title = "工伤追偿办理指南"
    if _one(GuideCard, title=title) is None:
        db.session.add(GuideCard(
            title=title,
            question="用人单位未参加工伤保险，职工受伤后如何追偿工伤待遇？",
            content=(
                "一、先向清城区人力资源和社会保障局申请工伤认定（受伤之日起一年内）。\n"
                "二、认定后申请劳动能力鉴定。\n"
                "三、用人单位未参保的，由用人单位按标准支付工伤待遇；拒不支付的，可向劳动人事争议仲裁委员会申请仲裁。\n"
                "四、已参保的，向社保局申领工伤保险待遇。\n"
                "咨询：区人社局（0763-3362345），社保局（0763-3378123）。"
            ),
            service_item=items["工伤保险待遇申领（工伤追偿）"],
            department=departments[HRSS],
            location="一楼导办台",
        ))


def seed_duty_rota(start: dt.date, end: dt.date) -> None:
    """Take turns at the window on every working day from `start` to `end`."""
    coordinators = db.session.execute(sa.select(Coordinator).order_by(Coordinator.id)).scalars().all()
    if not coordinators:
        return
    planned = set(db.session.execute(
        sa.select(DutyRota.day).where(DutyRota.day.between(start, end))).scalars())
    for i, day in enumerate(work_calendar().workdays(start, end)):
        if day not in planned:
            db.session.add(DutyRota(day=day, coordinator=coordinators[i % len(coordinators)]))
    db.session.flush()
