"""Every closed list of the domain: stored as stable English codes, shown in Chinese.

The codes are the API values of ../shared/CONTRACT.md; the labels are msgids
translated in translations/zh.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models.base import LabeledEnum


class DepartmentKind(LabeledEnum):
    """What kind of unit a department is (DOMAIN: 部门/单位)."""

    HALL_WINDOW = "hall_window", _l("Hall window")
    BACK_OFFICE = "back_office", _l("Back-office unit")
    SERVICE_CENTER = "service_center", _l("Government service center")
    TOWN = "town", _l("Town or street")
    DISTRICT = "district", _l("District department")
    EXTERNAL = "external", _l("External unit")


class Position(LabeledEnum):
    """A coordinator's position (协调专员)."""

    APPROVAL_HEAD = "approval_head", _l("Head of administrative approval")
    CHIEF_REPRESENTATIVE = "chief_representative", _l("Chief window representative")
    TASK_FORCE = "task_force", _l("Task force member")


class Channel(LabeledEnum):
    """How a report reached the window."""

    WINDOW = "window", _l("On-site window")
    ONLINE = "online", _l("Online platform")
    HOTLINE_12345 = "hotline_12345", _l("12345 hotline")
    YUESHENGXIN = "yueshengxin", _l("Yueshengxin")
    PHONE = "phone", _l("Telephone")
    LETTER = "letter", _l("Letter")


class ApplicantKind(LabeledEnum):
    """A citizen or an enterprise."""

    PERSON = "person", _l("Individual")
    ENTERPRISE = "enterprise", _l("Enterprise")


class SpecialGroup(LabeledEnum):
    """Applicants who need help to get things done (帮办)."""

    ELDERLY = "elderly", _l("Elderly")
    DISABLED = "disabled", _l("Disabled")
    LOW_LITERACY = "low_literacy", _l("Limited literacy")
    OTHER = "other", _l("Other special group")


class ProblemType(LabeledEnum):
    """反映类型."""

    AFRAID = "afraid", _l("Afraid to handle")
    UNWILLING = "unwilling", _l("Unwilling to handle")
    REFUSED = "refused", _l("Refused to handle")
    DIFFICULT = "difficult", _l("Difficult to handle")
    CONSULT = "consult", _l("Consultation and guidance")
    POLICY = "policy", _l("Policy interpretation")
    SUGGESTION = "suggestion", _l("Opinion or suggestion")
    COMPLAINT = "complaint", _l("On-site complaint")


class Track(LabeledEnum):
    """处办机制: how the problem is handled, by its nature."""

    ON_SPOT = "on_spot", _l("Handle on the spot")
    COORDINATE = "coordinate", _l("Handle by coordination")
    SUPERVISE = "supervise", _l("Handle under supervision")
    AGENCY = "agency", _l("Handle on the applicant's behalf")


class Disposition(LabeledEnum):
    """处置方式: by difficulty."""

    ON_SPOT = "on_spot", _l("Solvable on the spot")
    ESCALATE = "escalate", _l("Needs escalation")
    ACCOUNTABILITY = "accountability", _l("Supervision and accountability")


class Level(LabeledEnum):
    """响应层级: who is handling the case now, lowest first."""

    WINDOW = "window", _l("Hall window")
    BACK_OFFICE = "back_office", _l("Back-office unit")
    CENTER = "center", _l("Center-led coordination")
    DISTRICT = "district", _l("District-level coordination")

    @property
    def rank(self) -> int:
        """0 for the window up to 3 for district level."""
        return list(Level).index(self)


class CaseStatus(LabeledEnum):
    """The 7-step workflow states, plus 不予受理."""

    RECEIVED = "received", _l("Received")
    ASSESSING = "assessing", _l("Assessed")
    ASSIGNED = "assigned", _l("Assigned")
    RESOLVED = "resolved", _l("Resolved")
    EVALUATED = "evaluated", _l("Evaluated")
    SUMMARIZED = "summarized", _l("Summarized")
    ARCHIVED = "archived", _l("Archived")
    DECLINED = "declined", _l("Declined")
    VOIDED = "voided", _l("Voided")
    """Registered in error (a wrong entry): kept with its history, out of every figure."""
    MERGED = "merged", _l("Duplicate")
    """重复件: the same matter as another case (its main case, `duplicate_of`), merged into it: closed, kept
    with its history, out of every figure, so the matter counts once."""

    @property
    def is_open(self) -> bool:
        """Still being worked on: the deadline clock runs."""
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED})
UNCOUNTED_STATUSES = frozenset({CaseStatus.VOIDED, CaseStatus.MERGED})
"""Cases no figure counts: 已作废 (registered in error) and 重复件 (counted with their main case)."""


class Solved(LabeledEnum):
    """Whether the applicant's problem was solved."""

    YES = "yes", _l("Fully solved")
    PARTLY = "partly", _l("Partly solved")
    NO = "no", _l("Not solved")


class AssignmentRole(LabeledEnum):
    """主办 or 协办."""

    LEAD = "lead", _l("Lead")
    CO = "co", _l("Co-handling")


class AssignmentStatus(LabeledEnum):
    """Where a department stands with a case handed to it."""

    PENDING = "pending", _l("Awaiting sign-off")
    SIGNED = "signed", _l("In progress")
    REPLIED = "replied", _l("Replied")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    CLOSED = "closed", _l("Closed with the case")
    """Still unanswered when the case was closed (办结, 当场办结, 不予受理 or 归档): settled, no longer pending."""

    @property
    def is_open(self) -> bool:
        """Waiting for the department: to sign for, or signed and in progress."""
        return self in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED)


class ExtensionStatus(LabeledEnum):
    """An extension request's state."""

    REQUESTED = "requested", _l("Extension requested")
    APPROVED = "approved", _l("Extension approved")
    REJECTED = "rejected", _l("Extension rejected")


class SupervisionLevel(LabeledEnum):
    """督办 levels, mildest first."""

    GENERAL = "general", _l("General supervision")
    KEY = "key", _l("Key supervision")
    LISTED = "listed", _l("Listed supervision")


class SatisfactionLevel(LabeledEnum):
    """The five levels of the national 好差评 scheme."""

    VERY_SATISFIED = "very_satisfied", _l("Very satisfied")
    SATISFIED = "satisfied", _l("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _l("Basically satisfied")
    UNSATISFIED = "unsatisfied", _l("Unsatisfied")
    VERY_UNSATISFIED = "very_unsatisfied", _l("Very unsatisfied")

    @property
    def is_satisfied(self) -> bool:
        """The three upper levels count as satisfied; the two lower reopen the case."""
        return self not in (SatisfactionLevel.UNSATISFIED, SatisfactionLevel.VERY_UNSATISFIED)


class FeedbackChannel(LabeledEnum):
    """How the applicant's verdict was collected."""

    ON_SITE = "on_site", _l("On site")
    PHONE = "phone", _l("Phone follow-up")
    SMS = "sms", _l("Text message")
    OTHER = "other", _l("Other channel")


class CallbackChannel(LabeledEnum):
    """How a 回访 attempt tried to reach the applicant."""

    PHONE = "phone", _l("Telephone")
    SMS = "sms", _l("Text message")
    VISIT = "visit", _l("Home visit")
    OTHER = "other", _l("Other channel")

    @property
    def verdict_channel(self) -> FeedbackChannel:
        """How a verdict given in this attempt was collected (上门 is face to face: 现场)."""
        return {CallbackChannel.PHONE: FeedbackChannel.PHONE, CallbackChannel.SMS: FeedbackChannel.SMS,
                CallbackChannel.VISIT: FeedbackChannel.ON_SITE}.get(self, FeedbackChannel.OTHER)


class PeriodKind(LabeledEnum):
    """Length of an evaluation period."""

    YEAR = "year", _l("Year")
    QUARTER = "quarter", _l("Quarter")
    MONTH = "month", _l("Month")


class Grade(LabeledEnum):
    """Evaluation grade, best first."""

    EXCELLENT = "excellent", _l("Excellent")
    GOOD = "good", _l("Good")
    PASS = "pass", _l("Pass")
    FAIL = "fail", _l("Fail")


class CriticismReason(LabeledEnum):
    """Why a department is named in a 通报批评."""

    NEGLECT = "neglect", _l("Insufficient attention")
    POOR_IMPLEMENTATION = "poor_implementation", _l("Poor implementation")
    OVERDUE = "overdue", _l("Not finished on time")
    POOR_QUALITY = "poor_quality", _l("Not finished to standard")


class Severity(LabeledEnum):
    """一般, or 严重 (影响恶劣、损害营商环境)."""

    GENERAL = "general", _l("General")
    SERIOUS = "serious", _l("Serious")


class DayKind(LabeledEnum):
    """What a holiday override makes of a date."""

    DAY_OFF = "day_off", _l("Day off")
    WORKDAY = "workday", _l("Make-up working day")


class DictionaryKind(LabeledEnum):
    """The admin-edited lists."""

    ROOT_CAUSE = "root_cause", _l("Root-cause category")
    DECLINE_REASON = "decline_reason", _l("Reason for declining")


class CaseAction(LabeledEnum):
    """Everything that can happen to a case: the workflow actions of CONTRACT.md
    plus registration and corrections. The same codes name permissions, API
    endpoints and event-log entries."""

    RECEIVE = "receive", _l("Register")
    UPDATE = "update", _l("Correct details")
    ASSESS = "assess", _l("Assess")
    DECLINE = "decline", _l("Decline (one-time notice)")
    RESOLVE_ON_SPOT = "resolve_on_spot", _l("Resolve on the spot")
    ASSIGN = "assign", _l("Assign")
    SIGN = "sign", _l("Sign for")
    REPLY = "reply", _l("Reply")
    REQUEST_EXTENSION = "request_extension", _l("Request extension")
    APPROVE_EXTENSION = "approve_extension", _l("Decide extension")
    SUPERVISE = "supervise", _l("Supervise")
    ESCALATE = "escalate", _l("Escalate")
    REASSIGN = "reassign", _l("Return for reassignment")
    SUSPEND = "suspend", _l("Suspend (awaiting materials)")
    RESUME = "resume", _l("Resume")
    RESOLVE = "resolve", _l("Resolve")
    CALLBACK = "callback", _l("Follow-up call")
    EVALUATE = "evaluate", _l("Record satisfaction")
    SUMMARIZE = "summarize", _l("Summarize")
    ARCHIVE = "archive", _l("Archive")
    CRITICIZE = "criticize", _l("Issue criticism")
    VOID = "void", _l("Void")
    MERGE = "merge", _l("Merge as duplicate")


class SmsEvent(LabeledEnum):
    """The events that send a text message: to the applicant, or to the handling department."""

    RECEIVED = "received", _l("Case received (to the applicant)")
    RESOLVED = "resolved", _l("Case resolved (to the applicant)")
    CALLBACK = "callback", _l("Follow-up notice (to the applicant)")
    ASSIGNED = "assigned", _l("Case assigned (to the department)")
    SUPERVISED = "supervised", _l("Supervision issued (to the department)")
    DUE_SOON = "due_soon", _l("Deadline near (to the department)")


class SmsState(LabeledEnum):
    """Where a text message stands in the outbox."""

    # Own msgids: a background job's "Queued"/"Failed" read 排队中/失败, a text message's 待发送/发送失败.
    QUEUED = "queued", _l("Waiting to be sent")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    OUTBOX = "outbox", _l("Kept in the outbox (not sent)")
    FAILED = "failed", _l("Sending failed")
