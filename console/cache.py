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


class StampedCache:
    """Values this process keeps until the database's stamp of their kind moves (models/cache_stamp.py).

    `get(key, stamp, load)` answers the kept value when it was loaded under the same
    stamp, else calls `load()` and keeps that. Keys name the database too, so two
    apps of one process (tests, bench) never see each other's values.
    """

    def __init__(self, limit: int = 256) -> None:
        self._values: dict[Any, tuple[Any, Any]] = {}
        self._limit = limit

    def get(self, key: Any, stamp: str | None, load: Any) -> Any:
        """The value of `key` as of `stamp`; an absent stamp (no row yet) is never trusted."""
        held = self._values.get(key)
        if stamp is not None and held is not None and held[0] == stamp:
            return held[1]
        value = load()
        if stamp is not None:
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[key] = (stamp, value)
        return value


process_cache = StampedCache()
"""The one per-process cache: permission sets by role, the holiday calendar (see README 「性能」)."""
