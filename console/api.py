"""The REST API generated for a model, next to its screen.

Same declarations, same permissions (the API's methods map onto the screen's
can_list / can_show / can_add / can_edit / can_delete), same data scope, same
value rules; Chinese messages; expected failures answer 4xx, never 500.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from flask import request
from flask_appbuilder.api import ModelRestApi, expose, protect, safe
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from console.api_errors import ApiErrors, field_errors
from console.api_query import query_problem
from console.api_schema import ConsoleSchemaConverter
from console.api_spec import ApiSpecMixin
from console.build import view_permissions
from console.cache import request_cache
from console.errors import ConsoleError
from console.interface import ConsoleInterface, valid_pk
from console.introspect import attributes, descriptions, labels, screen_of
from console.privacy import (
    drop_unchanged_masks,
    log_disclosure,
    mask_record,
    may_see_personal_info,
    reveal_problem,
    revealed,
)
from console.references import refuse_if_referenced
from console.scoping import DataScopeMixin

API_METHOD_PERMISSIONS = {
    "get_list": "list", "get": "show", "info": "list",
    "post": "add", "put": "edit", "delete": "delete",
}
"""API methods share the screen's permissions: can_list on CaseView opens both."""


def load_record(schema: Any, data: dict, **kwargs: Any) -> Any:
    """`schema.load(data)` on a copy of the schema: marshmallow-sqlalchemy keeps the instance being
    loaded on the schema object itself, which every request thread shares (parallel PUTs changed
    each other's records or failed)."""
    return copy.copy(schema).load(data, **kwargs)


def _api_names(model: type, place: str) -> list[str]:
    """API field names for a place: relations by their foreign key, collections left out."""
    result = ["id"] if place in ("list", "show") else []
    for attr in attributes(model):
        decl = attr.field
        if decl.api is False:
            continue
        readable = decl.api is True or decl.list or decl.show
        wanted = {"list": readable, "show": readable, "add": decl.add, "edit": decl.edit}[place]
        if not wanted:
            continue
        if attr.kind == "relation":
            result.append(attr.fk_name)
        elif attr.kind == "column" or (attr.kind == "computed" and place in ("list", "show")):
            result.append(attr.name)
    return result


class ConsoleApi(ApiErrors, ApiSpecMixin, DataScopeMixin, ModelRestApi):
    """Base of every generated REST API."""

    model: type
    model2schemaconverter = ConsoleSchemaConverter
    allow_browser_login = False
    method_permission_name = API_METHOD_PERMISSIONS

    # Ids are integers on every route (FAB types PUT and DELETE as strings, so a
    # GET of /abc answered 405 while PUT of /abc went through to the database).

    @expose("/<int:pk>", methods=["PUT"])
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk: int) -> Any:
        return self.put_headless(pk)

    put.__doc__ = ModelRestApi.put.__doc__

    @expose("/<int:pk>", methods=["DELETE"])
    @protect()
    @safe
    @permission_name("delete")
    def delete(self, pk: int) -> Any:
        return self.delete_headless(pk)

    delete.__doc__ = ModelRestApi.delete.__doc__

    def create_blueprint(self, appbuilder: Any, *args: Any, **kwargs: Any) -> Any:
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(self._refuse_unreadable_query)
        blueprint.before_request(self._refuse_oversized_body)
        return blueprint

    def _refuse_oversized_body(self) -> Any:
        """Read the body before FAB's `safe` decorator can turn werkzeug's 413 into a 500."""
        try:
            request.get_data(cache=True)
        except RequestEntityTooLarge:
            return self.error(413, gettext("The submitted data is too large."))
        return None

    def _refuse_unreadable_query(self) -> Any:
        """Check `q` before FAB's rison decorator does: its refusals are English, and some values
        (`q=1e+5`, a page of 2**70 or -1) reached the database as a 500 (console.api_query)."""
        problem = query_problem(self, (request.endpoint or "").rpartition(".")[2], request.args.get("q"))
        return self.response_400(problem) if problem else None

    def _get_field_info(self, field: Any, filter_rel_field: Any, page: Any = None, page_size: Any = None) -> dict:
        # FAB calls gettext('') for a field without a description, which returns the
        # catalog's header; only declared texts are translated here.
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        description = self.description_columns.get(field.name)
        info["description"] = str(description) if description else ""
        label = self.label_columns.get(field.name)
        info["label"] = str(label) if label else field.name
        if "validate" in info:
            info["validate"] = [str(v) for v in (field.validate or []) if not callable(v) or hasattr(v, "error")]
        return info

    # ---- personal data: masked for everyone; `?reveal=<field>` on one record, logged --------

    def _mask(self, data: dict) -> dict:
        return mask_record(self.model, data, request_cache().get("revealed_field"))

    def get_headless(self, pk: Any, **kwargs: Any) -> Any:
        """One record; `?reveal=<field>` shows that personal-data field in full, for holders of
        查看个人信息, and logs it."""
        field = request.args.get("reveal")
        if field is None:
            return super().get_headless(pk, **kwargs)
        problem = reveal_problem(self.model, field)
        if problem:
            return self.response_400(problem)
        if not may_see_personal_info():
            return self.response_403()
        request_cache()["revealed_field"] = field
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200:
            log_disclosure("reveal", self.model, pk, revealed([field]))
        return response

    def pre_get(self, data: dict) -> None:
        """Mask personal data in a single item (but the one field revealed)."""
        if isinstance(data.get("result"), dict):
            self._mask(data["result"])

    def pre_get_list(self, data: dict) -> None:
        """Mask personal data in every item of a page."""
        for row in data.get("result", []):
            self._mask(row)

    # ---- writes -------------------------------------------------------------------------

    def create_item(self, data: dict) -> Any:
        """Make and store a row from validated JSON (override for domain rules)."""
        item = load_record(self.add_model_schema, data)
        self.pre_add(item)
        self.datamodel.session.add(item)
        self.datamodel.session.commit()
        return item

    def update_item(self, item: Any, data: dict) -> Any:
        """Apply validated JSON to a row (override for domain rules)."""
        item = load_record(self.edit_model_schema, data, instance=item, partial=True)
        self.pre_update(item)
        self.datamodel.session.commit()
        return item

    def _write(self, operation: Any, *args: Any) -> Any:
        session = self.datamodel.session
        try:
            return operation(*args)
        except ValidationError as err:
            session.rollback()
            return self.refuse_fields(field_errors(err.messages))
        except ConsoleError as exc:
            session.rollback()
            return self.error(exc.status, str(exc), exc.fields)
        except StaleDataError:
            session.rollback()
            return self.response_409(gettext("This record was changed by someone else; reload and try again."))
        except IntegrityError:
            session.rollback()
            return self.response_409(gettext("The record conflicts with an existing one (a unique value is "
                                             "taken, or other records still refer to it)."))
        except SQLAlchemyError:
            session.rollback()
            return self.response_422(gettext("The database refused the change; nothing was saved."))

    def _json_body(self) -> dict | None:
        if not request.is_json:
            return None
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else None

    def post_headless(self) -> Any:
        """Create a row from JSON."""
        data = self._json_body()
        if data is None:
            return self.response_400(gettext("The body must be a JSON object."))
        unknown = sorted(set(data) - set(self.add_columns))
        if unknown:
            return self.response_400(errors={k: [gettext("This field cannot be set.")] for k in unknown})

        def create() -> Any:
            item = self.create_item(data)
            return self.response(201, id=item.id, result=self._mask(self.show_model_schema.dump(item)))

        return self._write(create)

    def put_headless(self, pk: Any) -> Any:
        """Change a row from JSON; `version` (when the model has one) must be current."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        data = self._json_body()
        if data is None:
            return self.response_400(gettext("The body must be a JSON object."))
        version = data.pop("version", None) if self.is_versioned else None
        drop_unchanged_masks(item, data)
        unknown = sorted(set(data) - set(self.edit_columns))
        if unknown:
            return self.response_400(errors={k: [gettext("This field cannot be set.")] for k in unknown})
        if version is not None and version != item.version:
            return self.response_409(gettext("This record was changed by someone else; reload and try again."))

        def update() -> Any:
            changed = self.update_item(item, data)
            return self.response(200, result=self._mask(self.show_model_schema.dump(changed)))

        return self._write(update)

    def delete_headless(self, pk: Any) -> Any:
        """Delete a row the user may see."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()

        def remove() -> Any:
            refuse_if_referenced(item)
            self.pre_delete(item)
            self.datamodel.session.delete(item)
            self.datamodel.session.commit()
            return self.response(200, message=gettext("Deleted."))

        return self._write(remove)

    @property
    def is_versioned(self) -> bool:
        """Whether the model uses optimistic locking."""
        return self.model.__mapper__.version_id_col is not None


def build_api(model: type, mixins: Sequence[type] = (), **overrides: Any) -> type[ConsoleApi]:
    """The ModelRestApi class of `model`, at /api/v1/<screen.api>/."""
    screen = screen_of(model)
    perms = {"list": "can_list", "show": "can_show", "add": "can_add", "edit": "can_edit", "delete": "can_delete"}
    allowed = set(view_permissions(model))
    base_permissions = [p for p in perms.values() if p in allowed]
    routes = {"get_list", "get", "info"}
    routes |= {method for method, perm in (("post", "can_add"), ("put", "can_edit"), ("delete", "can_delete"))
               if perm in allowed}
    routes |= {r for mixin in mixins for r in getattr(mixin, "extra_routes", ())}
    search = [a.name for a in attributes(model) if a.field.search and a.kind != "computed"]
    attrs: dict[str, Any] = dict(
        model=model,
        datamodel=ConsoleInterface(model),
        resource_name=screen.api,
        class_permission_name=f"{model.__name__}View",
        base_permissions=base_permissions,
        include_route_methods=routes,
        openapi_spec_tag=str(screen.label),
        list_title=screen.label,
        show_title=screen.item_label or screen.label,
        add_title=screen.item_label or screen.label,
        edit_title=screen.item_label or screen.label,
        label_columns=labels(model),
        description_columns=descriptions(model),
        list_columns=_api_names(model, "list"),
        show_columns=_api_names(model, "show"),
        add_columns=_api_names(model, "add"),
        edit_columns=_api_names(model, "edit"),
        search_columns=search,
        order_columns=[n for n in _api_names(model, "list") if n in model.__mapper__.columns],
        base_order=screen.order,
        page_size=screen.page_size,
        max_page_size=100,
    )
    attrs.update(overrides)
    return type(f"{model.__name__}Api", (*mixins, ConsoleApi), attrs)


__all__ = ["ConsoleApi", "build_api", "valid_pk"]
