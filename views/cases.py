"""The case screens' workflow doors: row buttons, the case page's actions, bulk actions.

Every route here parses the request and calls `workflow.service`; no rule of
the workflow is written in this module or in its templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext
from markupsafe import Markup

from access.scope import scope_condition
from attachments import service as attachment_service
from console.errors import ConsoleError
from console.formatting import FEW, first_few
from console.interface import valid_pk
from guides.cards import for_service_item
from models import Case
from models.enums import CaseAction, CaseStatus
from views.attachments import attach_checked, checked_upload
from views.auth import safe_next
from views.guide_cards import suggestion
from workdays import clock
from workflow import deadlines, duplicates, registration
from workflow.params import NOTE
from workflow.progress import progress_of
from workflow.service import Actor, allowed_actions, criticize_together, execute, execute_many
from workflow.transitions import TRANSITIONS, primary_of, transition

PK_SLOT = "__pk__"
"""Stands for the row's id in a row button's URL built once per page; the path comes first, so the first one is it."""


@dataclass
class Button:
    """An action button: label, target URL, Bootstrap style, and the icon of its compact form in list rows."""

    name: str
    label: Any
    url: str
    style: str = "default"
    icon: str = ""


class CaseWorkflowMixin:
    """Mixed into the generated CaseView."""

    show_template = "console/case/show.html"
    add_template = "console/case/add.html"
    extra_permissions = tuple(t.permission for t in TRANSITIONS.values())

    # ---- add / edit go through registration ------------------------------------------

    def prefill_add_form(self, form: Any) -> None:
        """A new case is received now, by today's coordinator on duty."""
        form.received_at.data = clock.now()
        if form.coordinator.data is None:
            form.coordinator.data = registration.duty_coordinator(clock.today())

    def create_item(self, form: Any) -> Case:
        case = Case()
        form.populate_obj(case)
        return registration.register_case(case, Actor.current())

    def update_item(self, item: Case, form: Any) -> Case:
        form.populate_obj(item)
        registration.record_update(item, Actor.current(), registration.changed_fields(item))
        self.datamodel.session.commit()
        return item

    def check_editable(self, item: Case) -> None:
        try:
            registration.check_editable(item)
        except ConsoleError:
            abort(409)

    def can_edit_row(self, item: Case) -> bool:
        """Archived cases show no edit button."""
        return item.status in registration.EDITABLE_WHEN

    # ---- list: row buttons and colours -----------------------------------------------

    def row_buttons(self, item: Case) -> list[Button]:
        """The next-step actions this user may take on this row, as compact icon buttons."""
        actor = self._actor()
        urls = self._row_action_urls()
        shown = [t for t in TRANSITIONS.values()
                 if item.status in t.next_step or (t.department_bound and not actor.sees_all)]
        buttons = []
        for t in allowed_actions(item, actor, among=shown):
            url = urls.get(t.action.value)
            if url is None:  # one url_for per action and page, not per row (README 性能)
                url = urls[t.action.value] = url_for("CaseView.act", pk=PK_SLOT, action=t.action.value,
                                                     next=request.full_path)
            buttons.append(Button(t.action.value, t.label, url.replace(PK_SLOT, str(item.id), 1), t.style, t.icon))
        return buttons

    def _row_action_urls(self) -> dict[str, str]:
        from console.cache import request_cache

        return request_cache().setdefault("case_row_action_urls", {})

    def row_class(self, item: Case) -> str:
        """overdue / due-soon highlighting."""
        if item.overdue:
            return "overdue"
        if item.status in (CaseStatus.RECEIVED, CaseStatus.ASSESSING, CaseStatus.ASSIGNED) \
                and not item.suspended and item.due_date is not None:
            from workdays.store import work_calendar

            if item.due_date <= work_calendar().add_workdays(clock.today(), 1):
                return "due-soon"
        return ""

    def bulk_actions(self) -> list[Button]:
        """Bulk actions with a parameter form, for the actions this user holds."""
        actor = self._actor()
        return [Button(t.action.value, t.label, url_for("CaseView.bulk", action=t.action.value))
                for t in TRANSITIONS.values() if t.bulk and actor.can(t.permission)]

    def _actor(self) -> Actor:
        from console.cache import request_cache

        cache = request_cache()
        if "case_actor" not in cache:
            cache["case_actor"] = Actor.current()
        return cache["case_actor"]

    # ---- the case page ---------------------------------------------------------------

    def _show(self, pk: Any) -> dict:
        widgets = super()._show(pk)
        case = widgets["item"]
        allowed = allowed_actions(case, self._actor())
        widgets["actions"] = [(t, {}) for t in allowed]
        widgets["primary"] = primary_of(allowed, case.status)
        widgets["notices"] = self.notice_links(case)
        widgets["lookups"] = _lookup_urls()
        widgets["note"] = NOTE
        widgets["path"] = progress_of(case).steps
        if case.status.is_open and case.due_date and not case.suspended:
            # working days still ahead (positive) or already past (negative) of the deadline
            widgets["days_left"] = deadlines.remaining_workdays(clock.today(), case.due_date)
        if case.status.is_open:
            found = duplicates.likely_duplicates(case, scope_condition(Case))
            widgets["duplicates"] = [duplicates.hint(m) for m in found]
        if self.appbuilder.sm.has_access("can_show", "GuideCardView"):  # type: ignore[attr-defined]
            widgets["guide_cards"] = [suggestion(card) for card in for_service_item(case.service_item_id)]
        widgets["attachments"] = attachment_service.of_case(case)
        widgets["event_attachments"] = attachment_service.by_event(widgets["attachments"])
        widgets["can_attach"] = attachment_service.may_attach_to_case(case, self._actor())
        widgets["attaching_actions"] = ATTACHING_ACTIONS
        return widgets

    def _case_page(self, pk: Any, reopen: dict) -> Any:
        """The case page again after its action dialog was refused: `reopen` names the action whose dialog opens
        with the message, the fields' errors and what was typed."""
        widgets = self._show(pk)
        widgets["reopen"] = reopen
        if all(t.action.value != reopen["action"] for t, _values in widgets["actions"]):
            flash(reopen["message"], "danger")  # no longer offered (the case moved on): no dialog to say it in
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views)

    @expose("/duplicates")
    def duplicate_hints(self) -> Any:
        """JSON for the add form: the cases the report being filled in may repeat (疑似重复), personal data masked.

        Reads `title`, `applicant_phone`, `applicant_id_number`, `credit_code` and `received_at` (ISO) from the query.
        """
        if not self.appbuilder.sm.has_access("can_add", self.class_permission_name):  # type: ignore[attr-defined]
            abort(403)
        values = {name: (request.args.get(name) or "").strip()[:200] for name in (
            "title", "applicant_phone", "applicant_id_number", "credit_code")}
        draft = Case(**{name: value or None for name, value in values.items()},
                     received_at=_day(request.args.get("received_at")))
        found = duplicates.likely_duplicates(draft, scope_condition(Case))
        return jsonify({"heading": gettext("Possible duplicates: the same matter may already be registered") if found
                        else "", "cases": [{**duplicates.hint(m), "url": url_for("CaseView.show", pk=m.case.id)}
                                           for m in found]})

    @expose("/act/<pk>/<action>", methods=["GET", "POST"])
    def act(self, pk: Any, action: str) -> Any:
        """One action on one case: GET shows its small form, POST runs it."""
        t = transition(action)
        if t is None:
            abort(404)
        actor = self._actor()
        if not actor.can(t.permission):
            abort(403)
        case = self.get_item_or_404(pk)
        errors: dict = {}
        back = safe_next(request.values.get("next")) or url_for("CaseView.show", pk=case.id)
        if request.method == "GET":
            from workflow.service import state_problem
            from workflow.steps import precondition_problem

            problem = state_problem(case, t) or precondition_problem(case, t, actor)
            if problem:
                flash(problem, "warning")
                return redirect(back)
        if request.method == "POST":
            try:
                # The file is checked before the action runs: a refused file leaves the case untouched.
                checked = checked_upload() if t.action.value in ATTACHING_ACTIONS else None
                execute(case.id, t.action.value, request.form, actor, version=request.form.get("version"),
                        multi=request.form.getlist)
                if checked is not None:
                    attach_checked(checked, event=attachment_service.last_event(case.id, t.action, actor.user.id))
            except ConsoleError as exc:
                if exc.status == 404:
                    abort(404)
                if exc.status == 403:
                    abort(403)
                errors = exc.fields
                if request.form.get("origin") == "case":  # the case page's dialog: it opens again, saying why
                    return self._case_page(pk, {"action": t.action.value, "message": str(exc), "errors": errors,
                                                "values": request.form})
                flash(str(exc), "danger")
                case = self.get_item_or_404(pk)
            else:
                flash(gettext("%(action)s done: %(number)s.", action=t.label, number=case.number), "success")
                return redirect(back)
        return self.render_template("console/case/action.html", case=case, t=t, note=NOTE, errors=errors,
                                    values=request.form, back=back, title=t.label,
                                    lookups=_lookup_urls(), attaching_actions=ATTACHING_ACTIONS)

    # ---- bulk actions ------------------------------------------------------------------

    @expose("/bulk/<action>", methods=["POST"])
    def bulk(self, action: str) -> Any:
        """A bulk action: the first POST shows its form for the selected cases, the second runs it."""
        t = transition(action)
        if t is None or not t.bulk:
            abort(404)
        actor = self._actor()
        if not actor.can(t.permission):
            abort(403)
        pks = [pk for pk in (valid_pk(raw) for raw in request.form.getlist("rowid")) if pk]
        cases = [c for c in (self.get_item(pk) for pk in pks) if c is not None]
        skipped = len(pks) - len(cases)
        # The version of each case as the user saw it in the list: a case changed since is refused.
        versions = {c.id: request.form[f"version_{c.id}"] for c in cases if request.form.get(f"version_{c.id}")}
        errors: dict = {}
        if request.form.get("confirm") == "1" and cases:
            try:
                if t.action == CaseAction.CRITICIZE:
                    result = criticize_together([c.id for c in cases], request.form, actor, versions)
                else:
                    result = execute_many([c.id for c in cases], t.action.value, request.form, actor,
                                          multi=request.form.getlist, versions=versions)
            except ConsoleError as exc:
                flash(str(exc), "danger")
                errors = exc.fields
            else:
                # Flashes travel in the session cookie: name a few cases, count the rest.
                if result.done:
                    flash(gettext("%(action)s done for %(count)d case(s): %(numbers)s",
                                  action=t.label, count=len(result.done), numbers=first_few(result.done)), "success")
                for number, reason in result.refused[:FEW]:
                    flash(gettext("%(number)s not changed: %(reason)s", number=number, reason=reason), "warning")
                if len(result.refused) > FEW:
                    flash(gettext("%(count)d more case(s) not changed.", count=len(result.refused) - FEW), "warning")
                return redirect(url_for("CaseView.list"))
        if skipped:
            flash(gettext("%(count)d selected record(s) do not exist or are outside your scope; "
                          "they were skipped.", count=skipped), "warning")
        return self.render_template("console/case/bulk.html", cases=cases, t=t, note=NOTE, errors=errors,
                                    values=request.form, title=t.label, lookups=_lookup_urls(),
                                    versions=versions)


ATTACHING_ACTIONS = frozenset({CaseAction.REPLY.value})
"""Actions whose form takes a file (the handler's 反馈 with its evidence), attached to the action's event."""


def _day(raw: str | None) -> Any:
    """The moment a date or datetime in ISO form (the add form's 受理时间) names, as local time; now when it
    names none, or a day too far off to compare (the 30-day window must stay inside the calendar)."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat((raw or "").strip()[:32]).replace(tzinfo=None)
    except ValueError:
        return clock.now()
    return moment if dt.datetime(1900, 1, 1) <= moment <= dt.datetime(2100, 12, 31) else clock.now()


def _lookup_urls() -> dict[str, str]:
    """Where the action forms' AJAX selects search, by parameter kind."""
    return {
        "department": url_for("DepartmentView.related", col="parent"),
        "departments": url_for("DepartmentView.related", col="parent"),
        "coordinator": url_for("DutyRotaView.related", col="coordinator"),
        "root_cause": url_for("CaseView.related", col="root_cause"),
    }


def status_badge(case: Case) -> Markup:
    """The status as a coloured label (used by the case page)."""
    styles = {CaseStatus.RECEIVED: "primary", CaseStatus.ASSIGNED: "info", CaseStatus.RESOLVED: "success",
              CaseStatus.ARCHIVED: "default", CaseStatus.DECLINED: "default"}
    return Markup('<span class="label label-{}">{}</span>').format(styles.get(case.status, "warning"),
                                                                  case.status.label)
