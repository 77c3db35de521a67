"""A cache that lives exactly as long as one request (or one command outside requests).

Flask's `g` belongs to the application context, which an outer context (a
CLI command, a test) can share across several requests; per-user facts such
as permissions and data scope must never outlive their request.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request


def request_cache() -> dict[str, Any]:
    """The cache dict of the current request (or app context when there is no request)."""
    if has_request_context():
        store = request.__dict__.get("_console_cache")
        if store is None:
            store = request.__dict__["_console_cache"] = {}
        return store
    return g.setdefault("_console_cache", {})
