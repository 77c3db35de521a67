"""The role screen in Chinese: permissions as checkboxes grouped by screen."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from flask import request
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.security.views import RoleModelView
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from access.permission_labels import label_for
from console.forms import GuardedForms
from console.listargs import SafeListArgs


def grouped(permission_views: list[Any]) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    """[(group label, [(label, pv), …]), …] in screen order."""
    groups: OrderedDict[str, tuple[Any, int, list[tuple[Any, Any]]]] = OrderedDict()
    for pv in permission_views:
        if pv.permission is None or pv.view_menu is None:
            continue
        label = label_for(pv.permission.name, pv.view_menu.name)
        key = str(label.group)
        if key not in groups:
            groups[key] = (label.group, label.order, [])
        groups[key][2].append((label.name, pv))
    ordered = sorted(groups.values(), key=lambda g: (g[1], str(g[0])))
    return [(group, sorted(items, key=lambda i: str(i[0]))) for group, _order, items in ordered]


class GroupedPermissionsWidget:
    """Checkboxes of every permission, one fieldset per screen."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        selected = {pv.id for pv in (field.data or [])}
        disabled = Markup(" disabled") if kwargs.get("disabled") else Markup("")
        objects = [obj for _pk, obj in field._get_object_list()]
        parts = [Markup('<div class="permission-groups">')]
        for group, items in grouped(objects):
            parts.append(Markup('<fieldset class="permission-group"><legend>{}</legend>').format(group))
            for name, pv in items:
                checked = Markup(" checked") if pv.id in selected else Markup("")
                parts.append(Markup(
                    '<label class="checkbox-inline permission"><input type="checkbox" name="{}" value="{}"{}{}> {}'
                    "</label>").format(field.name, pv.id, checked, disabled, name))
            parts.append(Markup("</fieldset>"))
        parts.append(Markup("</div>"))
        return Markup("").join(parts)


def _permissions_text(permissions: list[Any]) -> Markup:
    lines = [Markup("<strong>{}</strong>：{}").format(group, "、".join(str(name) for name, _pv in items))
             for group, items in grouped(list(permissions))]
    return Markup("<br>").join(lines)


class ReadOnlyFormWidget(RenderTemplateWidget):
    """A form shown for reading only: every field disabled, a notice instead of the 保存 button."""

    template = "console/widgets/readonly_form.html"


class ConsoleRoleView(SafeListArgs, GuardedForms, RoleModelView):
    """FAB's role screen with Chinese, grouped permissions."""

    exclude_route_methods = {"download"}
    list_widget = ListWidget
    show_widget = ShowWidget
    list_columns = ["name", "permissions"]
    search_columns = ["name"]
    formatters_columns = {"permissions": _permissions_text}
    label_columns = {"name": _l("Role name"), "permissions": _l("Permissions")}
    description_columns = {"permissions": _l("Tick what holders of this role may do, screen by screen.")}

    def _init_forms(self) -> None:
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            unbound = form.permissions
            form.permissions = QuerySelectMultipleField(
                _l("Permissions"), description=self.description_columns["permissions"],
                query_func=unbound.kwargs["query_func"], get_pk_func=unbound.kwargs["get_pk_func"],
                widget=GroupedPermissionsWidget(),
            )

    @staticmethod
    def is_declared(item: Any) -> bool:
        """Whether `item` is a built-in role, whose permissions access/roles.py declares."""
        from flask import current_app

        from access.roles import ROLES

        return item.name in ROLES or item.name == current_app.appbuilder.sm.auth_role_admin

    @staticmethod
    def _declared_notice(item: Any) -> str:
        return gettext("“%(role)s” is a built-in role whose permissions are declared by the "
                       "system; copy it to make a variant you can edit.", role=item.name)

    def _refuse_declared(self, item: Any) -> None:
        if self.is_declared(item):
            raise ValueError(self._declared_notice(item))

    def _edit(self, pk: Any) -> Any:
        """FAB's edit form; a built-in role's form is shown read-only, without a 保存 button."""
        if request.method == "GET":
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None and self.is_declared(item):
                form = self.edit_form.refresh(obj=item)
                widgets = {"edit": ReadOnlyFormWidget(form=form, include_cols=self.edit_columns,
                                                      notice=self._declared_notice(item))}
                return self._get_related_views_widgets(item, filters={}, orders=get_order_args(),
                                                       pages=get_page_args(), page_sizes=get_page_size_args(),
                                                       widgets=widgets)
        return super()._edit(pk)

    def pre_update(self, item: Any) -> None:
        """Built-in roles are declared in code; the UI edits custom roles only."""
        self._refuse_declared(item)

    def pre_delete(self, item: Any) -> None:
        """Built-in roles cannot be deleted; roles still held by users neither."""
        self._refuse_declared(item)
        super().pre_delete(item)
