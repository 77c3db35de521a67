"""The base class of every generated screen.

It keeps FAB's routes and permissions and fixes what a government console
cannot live with: bulk and single actions that ignored the data scope, English
database errors in flash messages, lost updates on concurrent edits, related
selects that loaded whole tables, and no export.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from console.declare import QuickFilter, Screen
from console.disclosure import DisclosureMixin
from console.errors import ConsoleError
from console.filters import ConditionFilter
from console.interface import valid_pk
from console.listargs import SafeListArgs
from console.privacy import mask_form, unmask_form
from console.references import refuse_if_referenced
from console.scoping import DataScopeMixin
from console.widgets import ConsoleFormWidget, ConsoleListWidget, ConsoleSearchWidget, ConsoleShowWidget

STARTED_JOBS = "started_jobs"
"""Session key set when the user starts a background job: list pages look for progress bars only then."""

STALE_MESSAGE = _l("This record was changed by someone else; reload the page and try again.")


class ConsoleModelView(DisclosureMixin, SafeListArgs, DataScopeMixin, ModelView):
    """A screen generated from a model's declarations (see console.build)."""

    model: type
    screen: Screen
    lookup_page_size = 20
    list_template = "console/model/list.html"
    show_template = "console/model/show.html"
    add_template = "console/model/add.html"
    edit_template = "console/model/edit.html"
    list_widget = ConsoleListWidget
    search_widget = ConsoleSearchWidget
    show_widget = ConsoleShowWidget
    add_widget = ConsoleFormWidget
    edit_widget = ConsoleFormWidget

    # ---- data scope -------------------------------------------------------------

    def _init_properties(self) -> None:
        declared_search = list(self.search_columns or [])
        super()._init_properties()
        # FAB falls back to every column when none is declared; we do not.
        self.search_columns = declared_search
        self._filters = self.datamodel.get_filters(self.search_columns)

    def get_item(self, pk: Any) -> Any:
        """The row `pk` if the user may see it, else None."""
        return self.datamodel.get(pk, self._base_filters)

    def get_item_or_404(self, pk: Any) -> Any:
        """The row `pk` if the user may see it; 404 otherwise (also for other departments' rows)."""
        item = self.get_item(pk)
        if item is None:
            abort(404)
        return item

    # ---- list ---------------------------------------------------------------------

    def active_quick_filter(self) -> QuickFilter | None:
        """The quick filter named in `?quick=`, if it exists."""
        name = request.args.get("quick")
        return next((q for q in self.screen.quick_filters if q.name == name), None)

    def list_filters(self) -> Any:
        """The user's search filters joined with scope, base filters and the quick filter."""
        self.read_filter_args()
        joined = self._filters.get_joined_filters(self._base_filters)
        quick = self.active_quick_filter()
        if quick is not None:
            joined.add_filter(self.datamodel.get_pk_name(), ConditionFilter, quick.condition)
        searched = [f.column_name for f in self._filters.filters]
        for condition in self.screen.hidden_rows(quick, searched):
            joined.add_filter(self.datamodel.get_pk_name(), ConditionFilter, condition)
        return joined

    def _list(self, **kwargs: Any) -> dict:
        order_column, order_direction = self.list_order()
        page, page_size = self.list_paging()
        filters = self.list_filters()
        count, items = self.datamodel.query(filters, order_column, order_direction,
                                            page=page, page_size=page_size)
        widgets = {
            "list": self.list_widget(
                label_columns=self.label_columns,
                include_columns=self.list_columns,
                value_columns=self.datamodel.get_values(items, self.list_columns),
                order_columns=self.order_columns,
                formatters_columns=self.formatters_columns,
                page=page, page_size=page_size, count=count,
                pks=self.datamodel.get_keys(items),
                items=items,
                actions=self.actions,
                filters=self._filters,
                modelview_name=self.__class__.__name__,
                view=self,
            )
        }
        self.update_redirect()
        return self._get_search_widget(form=self.search_form.refresh(), widgets=widgets)

    # ---- show / add / edit / delete ----------------------------------------------

    show_formatters_columns: dict = {}

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, actions: Any = None,
                         show_fieldsets: Any = None) -> dict:
        widgets = widgets or {}
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=self.show_columns,
            value_columns=self.datamodel.get_values_item(item, self.show_columns),
            formatters_columns=self.show_formatters_columns or self.formatters_columns,
            actions=actions or self.actions, fieldsets=show_fieldsets or self.show_fieldsets,
            modelview_name=self.__class__.__name__,
        )
        return widgets

    def _show(self, pk: Any) -> dict:
        item = self.get_item_or_404(pk)
        widgets = self._get_show_widget(pk, item)
        widgets["item"] = item
        widgets["view"] = self
        self.update_redirect()
        return widgets

    def create_item(self, form: Any) -> Any:
        """Make and store a new row from a validated add form; raise ConsoleError to refuse."""
        item = self.datamodel.obj()
        form.populate_obj(item)
        self.pre_add(item)
        self.datamodel.session.add(item)
        self.datamodel.session.commit()
        return item

    def update_item(self, item: Any, form: Any) -> Any:
        """Apply a validated edit form; raise ConsoleError to refuse."""
        form.populate_obj(item)
        self.pre_update(item)
        self.datamodel.session.commit()
        return item

    def delete_item(self, item: Any) -> bool:
        """Delete a row no other record refers to; raise ConsoleError to refuse."""
        refuse_if_referenced(item)
        self.pre_delete(item)
        self.datamodel.session.delete(item)
        self.datamodel.session.commit()
        return True

    def _save(self, operation: Any, *args: Any) -> Any:
        """Run a write, turning every expected failure into a Chinese message."""
        session = self.datamodel.session
        try:
            return operation(*args)
        except ConsoleError as exc:
            session.rollback()
            flash(str(exc), "danger")
        except StaleDataError:
            session.rollback()
            flash(str(STALE_MESSAGE), "danger")
        except IntegrityError:
            session.rollback()
            flash(gettext("The record conflicts with an existing one (a unique value is taken, "
                          "or other records still refer to it)."), "danger")
        except SQLAlchemyError:
            session.rollback()
            flash(gettext("The database refused the change; nothing was saved."), "danger")
        return None

    def _add(self) -> dict | None:
        form = self.add_form.refresh()
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self._save(self.create_item, form)
                if item is not None:
                    self.post_add(item)
                    flash(str(self.add_row_message), "success")
                    return None
        else:
            self.prefill_add_form(form)
            self.update_redirect()
        return self._get_add_widget(form=form)

    def prefill_add_form(self, form: Any) -> None:
        """Set defaults of a fresh add form (override per screen)."""

    def _edit(self, pk: Any) -> dict | None:
        item = self.get_item_or_404(pk)
        self.check_editable(item)
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            unmask_form(form, item)
            if self.is_versioned and request.form.get("_version") != str(item.version):
                flash(str(STALE_MESSAGE), "danger")
            elif form.validate():
                self.process_form(form, False)
                if self._save(self.update_item, item, form) is not None:
                    self.post_update(item)
                    flash(str(self.edit_row_message), "success")
                    return None
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        mask_form(form, item)
        widgets = self._get_edit_widget(form=form)
        if self.is_versioned:
            widgets["edit"].template_args["version"] = item.version
        widgets["item"] = item
        return widgets

    def check_editable(self, item: Any) -> None:
        """Refuse to edit a row that is read-only in its state (override per screen)."""

    @property
    def is_versioned(self) -> bool:
        """Whether the model uses optimistic locking (a `version` column)."""
        return self.datamodel.obj.__mapper__.version_id_col is not None

    def _delete(self, pk: Any) -> None:
        item = self.get_item_or_404(pk)
        if self._save(self.delete_item, item):
            self.post_delete(item)
            flash(str(self.delete_row_message), "success")
        self.update_redirect()

    # ---- actions: fetched through the data scope ------------------------------------

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name: str, pk: Any) -> Any:
        """A single-row action from the show page, on a row the user may see."""
        if name not in self.actions:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name), self.class_permission_name):
            abort(403)
        item = self.get_item_or_404(pk)
        return self.actions[name].func(item)

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        """A bulk action on the selected rows; rows outside the user's scope are never loaded."""
        name = request.form.get("action", "")
        if name not in self.actions:
            abort(404)
        if not self.appbuilder.sm.has_access(self.get_action_permission_name(name), self.class_permission_name):
            abort(403)
        pks = [valid_pk(raw) for raw in request.form.getlist("rowid")]
        items = [item for item in (self.get_item(pk) for pk in pks if pk) if item is not None]
        missing = len(pks) - len(items)
        if missing:
            flash(gettext("%(count)d selected record(s) do not exist or are outside your scope; "
                          "they were skipped.", count=missing), "warning")
        if not items:
            return redirect(self.get_redirect())
        return self.actions[name].func(items)

    # ---- related-record lookup for AJAX selects ---------------------------------------

    @expose("/related/<col>")
    @has_access
    @permission_name("list")
    def related(self, col: str) -> Any:
        """Matches for an AJAX select: `?q=` text, `?page=`, or `?id=` for one label."""
        from console.lookup import lookup

        attr = self.datamodel.list_properties.get(col)
        if col not in self.lookup_columns or attr is None:
            abort(404)
        return jsonify(lookup(self.model, col, request.args))

    # ---- export ---------------------------------------------------------------------

    @expose("/export/<fmt>")
    @has_access
    @permission_name("export")
    def export(self, fmt: str) -> Any:
        """The filtered list as .xlsx or .csv, with the declared export columns (personal data masked).

        Up to EXPORT_BACKGROUND_ROWS rows the file is the answer; a larger export runs as a background job
        whose progress the list shows, with the file to download when it is done."""
        from console.export import export_response

        if fmt not in ("xlsx", "csv"):
            abort(404)
        filters = self.list_filters()
        if self.datamodel.count(filters) > current_app.config["EXPORT_BACKGROUND_ROWS"]:
            return self.export_in_background(fmt)
        order_column, order_direction = self.base_order or ("", "")
        _count, items = self.datamodel.query(filters, order_column, order_direction)
        return export_response(self, items, fmt)

    def export_in_background(self, fmt: str, full: bool = False) -> Any:
        """Start the export of the filtered list as a job; back to the list, which shows its progress."""
        args = request.args.to_dict(flat=False)
        session[STARTED_JOBS] = True
        current_app.extensions["export_jobs"].start(
            self.__class__.__name__, fmt, g.user.id, request.query_string.decode("utf-8", "replace"),
            request.remote_addr, self.list_url(), full=full)
        flash(gettext("The export runs in the background; its progress is shown above the list, "
                      "and the file can be downloaded here when it is done."), "info")
        return redirect(self.list_url(**args))

    def export_jobs(self) -> list[dict]:
        """The user's recent exports from this list (for the progress bars above it)."""
        user = g.get("user")
        if user is None or not getattr(user, "is_authenticated", False) or not session.get(STARTED_JOBS):
            return []  # no job started in this session: no statement spent on looking
        jobs = current_app.extensions["export_jobs"]
        return [jobs.describe(job) for job in jobs.recent(user.id, self.list_url())]

    def list_url(self, **args: Any) -> str:
        """URL of this list with extra query arguments."""
        return url_for(f"{self.endpoint}.list", **args)
