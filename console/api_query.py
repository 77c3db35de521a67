"""The REST API's `q` argument, checked before FAB reads it, every refusal in Chinese.

FAB decodes `q` (rison, then JSON) in its `rison` decorator and answers a bad one in English
("Not a valid rison schema …", "Invalid order by column: …", "Filter column: … not allowed to
filter", "Cannot use both select and sel columns"); a page of 2**70 or -1 it passes on to the
database. `query_problem` runs the same decoding and schema, plus the checks FAB makes later,
and names what is wrong in Chinese; `chinese_fab_message` is the fallback for anything FAB
still says itself.
"""

from __future__ import annotations

import copy
import json
import urllib.parse
from typing import Any

import jsonschema
import prison
from flask import current_app
from flask_appbuilder.api.schemas import get_info_schema, get_item_schema, get_list_schema
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console.filters import INT_MAX
from console.listargs import PAGE_MAX

SCHEMAS = {"get_list": get_list_schema, "get": get_item_schema, "info": get_info_schema}
"""FAB's own JSON schemas of `q`, by the endpoint that reads it."""

PARTS = {
    "keys": _l("the parts to return"),
    "columns": _l("the columns to return"),
    "select_columns": _l("the columns to select"),
    "order_column": _l("the sort column"),
    "order_direction": _l("the sort direction"),
    "page": _l("the page number"),
    "page_size": _l("the page size"),
    "filters": _l("the filters"),
    "add_columns": _l("the options of the add form"),
    "edit_columns": _l("the options of the edit form"),
}
PROBLEMS = {
    "integer": _l("must be a whole number"),
    "number": _l("must be a number"),
    "string": _l("must be text"),
    "array": _l("must be a list"),
    "object": _l("must be a set of named values"),
    "enum": _l("is not one of the allowed values"),
    "required": _l("needs a column, an operator and a value in each filter"),
}


def decode(value: str) -> Any:
    """`q` as FAB's `rison` decorator reads it (rison, else JSON); ValueError if neither."""
    try:
        return prison.loads(value)
    except prison.decoder.ParserException:
        if not current_app.config.get("FAB_API_ALLOW_JSON_QS", True):
            raise ValueError(value) from None
    except Exception as exc:  # noqa: BLE001 - ValueError, IndexError … from prison's number parser
        raise ValueError(value) from exc
    try:
        return json.loads(urllib.parse.parse_qs(f"q={value}").get("q")[0])
    except Exception as exc:  # noqa: BLE001 - whatever json or parse_qs raise
        raise ValueError(value) from exc


def _schema_problem(args: Any, schema: dict) -> str | None:
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(args))
    if error is None:
        return None
    path = list(error.absolute_path)
    if not path or path[0] not in PARTS:
        return gettext("The query parameter q must be a set of named values.")
    expected = error.validator_value if error.validator == "type" else error.validator
    problem = PROBLEMS.get(expected if isinstance(expected, str) else "", _l("is not valid"))
    return gettext("In the query parameter q, %(part)s %(problem)s.", part=PARTS[path[0]], problem=problem)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list_problem(api: Any, args: dict) -> str | None:
    """What FAB checks in get_list (and what it lets through to the database)."""
    for key in ("page", "page_size"):
        if key in args and not _whole(args[key]):
            return gettext("In the query parameter q, %(part)s %(problem)s.", part=PARTS[key],
                           problem=PROBLEMS["integer"])
    if not 0 <= args.get("page", 0) <= PAGE_MAX:
        return gettext("The page number must be between 0 and %(max)d (the first page is 0).", max=PAGE_MAX)
    if not 1 <= args.get("page_size", 1) <= api.max_page_size:
        return _page_size_problem(api)
    order = args.get("order_column")
    if order and order not in api.order_columns:
        return gettext("The list cannot be sorted by that column.")
    filters = api._filters
    for item in args.get("filters", []):
        if item["col"] not in filters.search_columns:
            return gettext("The list cannot be filtered by that column.")
        if not filters._rest_check_valid_filter_operation(item["col"], item["opr"]):
            return gettext("That comparison is not available for this column.")
    return None


def _page_size_problem(api: Any) -> str:
    return gettext("The page size must be between 1 and %(max)d.", max=api.max_page_size)


def _info_problem(api: Any, args: dict) -> str | None:
    """The pages of related choices _info lists: the same bounds as a list's."""
    for key, names in (("add_columns", api.add_columns), ("edit_columns", api.edit_columns)):
        for name, paging in args.get(key, {}).items():
            if name not in names:
                return gettext("In the query parameter q, %(part)s %(problem)s.", part=PARTS[key],
                               problem=PROBLEMS["enum"])
            page, size = paging.get("page", 0), paging.get("page_size", 1)
            if not (_whole(page) and 0 <= page <= PAGE_MAX):
                return gettext("The page number must be between 0 and %(max)d (the first page is 0).", max=PAGE_MAX)
            if not (_whole(size) and 1 <= size <= api.max_page_size):
                return _page_size_problem(api)
    return None


def query_problem(api: Any, endpoint: str, value: str | None) -> str | None:
    """Why the `q` of a request to `endpoint` ('get_list', 'get', 'info') would be refused, in Chinese."""
    if not value:
        return None
    try:
        args = decode(value)
    except ValueError:
        return gettext("The query parameter q cannot be read.")
    schema = SCHEMAS.get(endpoint)
    if schema is None:
        return None
    problem = _schema_problem(args, schema)
    if problem:
        return problem
    if args.get("columns") and args.get("select_columns"):
        return gettext("Name either the columns to return or the columns to select, not both.")
    problem = _info_problem(api, args) if endpoint == "info" else None
    problem = problem or (_list_problem(api, args) if endpoint == "get_list" else None)
    # Last, the schema the OpenAPI document states, so that the two cannot drift apart.
    return problem or _schema_problem(args, documented_schema(api, endpoint))


FAB_MESSAGES = (
    ("Not a valid rison", _l("The query parameter q is not valid.")),
    ("Invalid order by column", _l("The list cannot be sorted by that column.")),
    ("Filter column", _l("The list cannot be filtered by that column.")),
    ("Filter operation", _l("That comparison is not available for this column.")),
    ("Cannot use both select and sel columns",
     _l("Name either the columns to return or the columns to select, not both.")),
    ("Request is not JSON", _l("The body must be a JSON object.")),
)


def chinese_fab_message(text: str) -> str:
    """FAB's English refusal (if `text` is one) as the console's Chinese sentence."""
    for prefix, message in FAB_MESSAGES:
        if text.startswith(prefix):
            return str(message)
    if text.startswith("400 Bad Request"):  # werkzeug's BadRequest, turned into text by FAB's `safe`
        return gettext("The request is malformed.")
    return text


FILTER_VALUE = {"anyOf": [{"type": "string", "maxLength": 50}, {"type": "integer", "minimum": -INT_MAX,
                                                                 "maximum": INT_MAX}, {"type": "boolean"}]}
"""A filter's value: the console's filters read any of these, an unreadable one as 'no match'."""


def query_schema(api: Any, endpoint: str) -> dict:
    """The JSON schema of `q` that `query_problem` accepts for `endpoint` of `api`, for the OpenAPI document.

    FAB's schema narrowed by the same declarations the checks above read: the sort and filter
    columns, each column's operators, the page bounds; sizes bounded so that a URL stays below
    MAX_URL_LENGTH (a longer one answers 414 before anything reads it).
    """
    schema = copy.deepcopy(SCHEMAS[endpoint])
    properties = schema["properties"]
    schema["additionalProperties"] = False
    readable = list(api.list_columns if endpoint == "get_list" else api.show_columns)
    for key in ("columns", "select_columns"):
        if key in properties:
            properties[key] = {"type": "array", "uniqueItems": True, "maxItems": len(readable),
                               "items": {"type": "string", "enum": readable}}
    if endpoint == "get_list":
        schema["not"] = {"required": ["columns", "select_columns"]}  # refused together
        properties["order_column"] = {"type": "string", "enum": list(api.order_columns)}
        properties["page"] = {"type": "integer", "minimum": 0, "maximum": PAGE_MAX}
        properties["page_size"] = {"type": "integer", "minimum": 1, "maximum": api.max_page_size}
        filters = api._filters.get_search_filters()
        properties["filters"] = {"type": "array", "maxItems": 5, "items": {"anyOf": [
            {"type": "object", "required": ["col", "opr", "value"], "additionalProperties": False,
             "properties": {"col": {"type": "string", "enum": [column]},
                            "opr": {"type": "string", "enum": sorted({f.arg_name for f in classes})},
                            "value": FILTER_VALUE}}
            for column, classes in filters.items() if column in api.search_columns]}}
    if endpoint == "info":
        page = {"type": "object", "additionalProperties": False, "properties": {
            "page": {"type": "integer", "minimum": 0, "maximum": PAGE_MAX},
            "page_size": {"type": "integer", "minimum": 1, "maximum": api.max_page_size}}}
        for key, names in (("add_columns", api.add_columns), ("edit_columns", api.edit_columns)):
            properties[key] = {"type": "object", "additionalProperties": False,
                               "properties": {name: page for name in names}}
    return schema


def documented_schema(api: Any, endpoint: str) -> dict:
    """`query_schema`, made once per API and endpoint."""
    cache = api.__dict__.setdefault("_query_schemas", {})
    if endpoint not in cache:
        cache[endpoint] = query_schema(api, endpoint)
    return cache[endpoint]
