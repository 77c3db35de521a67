"""The material of the demo cases: the Yang case step by step, and plausible everyday cases.

Each case is a `Story`: what was reported, and the workflow steps with their
dates. `seed.cases` replays every story through the workflow service with the
clock set to each step's date, so the demo data obeys the same rules as real use.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from seed import district as D

T = dt.datetime


@dataclass
class Step:
    """One workflow action at a moment in the past."""

    at: dt.datetime
    action: str
    values: dict[str, Any] = field(default_factory=dict)
    actor: str = "coordinator"
    note: str | None = None


@dataclass
class Story:
    """A case as reported, and what happened to it."""

    received_at: dt.datetime
    title: str
    description: str
    applicant: str
    channel: str = "window"
    kind: str = "person"
    phone: str | None = None
    service_item: str | None = None
    stuck: str | None = None
    enterprise: str | None = None
    special_group: str | None = None
    external_ref: str | None = None
    steps: list[Step] = field(default_factory=list)


def yang_case() -> Story:
    """杨女士追缴社保: Dec 2022 to June 2025, the article's timeline."""
    tax, hrss = D.TAX, D.HRSS
    return Story(
        received_at=T(2022, 12, 6, 9, 40),
        title="杨女士追缴原单位欠缴社保费（2009年4月至2012年5月）",
        description=(
            "杨女士已到退休年龄，但只缴纳了152个月社保，未满180个月，不能办理退休。原单位于2009年4月10日至"
            "2012年5月未依法为其缴纳职工社会保险。杨女士识字能力欠缺，求助窗口协调办理追缴投诉。"),
        applicant="杨女士", phone="13826630158", service_item="社会保险费补缴（追缴）", stuck=tax,
        special_group="low_literacy",
        steps=[
            Step(T(2022, 12, 7, 10, 0), "assess", {"problem_type": "difficult", "track": "agency",
                                                    "disposition": "escalate", "level": "center"},
                 note="需补缴十多年前的社保费，收集申请材料难度大；多次电话沟通和解答，协助收集材料"),
            Step(T(2023, 3, 31, 15, 0), "assign", {"lead_department_id": tax, "co_department_ids": [hrss],
                                                    "deadline_days": 10},
                 note="首次提交追缴社保材料到清城区税务局"),
            Step(T(2023, 4, 7, 11, 0), "reply", {"department_id": tax, "content": (
                "初审发现办事人无法提供工作证明材料和有效的银行流水账单，暂时无法提单。")}, actor="handler_tax"),
            Step(T(2023, 4, 10, 9, 0), "suspend", {"reason": "待补：工作证明材料、有效的银行工资流水账单"}),
            Step(T(2024, 1, 15, 10, 0), "resume", {},
                 note="杨女士整理物品时发现劳动合同并移交窗口，经税务局初审，合同符合投诉要求"),
            Step(T(2024, 1, 16, 9, 30), "reassign", {"reason": "银行流水未显示对方账户名称，需通过银行途径解决"}),
            Step(T(2024, 1, 17, 10, 0), "assign", {
                "lead_department_id": tax, "co_department_ids": [D.BANK_A, D.BANK_B, D.REGULATOR],
                "deadline_days": 20}, note="引导杨女士向两家银行及清远监管分局申请工资流水"),
            Step(T(2024, 2, 5, 9, 0), "suspend", {"reason": "等待银行出具显示对方账户名称的工资流水账单"}),
            Step(T(2024, 12, 16, 10, 0), "resume", {}, note="2024年12月领取了符合要求的银行工资流水账单"),
            Step(T(2024, 12, 20, 9, 0), "suspend", {"reason": "修改和整理追缴社保投诉申请资料"}),
            Step(T(2025, 1, 23, 10, 0), "resume", {}, note="再次提交追缴社保投诉申请"),
            Step(T(2025, 1, 23, 16, 0), "escalate", {"level": "district"},
                 note="税务局联合人社局和相关企业约谈，投诉具有特殊性，需区级层面协调"),
            Step(T(2025, 1, 24, 9, 0), "reassign", {"reason": "按区级协调重新交办"}),
            Step(T(2025, 1, 24, 9, 30), "assign", {"lead_department_id": tax, "co_department_ids": [hrss],
                                                    "deadline_days": 60},
                 note="协助杨女士针对性修改申请材料，核对无误后签名确认"),
            Step(T(2025, 2, 27, 15, 0), "reply", {"department_id": hrss, "content": (
                "已参与税务局、企业三方约谈，出具劳动关系核查意见。")}, actor="handler_hrss"),
            Step(T(2025, 3, 5, 10, 0), "sign", {"department_id": tax}, actor="handler_tax",
                 note="清城区税务局正式受理该投诉，进入审批流程"),
            Step(T(2025, 3, 10, 15, 0), "request_extension", {"department_id": tax, "days": 30,
                                                               "reason": "追缴投诉具有特殊性，审批流程较长"},
                 actor="handler_tax"),
            Step(T(2025, 3, 11, 9, 0), "approve_extension", {"department_id": tax, "approved": True}),
            Step(T(2025, 6, 6, 14, 0), "reply", {"department_id": tax, "content": (
                "业务已完成审批，补缴手续办结，已电话告知杨女士。")}, actor="handler_tax"),
            Step(T(2025, 6, 9, 10, 0), "resolve", {"result": (
                "杨女士到社保局查实，名下社保账号已完成补缴手续，满足退休条件，可享受退休待遇。"),
                "solved": "yes"}),
            Step(T(2025, 6, 12, 10, 0), "evaluate", {"satisfaction": "very_satisfied", "channel": "on_site",
                                                      "comment": "送来锦旗，感谢窗口一帮到底"}),
            Step(T(2025, 6, 30, 16, 0), "summarize", {
                "summary": ("历时两年半。难点在于十多年前的工作证明和银行流水；通过劳动合同、两家银行及清远监管分局"
                            "出具的流水，配合税务局、人社局和企业约谈办成。"),
                "root_cause_id": "历史遗留问题", "forwarded_department_id": tax}),
            Step(T(2025, 7, 1, 9, 0), "archive", {}),
        ],
    )


# (problem type, title, description, service item, where stuck, lead, co-handlers)
COORDINATED = [
    ("refused", "个体户设立登记被要求重复提交经营场所证明", "已提交租赁合同，窗口仍要求提供产权证明，群众多次往返。",
     "个体工商户设立登记", "商事登记窗口", D.MARKET, []),
    ("difficult", "企业变更登记网上申报多次被退回", "网上平台提示材料不全但未说明缺少何种材料。",
     "企业变更登记", D.MARKET, D.MARKET, []),
    ("difficult", "不动产转移登记需原单位证明但单位已注销", "房改房转移登记要求原单位盖章，原单位已注销多年。",
     "不动产转移登记", "不动产登记窗口", D.LAND, [D.HOUSING]),
    ("unwilling", "增值税发票申领窗口推诿至网上办理", "老年个体户不会网上操作，窗口让其自行回家办理。",
     "增值税发票申领", "税务综合窗口", D.TAX, []),
    ("difficult", "异地就医备案系统不通无法提交", "省平台与市系统数据不同步，备案一直显示处理中。",
     "异地就医备案", "社保医保窗口", D.MEDICAL, []),
    ("afraid", "建筑工程施工许可因历史用地问题不敢审批", "项目用地手续早年办理，窗口担心责任不敢受理。",
     "建筑工程施工许可", D.HOUSING, D.HOUSING, [D.LAND]),
    ("difficult", "养老保险待遇申领缺少早年档案", "早年档案遗失，无法认定视同缴费年限。",
     "企业职工基本养老保险待遇申领", D.SOCIAL, D.SOCIAL, [D.HRSS]),
    ("refused", "劳动保障监察投诉未予受理", "反映被拖欠工资，窗口称需先仲裁不予受理。",
     "劳动保障监察投诉", D.HRSS, D.HRSS, []),
    ("difficult", "镇街办理的证明与县区要求格式不一致", "村（居）出具的证明被区级窗口退回要求重开。",
     None, "凤城街道", "凤城街道", [D.MARKET]),
    ("complaint", "窗口工作人员服务态度生硬", "群众现场投诉工作人员解释不耐心。",
     None, "社保医保窗口", D.SOCIAL, []),
]

ON_SPOT = [
    ("consult", "咨询工伤追偿办理流程", "职工在工作中受伤，单位未参加工伤保险，不知道去哪里申请。",
     "工伤保险待遇申领（工伤追偿）",
     "告知先申请工伤认定，再申请劳动能力鉴定，单位未参保的由单位支付工伤待遇；提供区人社局地址和电话。"),
    ("policy", "咨询灵活就业人员社保缴费政策", "询问灵活就业人员缴费基数及补缴规定。",
     "社会保险费补缴（追缴）", "现场解读政策并提供缴费档次表。"),
    ("consult", "咨询个体户办理营业执照所需材料", "首次办理，不清楚需要哪些材料。", "个体工商户设立登记",
     "一次性告知所需材料并引导至商事登记窗口。"),
    ("suggestion", "建议大厅增加老年人帮办服务", "老年人不会使用自助机，建议安排专人帮办。", None,
     "记录建议并转中心，已安排志愿者在导办台帮办。"),
    ("policy", "咨询异地就医备案政策", "询问退休人员长期异地居住如何备案。", "异地就医备案",
     "现场讲解备案方式，指导通过粤智助自助机办理。"),
]

DECLINED = [
    ("已进入诉讼程序的劳动纠纷", "反映与原单位的劳动争议，案件已由法院受理。", "涉法涉诉事项",
     "案件已进入司法程序，请向清城区人民法院了解进展；如需法律援助可到区法律援助中心。"),
    ("要求重新处理已办结的信访事项", "对已作出的信访处理意见不服。", "信访事项",
     "请按《信访工作条例》向上一级行政机关申请复查。"),
]

APPLICANTS = ["李先生", "王女士", "陈先生", "刘女士", "黄先生", "张女士", "周先生", "吴女士", "郑先生", "梁女士",
              "何先生", "罗女士", "林先生", "谢女士", "冯先生"]
ENTERPRISES = ["清远市清城区华信贸易有限公司", "清远市凤城建筑工程有限公司", "清远市源潭陶瓷有限公司",
               "清城区龙塘镇美食店", "清远市洲心物流有限公司"]
CHANNELS = ["window", "window", "window", "online", "hotline_12345", "yueshengxin", "phone"]
ROOT_CAUSE_BY_TYPE = {"refused": "窗口服务不规范", "unwilling": "部门推诿", "afraid": "政策理解偏差",
                      "difficult": "材料要求不清", "complaint": "窗口服务不规范", "consult": "办事指南缺失",
                      "policy": "政策理解偏差", "suggestion": "办事指南缺失"}
YEAR_COUNTS = {2021: 30, 2022: 11, 2023: 10, 2024: 5, 2025: 3}
"""Cases per year besides the Yang case (received in December 2022): 30 / 12 / 10 / 5 / 3, 60 in all."""
AFTER_CRITICISM = T(2025, 10, 27, 9, 0)
"""社保's late 2025 case answers the week after the criticism of 2025-10-20 (seed.evaluations.CRITICISMS)."""


def _workday_after(day: dt.datetime, days: int, rng: random.Random) -> dt.datetime:
    from workdays.store import work_calendar

    date = work_calendar().add_workdays(day.date(), days)
    moment = T(date.year, date.month, date.day, rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 15, 30, 45]))
    # A step on the same day comes after the one it follows (the draw is kept so the stories stay the same).
    return max(moment, day + dt.timedelta(minutes=15))


def _received(year: int, i: int, count: int, rng: random.Random) -> dt.datetime:
    first = dt.date(2021, 5, 10) if year == 2021 else dt.date(year, 1, 5)
    last = dt.date(year, 11, 30)
    span = (last - first).days
    day = first + dt.timedelta(days=int(span * (i + rng.random() * 0.8) / count))
    from workdays.store import work_calendar

    day = work_calendar().next_workday(day)
    return T(day.year, day.month, day.day, rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([5, 20, 35, 50]))


def _coordinated(at: dt.datetime, template: tuple, rng: random.Random, *, late: bool, reopen: bool,
                 supervise: bool, not_before: dt.datetime | None = None) -> list[Step]:
    ptype, _title, _desc, _item, _stuck, lead, co = template
    track = "supervise" if ptype in ("refused", "unwilling", "complaint") else "coordinate"
    days = 5
    handler = {D.TAX: "handler_tax", D.HRSS: "handler_hrss"}.get(lead, "coordinator")
    steps = []
    t = _workday_after(at, rng.choice([0, 1]), rng)
    steps.append(Step(t, "assess", {"problem_type": ptype, "track": track,
                                     "disposition": "accountability" if track == "supervise" else "escalate",
                                     "level": "back_office"}))
    t = _workday_after(t, 0, rng)
    steps.append(Step(t + dt.timedelta(hours=1), "assign", {"lead_department_id": lead, "co_department_ids": co,
                                                            "deadline_days": days}))
    assigned = t
    t = _workday_after(assigned, 1, rng)
    steps.append(Step(t, "sign", {"department_id": lead}, actor=handler))
    if supervise:
        steps.append(Step(_workday_after(assigned, days + 1, rng), "supervise", {
            "department_id": lead, "supervision_level": "key", "deadline_days": 3,
            "reason": "超过办结时限仍未反馈办理情况"}))
    reply_at = _workday_after(assigned, days + 3 if late else rng.choice([2, 3, 4]), rng)
    if not_before and reply_at < not_before:
        reply_at = _workday_after(not_before, 1, rng)
    for co_department in co:
        steps.append(Step(reply_at - dt.timedelta(hours=1), "reply", {
            "department_id": co_department, "content": "已配合提供相关材料和意见。"}))
    steps.append(Step(reply_at, "reply", {"department_id": lead, "content": "已协调解决，并告知群众办理结果。"},
                      actor=handler))
    t = _workday_after(reply_at, 0, rng) + dt.timedelta(hours=1)
    steps.append(Step(t, "resolve", {"result": "经协调，相关部门已为群众办结该事项。", "solved": "yes"}))
    if reopen:
        t = _workday_after(t, 2, rng)
        steps.append(Step(t - dt.timedelta(hours=2), "callback", {"channel": "phone", "reached": False,
                                                                  "words": "无人接听"}))
        steps.append(Step(t, "callback", {"channel": "phone", "reached": True, "satisfaction": "unsatisfied",
                                          "words": "办理时间太长，结果不满意"}))
        t = _workday_after(t, 1, rng)
        steps.append(Step(t, "sign", {"department_id": lead}, actor=handler))
        t = _workday_after(t, 2, rng)
        steps.append(Step(t, "reply", {"department_id": lead, "content": "重新核查后补充办理完毕。"}, actor=handler))
        t = _workday_after(t, 0, rng) + dt.timedelta(hours=1)
        steps.append(Step(t, "resolve", {"result": "重办完成，群众诉求已解决。", "solved": "yes"}))
    t = _workday_after(t, 2, rng)
    steps.append(_verdict(t, rng.choice(["very_satisfied", "satisfied", "satisfied", "basically_satisfied"]),
                          rng.choice(["phone", "sms", "on_site"])))
    return steps + _close(t, ptype, lead, rng)


def _verdict(t: dt.datetime, satisfaction: str, channel: str) -> Step:
    """The applicant's verdict: a 回访 call that reached them when it came by phone, else an 评价 as given."""
    if channel == "phone":
        return Step(t, "callback", {"channel": "phone", "reached": True, "satisfaction": satisfaction})
    return Step(t, "evaluate", {"satisfaction": satisfaction, "channel": channel})


def _close(t: dt.datetime, ptype: str, forward: str | None, rng: random.Random) -> list[Step]:
    t1 = _workday_after(t, rng.choice([3, 5, 8]), rng)
    summary = {"summary": "已溯源分析，问题及改进建议已转相关部门。", "root_cause_id": ROOT_CAUSE_BY_TYPE[ptype]}
    if forward:
        summary["forwarded_department_id"] = forward
    return [Step(t1, "summarize", summary), Step(_workday_after(t1, 1, rng), "archive", {})]


def everyday_stories(seed: int = 2021) -> list[Story]:
    """The other 59 cases, spread over years, types, tracks and departments; same for the same seed."""
    rng = random.Random(seed)
    stories: list[Story] = []
    injury_consults = 0
    for year, count in YEAR_COUNTS.items():
        for i in range(count):
            at = _received(year, i, count, rng)
            kind = rng.random()
            # The last two of 2025 went past their deadline: 督办, and for 社保 the October criticism
            # (seed.evaluations) before it answered. Both were finished, so 2025 keeps the article's 100%.
            late_2025 = year == 2025 and i >= count - 2
            if late_2025:
                template = COORDINATED[3 if i == count - 1 else 6]
                steps_fn = "coordinated"
            elif kind < 0.28 or (year <= 2023 and injury_consults < 4 and i % 7 == 3):
                steps_fn = "on_spot"
            elif kind < 0.36 and year <= 2023:
                steps_fn = "declined"
            else:
                template = rng.choice(COORDINATED)
                steps_fn = "coordinated"
            name = rng.choice(APPLICANTS)
            channel = rng.choice(CHANNELS)
            ref = f"QY12345-{year}{i + 1:04d}" if channel == "hotline_12345" else (
                f"YSX{year}{rng.randint(100000, 999999)}" if channel == "yueshengxin" else None)
            if steps_fn == "on_spot":
                on_spot = ON_SPOT[0] if (year <= 2023 and injury_consults < 4 and i % 7 == 3) else rng.choice(ON_SPOT)
                if on_spot is ON_SPOT[0]:
                    injury_consults += 1
                ptype, title, desc, item, reply = on_spot
                t = at + dt.timedelta(minutes=rng.choice([20, 40, 60]))
                steps = [Step(t, "resolve_on_spot", {"result": reply, "solved": "yes", "reply": reply},
                              actor="window"),
                         Step(t + dt.timedelta(minutes=5), "evaluate", {
                             "satisfaction": rng.choice(["very_satisfied", "satisfied"]), "channel": "on_site"},
                             actor="window")]
                steps += _close(t, ptype, D.HRSS if item and "工伤" in item else None, rng)
                stories.append(Story(at, title, desc, name, channel="window", phone=_phone(rng),
                                     service_item=item, steps=steps))
            elif steps_fn == "declined":
                title, desc, _reason, redirect = rng.choice(DECLINED)
                t = _workday_after(at, 0, rng)
                steps = [Step(t, "decline", {"reason": _reason, "redirect_to": redirect}),
                         Step(_workday_after(t, 2, rng), "archive", {})]
                stories.append(Story(at, title, desc, name, channel=channel, phone=_phone(rng), external_ref=ref,
                                     steps=steps))
            else:
                ptype, title, desc, item, stuck, lead, co = template
                enterprise = rng.choice(ENTERPRISES) if item and ("登记" in item or "许可" in item) else None
                late = (year == 2021 and i % 6 == 1) or late_2025
                steps = _coordinated(at, template, rng, late=late, reopen=(i % 9 == 4), supervise=late,
                                     not_before=AFTER_CRITICISM if late_2025 and i == count - 2 else None)
                stories.append(Story(at, title, desc, name, channel=channel, phone=_phone(rng),
                                     kind="enterprise" if enterprise else "person", enterprise=enterprise,
                                     service_item=item, stuck=stuck, external_ref=ref, steps=steps))
    return stories


def _phone(rng: random.Random) -> str:
    return "13" + str(rng.randint(0, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
