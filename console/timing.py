"""The SQL a request sent, for the `Server-Timing` response header (`SERVER_TIMING=1`).

    Server-Timing: sql;dur=12.34;desc="6"

`dur` is the milliseconds spent in the database driver, `desc` the number of
statements. Engine events count every statement sent while a request is
being served, on whichever connection; statements outside a request (CLI
commands, the tests' own setup) are not counted. bench/run.py reads the header.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context

from console.cache import request_cache

_STARTED = "server_timing_started"


class SqlTally:
    """Statements sent and seconds spent in the driver during one request."""

    def __init__(self) -> None:
        self.statements = 0
        self.seconds = 0.0

    def header(self) -> str:
        """The `Server-Timing` value."""
        return f'sql;dur={self.seconds * 1000:.2f};desc="{self.statements}"'


def request_tally() -> SqlTally | None:
    """This request's tally, when SERVER_TIMING is on and a request is being served."""
    if not has_request_context() or not current_app.config.get("SERVER_TIMING"):
        return None
    cache = request_cache()
    tally = cache.get("sql_tally")
    if tally is None:
        tally = cache["sql_tally"] = SqlTally()
    return tally


def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    conn.info.setdefault(_STARTED, []).append(time.perf_counter())


def _after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    started = conn.info.get(_STARTED)
    if not started:
        return
    elapsed = time.perf_counter() - started.pop()
    tally = request_tally()
    if tally is not None:
        tally.statements += 1
        tally.seconds += elapsed


def _failed(context: Any) -> None:
    # A statement that raised never reaches after_cursor_execute; count it and drop its start.
    conn = context.connection
    started = conn.info.get(_STARTED) if conn is not None else None
    if started:
        started.pop()
        tally = request_tally()
        if tally is not None:
            tally.statements += 1


def install_server_timing(app: Flask, engine: sa.Engine) -> None:
    """Count `engine`'s statements per request and, when SERVER_TIMING is on, answer with the header."""
    if not getattr(engine, "_console_timing", False):
        sa.event.listen(engine, "before_cursor_execute", _before)
        sa.event.listen(engine, "after_cursor_execute", _after)
        sa.event.listen(engine, "handle_error", _failed)
        engine._console_timing = True  # type: ignore[attr-defined]

    @app.after_request
    def server_timing(response: Any) -> Any:
        tally = request_tally()
        if tally is not None:
            response.headers["Server-Timing"] = tally.header()
        return response
