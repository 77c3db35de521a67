"""The transition table of the 7-step workflow — the one place the rules are written.

Each row names an action (the codes of CONTRACT.md), the states it may start
from, the state it leads to (None: the state stays), the permission it needs
and the fields it takes. Views, bulk actions, the API, the CLI and the demo
seed all execute these rows through `workflow.service`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from models.enums import (
    CallbackChannel,
    CriticismReason,
    Disposition,
    FeedbackChannel,
    Level,
    ProblemType,
    SatisfactionLevel,
    Severity,
    Solved,
    SupervisionLevel,
    Track,
)
from models.enums import (
    CaseAction as A,
)
from models.enums import (
    CaseStatus as S,
)
from workflow.params import Param

OPEN = frozenset({S.RECEIVED, S.ASSESSING, S.ASSIGNED})
CASE_VIEW = "CaseView"


@dataclass(frozen=True)
class Transition:
    """One action of the workflow."""

    action: A
    sources: frozenset[S]
    target: S | None
    params: tuple[Param, ...] = ()
    while_suspended: bool = False
    """Whether the action is allowed while the case waits for materials."""
    department_bound: bool = False
    """Acts on the assignment of one department (签收, 反馈, 申请延期, 批准延期)."""
    next_step: frozenset[S] = field(default_factory=frozenset)
    """States in which this action is the case's next step: shown as a row button in lists."""
    bulk: bool = False
    """Offered as a bulk action with a parameter form in the case list."""
    style: str = "default"

    @property
    def icon(self) -> str:
        """The Font Awesome icon of the action's compact button in list rows (its label goes in title/aria-label)."""
        return ICONS.get(self.action, "fa-circle-right")

    @property
    def permission(self) -> str:
        """The FAB permission name on CaseView, e.g. can_assign."""
        return f"can_{self.action.value}"

    @property
    def label(self) -> Any:
        """The Chinese name of the action."""
        return self.action.label


ICONS: dict[A, str] = {
    A.ASSESS: "fa-stethoscope", A.DECLINE: "fa-xmark", A.RESOLVE_ON_SPOT: "fa-check", A.ASSIGN: "fa-share",
    A.SIGN: "fa-signature", A.REPLY: "fa-reply", A.REQUEST_EXTENSION: "fa-clock",
    A.APPROVE_EXTENSION: "fa-calendar-check", A.SUPERVISE: "fa-bullhorn", A.ESCALATE: "fa-turn-up",
    A.REASSIGN: "fa-rotate-left", A.SUSPEND: "fa-pause", A.RESUME: "fa-play", A.RESOLVE: "fa-check-double",
    A.CALLBACK: "fa-phone", A.EVALUATE: "fa-star", A.SUMMARIZE: "fa-file-lines", A.ARCHIVE: "fa-box-archive",
    A.CRITICIZE: "fa-triangle-exclamation", A.VOID: "fa-ban", A.MERGE: "fa-code-merge",
}
"""Icons of the actions' compact row buttons (Font Awesome 6, as FAB ships it)."""

DEPARTMENT = Param("department_id", _l("Department"), "department", required=False,
                   description=_l("The handling department; your own if left empty"))
RESULT = Param("result", _l("Result"), "textarea")
SOLVED = Param("solved", _l("Solved"), "enum", enum=Solved)
REPLY_TO_APPLICANT = Param("reply", _l("Reply to the applicant"), "textarea", required=False)

TRANSITIONS: dict[A, Transition] = {t.action: t for t in [
    Transition(A.ASSESS, frozenset({S.RECEIVED, S.ASSESSING}), S.ASSESSING, (
        Param("problem_type", _l("Problem type"), "enum", enum=ProblemType),
        Param("track", _l("Handling mechanism"), "enum", enum=Track),
        Param("disposition", _l("Disposition"), "enum", enum=Disposition),
        Param("level", _l("Response level"), "enum", enum=Level),
        Param("coordinator_id", _l("Responsible coordinator"), "coordinator", required=False),
    ), next_step=frozenset({S.RECEIVED}), style="primary"),
    Transition(A.DECLINE, frozenset({S.RECEIVED, S.ASSESSING}), S.DECLINED, (
        Param("reason", _l("Reason for declining"), "textarea",
              description=_l("e.g. 涉法涉诉, 信访事项, against current policy")),
        Param("redirect_to", _l("Where to go instead"), "textarea",
              description=_l("Where the applicant should go, told once and completely")),
    ), while_suspended=True),
    Transition(A.RESOLVE_ON_SPOT, frozenset({S.RECEIVED, S.ASSESSING}), S.RESOLVED,
               (RESULT, SOLVED, REPLY_TO_APPLICANT), next_step=frozenset({S.RECEIVED}), style="success"),
    Transition(A.ASSIGN, frozenset({S.ASSESSING}), S.ASSIGNED, (
        Param("lead_department_id", _l("Lead department"), "department"),
        Param("co_department_ids", _l("Co-handling departments"), "departments", required=False),
        Param("deadline_days", _l("Deadline (working days)"), "int", required=False, minimum=0, maximum=60,
              description=_l("Empty: the default of the handling mechanism")),
    ), next_step=frozenset({S.ASSESSING}), bulk=True, style="primary"),
    Transition(A.SIGN, frozenset({S.ASSIGNED}), None, (DEPARTMENT,), department_bound=True, style="primary"),
    Transition(A.REPLY, frozenset({S.ASSIGNED}), None, (
        DEPARTMENT, Param("content", _l("Reply"), "textarea"),
    ), department_bound=True, style="primary"),
    Transition(A.REQUEST_EXTENSION, frozenset({S.ASSIGNED}), None, (
        DEPARTMENT,
        Param("days", _l("Extra working days"), "int", minimum=1, maximum=30),
        Param("reason", _l("Reason for extension"), "textarea"),
    ), department_bound=True),
    Transition(A.APPROVE_EXTENSION, frozenset({S.ASSIGNED}), None, (
        Param("department_id", _l("Department"), "department"),
        Param("approved", _l("Approve"), "bool"),
    ), department_bound=True),
    Transition(A.SUPERVISE, OPEN, None, (
        Param("department_id", _l("Supervised department"), "department"),
        Param("supervision_level", _l("Supervision level"), "enum", enum=SupervisionLevel),
        Param("deadline_days", _l("Reply deadline (working days)"), "int", required=False, minimum=0, maximum=60,
              description=_l("Empty: the default of the supervision level")),
        Param("reason", _l("Reason"), "textarea"),
    ), bulk=True, style="warning"),
    Transition(A.ESCALATE, OPEN, None, (
        Param("level", _l("Response level"), "enum", enum=Level),
    ), while_suspended=True),
    Transition(A.REASSIGN, frozenset({S.ASSIGNED}), S.ASSESSING, (
        Param("reason", _l("Reason"), "textarea"),
    )),
    Transition(A.SUSPEND, OPEN, None, (
        Param("reason", _l("Materials awaited"), "textarea"),
    )),
    Transition(A.RESUME, OPEN, None, (), while_suspended=True),
    Transition(A.RESOLVE, frozenset({S.ASSIGNED}), S.RESOLVED, (RESULT, SOLVED, REPLY_TO_APPLICANT),
               next_step=frozenset({S.ASSIGNED}), style="success"),
    Transition(A.CALLBACK, frozenset({S.RESOLVED}), None, (
        Param("channel", _l("Follow-up by"), "enum", enum=CallbackChannel),
        Param("reached", _l("Reached the applicant"), "bool", required=False),
        Param("satisfaction", _l("Verdict"), "enum", enum=SatisfactionLevel, required=False,
              description=_l("Required when the applicant was reached")),
        Param("words", _l("Applicant's words"), "textarea", required=False),
    ), next_step=frozenset({S.RESOLVED}), style="primary"),
    Transition(A.EVALUATE, frozenset({S.RESOLVED}), S.EVALUATED, (
        Param("satisfaction", _l("Verdict"), "enum", enum=SatisfactionLevel),
        Param("channel", _l("Collected by"), "enum", enum=FeedbackChannel),
        Param("comment", _l("Applicant's comment"), "textarea", required=False),
    ), next_step=frozenset({S.RESOLVED}), style="primary"),
    Transition(A.SUMMARIZE, frozenset({S.EVALUATED}), S.SUMMARIZED, (
        Param("summary", _l("Summary"), "textarea"),
        Param("root_cause_id", _l("Root cause"), "root_cause", required=False),
        Param("forwarded_department_id", _l("Forwarded for improvement to"), "department", required=False),
    ), next_step=frozenset({S.EVALUATED}), style="primary"),
    Transition(A.ARCHIVE, frozenset({S.SUMMARIZED, S.DECLINED}), S.ARCHIVED, (),
               next_step=frozenset({S.SUMMARIZED, S.DECLINED}), bulk=True),
    Transition(A.CRITICIZE, OPEN, None, (
        Param("reason", _l("Reason"), "enum", enum=CriticismReason),
        Param("severity", _l("Severity"), "enum", enum=Severity),
        Param("rectify_days", _l("Rectification deadline (working days)"), "int", minimum=1, maximum=60),
        Param("referred", _l("Refer to discipline inspection"), "bool", required=False),
        Param("content", _l("Content"), "textarea", required=False),
    ), while_suspended=True, bulk=True, style="danger"),
    Transition(A.VOID, frozenset(S) - {S.ARCHIVED, S.VOIDED, S.MERGED}, S.VOIDED, (
        Param("reason", _l("Reason for voiding"), "textarea",
              description=_l("Why the record is void, e.g. registered twice or in error; it stays on record")),
    ), while_suspended=True, style="danger"),
    Transition(A.MERGE, OPEN, S.MERGED, (
        Param("main_case", _l("Main case"), "case", max_length=20,
              description=_l("Number of the case this one repeats, e.g. BBC-2025-0003; the matter counts there")),
    ), while_suspended=True, style="warning"),
]}
"""Action → transition. EVALUATE leads to ASSIGNED instead when the verdict is unsatisfied (重办).
CALLBACK (回访) records an attempt: one that reaches the applicant goes on to EVALUATE in the same transaction;
the third that does not leads to EVALUATED without a verdict (无法联系)."""


def transition(action: A | str) -> Transition | None:
    """The row for an action or action code, None if there is no such action."""
    member = A.parse(action)
    return TRANSITIONS.get(member) if member is not None else None


def permissions() -> list[str]:
    """Every workflow permission name, for the CaseView permission set."""
    return [t.permission for t in TRANSITIONS.values()]


def primary_of(allowed: list[Transition], status: S) -> Transition | None:
    """The action a case page puts first among `allowed` (in table order): the case's next step in `status`
    (the row button of the lists), else the first styled primary (a handler's 签收, then 反馈), else the first."""
    for rule in (lambda t: status in t.next_step, lambda t: t.style == "primary", lambda t: True):
        for t in allowed:
            if rule(t):
                return t
    return None
