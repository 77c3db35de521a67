"""The data model: one module per aggregate, all on FAB's declarative base.

Importing this package declares every table. `models.base` must come first: it
gives the shared metadata its naming convention before FAB's own tables exist.
"""

from models.base import Model  # noqa: I001  (must be first, see above)
from models import versioning  # noqa: F401  (moves versions of optimistically locked rows)
from models.user import StaffUser
from models.department import Department
from models.coordinator import Coordinator
from models.service_item import ServiceItem
from models.dictionary import DictionaryEntry
from models.holiday import HolidayOverride
from models.duty import DutyRota
from models.guide_card import GuideCard
from models.case import Case
from models.case_event import CaseEvent
from models.assignment import Assignment
from models.supervision import Supervision
from models.satisfaction import Satisfaction
from models.callback import CallbackAttempt
from models.sms import SmsMessage, SmsTemplate
from models.evaluation import Evaluation
from models.criticism import Criticism
from models.counter import YearCounter
from models.notification import Notification, NotificationKind
from models.saved_filter import SavedFilter
from models.audit import AuditLog, LoginLog
from models.audit_chain import AuditChain, AuditVerification
from models.job import Job, JobKind, JobState
from models.cache_stamp import CacheStamp
from models import case_search  # noqa: F401  (the n-gram index behind searches of cases)
from models.attachment import Attachment
from models.case_summary import CaseSummary

__all__ = [
    "Model", "StaffUser", "Department", "Coordinator", "ServiceItem", "DictionaryEntry",
    "HolidayOverride", "DutyRota", "GuideCard", "Case", "CaseEvent", "Assignment",
    "Supervision", "Satisfaction", "CallbackAttempt", "SmsMessage", "SmsTemplate", "Evaluation", "Criticism",
    "YearCounter", "Notification", "NotificationKind", "SavedFilter", "AuditLog", "LoginLog", "AuditChain",
    "AuditVerification", "Job", "JobKind", "JobState", "CacheStamp", "Attachment", "CaseSummary",
]

SCREEN_MODELS = [
    Case, Assignment, Supervision, CaseEvent,
    CallbackAttempt, Satisfaction, Evaluation, Criticism,
    Department, Coordinator, ServiceItem, DutyRota, GuideCard,
    HolidayOverride, DictionaryEntry, Notification, SavedFilter, SmsTemplate, SmsMessage,
    AuditLog, LoginLog,
]
"""Models with a generated screen, in menu order within each menu group."""

LOGGED_MODELS = [*SCREEN_MODELS, Attachment]
"""Models whose rows the audit log names: those with a screen, and attachments (listed on their owner's page)."""
