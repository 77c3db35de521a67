"""The case (反映事项): one report of something a citizen or enterprise could not get done."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from console.declare import MenuGroup, QuickFilter, Screen, display, field
from console.validators import credit_code, id_number, phone_number
from models.base import Model, Stamped, enum_type
from models.callback import awaiting_callback
from models.coordinator import Coordinator
from models.department import Department
from models.dictionary import DictionaryEntry
from models.enums import (
    OPEN_STATUSES,
    UNCOUNTED_STATUSES,
    ApplicantKind,
    CaseStatus,
    Channel,
    DictionaryKind,
    Disposition,
    Level,
    ProblemType,
    Solved,
    SpecialGroup,
    Track,
)
from models.service_item import ServiceItem
from workdays import clock

if TYPE_CHECKING:
    from models.assignment import Assignment
    from models.attachment import Attachment
    from models.callback import CallbackAttempt
    from models.case_event import CaseEvent
    from models.satisfaction import Satisfaction
    from models.supervision import Supervision


def _open() -> sa.ColumnElement[bool]:
    return Case.status.in_([s.value for s in OPEN_STATUSES])


def running_condition() -> sa.ColumnElement[bool]:
    """Open, not suspended, with a deadline: the deadline clock runs."""
    # `= false` rather than `IS false`: PostgreSQL answers only the former from an index (the column is NOT NULL)
    return sa.and_(_open(), Case.suspended == sa.false(), Case.due_date.is_not(None))


def overdue_condition(today: dt.date | None = None) -> sa.ColumnElement[bool]:
    """Open, not suspended, and the deadline has passed."""
    return sa.and_(running_condition(), Case.due_date < (today or clock.today()))


def due_soon_condition(today: dt.date | None = None) -> sa.ColumnElement[bool]:
    """Open, not suspended, and due today or on the next working day."""
    from workdays.store import work_calendar

    today = today or clock.today()
    limit = work_calendar().add_workdays(today, 1)
    return sa.and_(running_condition(), Case.due_date >= today, Case.due_date <= limit)


def _overdue_unsupervised() -> sa.ColumnElement[bool]:
    from models.supervision import Supervision

    supervised = sa.exists().where(Supervision.case_id == Case.id, Supervision.issued_at >= Case.assigned_at)
    return sa.and_(overdue_condition(), ~supervised)


def _mine() -> sa.ColumnElement[bool]:
    user_id = g.user.id if g.get("user") is not None else -1
    mine = sa.select(Coordinator.id).where(Coordinator.user_id == user_id).scalar_subquery()
    return sa.and_(_open(), Case.coordinator_id == mine)


def _received_today() -> sa.ColumnElement[bool]:
    start = dt.datetime.combine(clock.today(), dt.time())
    return sa.and_(Case.received_at >= start, Case.received_at < start + dt.timedelta(days=1))


def suspected_duplicate_condition() -> sa.ColumnElement[bool]:
    """疑似重复: still open and like another case still counted (see workflow.duplicates)."""
    return sa.and_(_open(), Case.suspect_counted)


def duplicate_badge() -> Markup:
    """The 「疑似重复」 label of a list row."""
    return Markup('<span class="label label-warning duplicate-badge">{}</span>').format(gettext("Possible duplicate"))


def _this_year() -> sa.ColumnElement[bool]:
    start = dt.datetime(clock.today().year, 1, 1)
    return Case.received_at >= start


CASE_QUICK_FILTERS = (
    QuickFilter("to_assess", _l("To assess"), lambda: Case.status == CaseStatus.RECEIVED),
    QuickFilter("mine", _l("My open cases"), _mine),
    QuickFilter("in_progress", _l("In progress"),
                lambda: Case.status.in_([CaseStatus.ASSESSING, CaseStatus.ASSIGNED])),
    QuickFilter("due_soon", _l("Due soon"), due_soon_condition),
    QuickFilter("overdue", _l("Overdue"), overdue_condition),
    QuickFilter("overdue_unsupervised", _l("Overdue, not supervised"), _overdue_unsupervised),
    QuickFilter("suspended", _l("Suspended"), lambda: Case.suspended == sa.true()),
    # 待回访: finished, the applicant neither heard nor recorded as unreachable (models/callback.py).
    QuickFilter("to_follow_up", _l("Awaiting follow-up"), awaiting_callback),
    QuickFilter("received_today", _l("Received today"), _received_today),
    QuickFilter("this_year", _l("This year"), _this_year),
    QuickFilter("suspected_duplicates", _l("Possible duplicates"), suspected_duplicate_condition),
    QuickFilter("voided", _l("Voided"), lambda: Case.status == CaseStatus.VOIDED, hides="status"),
    QuickFilter("merged", _l("Duplicates merged"), lambda: Case.status == CaseStatus.MERGED, hides="status"),
)


class Case(Stamped, Model):
    """A report to the window, from 受理 to 归档.

    Status, classification, lead department and deadline change only through
    the workflow service (workflow/), never through the edit form or the API's
    PUT, so every change leaves a CaseEvent.
    """

    __tablename__ = "case"
    __table_args__ = (
        sa.Index("ix_case_status_due_date", "status", "due_date"),
        sa.Index("ix_case_list_order", "received_at", "id", "status"),  # the list's default order, covering
        sa.Index("ix_case_suspended_status_due_date", "suspended", "status", "due_date"),  # the running cases
        sa.Index("ix_case_status_unreachable", "status", "unreachable"),  # 待回访
    )
    __screen__ = Screen(
        label=_l("Cases"), item_label=_l("Case"), route="/cases", menu=MenuGroup.CASES,
        icon="fa-inbox", api="cases", order=("received_at", "desc"), menu_order=10, can_delete=False,
        quick_filters=CASE_QUICK_FILTERS, preload=("assignments",),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(
        sa.String(20), unique=True,
        info=field(_l("Case number"), _l("Assigned on registration, e.g. BBC-2025-0003"),
                   form=False, list=True, search=True, group=_l("The report")),
    )
    title: Mapped[str] = mapped_column(
        sa.String(200), info=field(_l("Title"), _l("One line a colleague understands at a glance"),
                                   list=True, search=True),
    )
    description: Mapped[str] = mapped_column(
        sa.Text, info=field(_l("Request"), _l("What the applicant could not get done, in their words"),
                            textarea=True, search=True),
    )
    channel: Mapped[Channel] = mapped_column(
        enum_type(Channel), index=True, info=field(_l("Channel"), search=True),
    )
    external_ref: Mapped[str | None] = mapped_column(
        sa.String(50), index=True,
        info=field(_l("Work-order number"), _l("Number of the 12345 / 粤省心 work order, if any"),
                   search=True),
    )
    received_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime, default=clock.now, index=True,
        info=field(_l("Received at"), _l("When the report reached the window; not in the future"),
                   list=True, search=True),
    )
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        enum_type(ApplicantKind), info=field(_l("Applicant type"), search=True, group=_l("The applicant")),
    )
    applicant_name: Mapped[str] = mapped_column(
        sa.String(50), info=field(_l("Applicant"), _l("Name of the person, or of the enterprise's contact"),
                                  list=True, search=True),
    )
    applicant_phone: Mapped[str | None] = mapped_column(
        sa.String(20), info=field(_l("Applicant phone"), validators=(phone_number,), mask="phone"),
    )
    applicant_id_number: Mapped[str | None] = mapped_column(
        sa.String(18), info=field(_l("ID number"), _l("Resident ID number (18 characters)"),
                                  validators=(id_number,), mask="id_number"),
    )
    enterprise_name: Mapped[str | None] = mapped_column(
        sa.String(100), info=field(_l("Enterprise"), search=True),
    )
    credit_code: Mapped[str | None] = mapped_column(
        sa.String(18), info=field(_l("Unified social credit code"), validators=(credit_code,), mask="credit_code"),
    )
    sms_opt_out: Mapped[bool] = mapped_column(
        default=False, info=field(_l("No text messages"), _l("The applicant asked not to receive text messages")),
    )
    special_group: Mapped[SpecialGroup | None] = mapped_column(
        enum_type(SpecialGroup),
        info=field(_l("Special group"), _l("Applicants who need 帮办, e.g. limited literacy"), search=True),
    )
    service_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_item.id"), index=True)
    service_item: Mapped[ServiceItem | None] = relationship(
        info=field(_l("Service item"), search=True, choices_filter=lambda: ServiceItem.is_active.is_(True),
                   group=_l("Handling")),
    )
    stuck_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    stuck_department: Mapped[Department | None] = relationship(
        foreign_keys=[stuck_department_id],
        info=field(_l("Where it got stuck"), _l("The department or window where the matter stalled"),
                   search=True, choices_filter=lambda: Department.is_active.is_(True)),
    )
    coordinator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coordinator.id"), index=True)
    coordinator: Mapped[Coordinator | None] = relationship(
        info=field(_l("Responsible coordinator"), _l("Defaults to today's coordinator on duty"),
                   edit=False, search=True, choices_filter=lambda: Coordinator.is_active.is_(True)),
    )

    # ---- set by the workflow only ------------------------------------------------
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus), default=CaseStatus.RECEIVED, index=True,
        info=field(_l("Status"), form=False, list=True, search=True),
    )
    suspended: Mapped[bool] = mapped_column(
        default=False, info=field(_l("Suspended"), _l("Waiting for the applicant's materials; the clock stops"),
                                  form=False, search=True),
    )
    problem_type: Mapped[ProblemType | None] = mapped_column(
        enum_type(ProblemType), index=True, info=field(_l("Problem type"), form=False, search=True),
    )
    track: Mapped[Track | None] = mapped_column(
        enum_type(Track), index=True, info=field(_l("Handling mechanism"), form=False, list=True, search=True),
    )
    disposition: Mapped[Disposition | None] = mapped_column(
        enum_type(Disposition), info=field(_l("Disposition"), form=False, search=True),
    )
    level: Mapped[Level] = mapped_column(
        enum_type(Level), default=Level.WINDOW, info=field(_l("Response level"), form=False, search=True),
    )
    lead_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    lead_department: Mapped[Department | None] = relationship(
        foreign_keys=[lead_department_id],
        info=field(_l("Lead department"), form=False, list=True, search=True),
    )
    due_date: Mapped[dt.date | None] = mapped_column(
        sa.Date, index=True, info=field(_l("Deadline"), form=False, list=True, search=True),
    )
    due_estimated: Mapped[bool] = mapped_column(
        default=False,
        info=field(_l("Deadline estimated"), _l("The year's holiday schedule is not yet official"),
                   form=False, show=False),
    )
    remaining_workdays: Mapped[int | None] = mapped_column(
        info=field(_l("Working days left when suspended"), form=False, show=False, api=False),
    )
    suspended_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime, info=field(_l("Suspended since"), form=False),
    )
    response_due: Mapped[dt.date | None] = mapped_column(
        sa.Date, info=field(_l("Response due"),
                            _l("研判 within 1 working day of 受理: the rule of responding to every case"), form=False),
    )
    responded_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime, info=field(_l("Responded at"), _l("Assessed or declined: the case counts as responded"),
                                form=False),
    )
    assigned_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Assigned at"), form=False))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime, index=True, info=field(_l("Resolved at"), form=False),
    )
    archived_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Archived at"), form=False))
    result: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Result"), form=False,
                                                                  group=_l("Result and summary")))
    reply: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Reply to the applicant"), form=False),
    )
    solved: Mapped[Solved | None] = mapped_column(enum_type(Solved), info=field(_l("Solved"), form=False, search=True))
    decline_reason: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Reason for declining"), form=False),
    )
    redirect_to: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Where to go instead"), _l("The one-time explanation given to the applicant"),
                            form=False),
    )
    summary: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Summary"), form=False))
    root_cause_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dictionary_entry.id"))
    root_cause: Mapped[DictionaryEntry | None] = relationship(
        info=field(_l("Root cause"), form=False, search=True,
                   choices_filter=lambda: DictionaryEntry.kind == DictionaryKind.ROOT_CAUSE),
    )
    forwarded_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    forwarded_department: Mapped[Department | None] = relationship(
        foreign_keys=[forwarded_department_id],
        info=field(_l("Forwarded for improvement to"), form=False, search=True),
    )
    archive_number: Mapped[str | None] = mapped_column(
        sa.String(30), unique=True, info=field(_l("Archive number"), form=False, search=True),
    )
    void_reason: Mapped[str | None] = mapped_column(
        sa.Text, info=field(_l("Reason for voiding"), _l("Why the record is void; it stays on record"), form=False),
    )
    voided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, info=field(_l("Voided at"), form=False))
    unreachable: Mapped[bool] = mapped_column(
        default=False, info=field(_l("Applicant unreachable"),
                                  _l("Not reached in three follow-up attempts: no verdict recorded"),
                                  form=False, search=True),
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    duplicate_of: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[duplicate_of_id],
        info=field(_l("Main case"), _l("The case this duplicate was merged into; the matter counts there"),
                   form=False, sortable=False),
    )
    suspected_duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    suspected_duplicate_of: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[suspected_duplicate_of_id],
        info=field(_l("Possible duplicate of"),
                   _l("Found at registration: the same applicant's phone or ID number, or a very similar title, "
                      "within 30 days"), form=False, sortable=False),
    )
    reopen_count: Mapped[int] = mapped_column(
        default=0, info=field(_l("Times reopened"), _l("Sent back after an unsatisfied verdict"), form=False),
    )
    version: Mapped[int] = mapped_column(
        default=1, nullable=False, info=field(_l("Version"), form=False, show=False, api=True),
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    """Optimistic lock: the version moves once per changing transaction (models/versioning.py)."""

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan", passive_deletes=True,
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="case", order_by="Assignment.id", cascade="all, delete-orphan", passive_deletes=True,
    )
    supervisions: Mapped[list[Supervision]] = relationship(
        back_populates="case", order_by="Supervision.id", cascade="all, delete-orphan", passive_deletes=True,
    )
    satisfactions: Mapped[list[Satisfaction]] = relationship(
        back_populates="case", order_by="Satisfaction.id", cascade="all, delete-orphan", passive_deletes=True,
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id", cascade="all, delete-orphan", passive_deletes=True,
    )
    callbacks: Mapped[list[CallbackAttempt]] = relationship(
        back_populates="case", order_by="CallbackAttempt.id", cascade="all, delete-orphan", passive_deletes=True,
    )

    @display(_l("Overdue"), show=True)
    @property
    def overdue(self) -> bool:
        """Open, running and past its deadline (the same rule as `overdue_condition`)."""
        return (
            self.status in OPEN_STATUSES and not self.suspended
            and self.due_date is not None and self.due_date < clock.today()
        )

    @display(_l("Possible duplicate"), list=True, api=True, export=False,
             formatter=lambda flagged: duplicate_badge() if flagged else "")
    @property
    def possibly_duplicate(self) -> bool:
        """疑似重复: open, and found like a case still counted (the same rule as `suspected_duplicate_condition`)."""
        return self.status in OPEN_STATUSES and bool(self.suspect_counted)

    @property
    def is_archived(self) -> bool:
        """Archived cases are read-only for everyone, through every channel."""
        return self.status == CaseStatus.ARCHIVED

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


_SUSPECT = Case.__table__.alias("suspect")
Case.suspect_counted = column_property(sa.exists().where(
    _SUSPECT.c.id == Case.__table__.c.suspected_duplicate_of_id,
    _SUSPECT.c.status.not_in([s.value for s in UNCOUNTED_STATUSES])).correlate_except(_SUSPECT))
"""Whether the case this one looked like at registration is still counted (not voided, not merged): read with the
row itself, so a list flags its rows 疑似重复 without a query per row."""
