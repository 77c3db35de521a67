"""Error pages in Chinese, in the console's layout; JSON under /api/."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from console.api_errors import error_body

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (gettext("Bad request"), gettext("The request could not be understood; nothing was changed.")),
        401: (gettext("Please log in"), gettext("Please log in first.")),
        403: (gettext("No access"), gettext("You do not have permission to open this page or do this.")),
        404: (gettext("Not found"), gettext("The page or record does not exist, or is outside your scope.")),
        405: (gettext("Method not allowed"), gettext("This address does not accept that kind of request.")),
        409: (gettext("Conflict"), gettext("The record was changed by someone else, or the action is not "
                                           "allowed in its current state. Reload and try again.")),
        413: (gettext("Too large"), gettext("The submitted data is too large.")),
        414: (gettext("Address too long"), gettext("The address (URL) is too long; use fewer search conditions "
                                                   "or shorter ones.")),
        429: (gettext("Too many requests"), gettext("Too many attempts in a short time; wait a moment and "
                                                    "try again.")),
        500: (gettext("Server error"), gettext("Something went wrong on our side; it has been logged. "
                                               "Nothing was changed.")),
        503: (gettext("System busy"), gettext("The data is being changed by another operation, so this request "
                                              "could not be completed. Reload the page to see what was saved, "
                                              "then try again.")),
    }


BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""PostgreSQL's serialization failure, deadlock and lock timeout: the request may simply be tried again."""


def database_busy(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing for a moment because another transaction holds what this one
    needs: SQLite's file lock held past the busy timeout ("database is locked"), or PostgreSQL's
    serialization failure, deadlock or lock timeout. The failed transaction is rolled back; what the request
    committed before it (earlier rows of a bulk action) stays, so the answer does not claim that nothing changed."""
    if not isinstance(exc, OperationalError):
        return False
    original = exc.orig
    if getattr(original, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def wants_json() -> bool:
    """API clients get JSON errors; browsers get pages."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, detail: str | None = None) -> Any:
    """The error page (or JSON body) for an HTTP status."""
    from extensions import db

    db.session.rollback()
    title, message = _messages().get(code, (gettext("Error"), gettext("The request failed.")))
    message = detail or message
    if wants_json():
        return jsonify(error_body(message)), code
    if "user" not in g:
        # Errors raised before FAB's own hook ran (CSRF) still render the navbar.
        g.user = current_user
    try:
        return render_template("console/error.html", code=code, title=title, message=message), code
    except Exception:  # the layout itself failed (e.g. the database is down)
        log.exception("error page could not be rendered")
        return f"<h1>{code} {escape(title)}</h1><p>{escape(message)}</p>", code


def refuse_long_urls() -> Any:
    """A 414 before anything else reads a URL longer than MAX_URL_LENGTH (path plus query string)."""
    from flask import current_app

    if len(request.path) + len(request.query_string) > current_app.config["MAX_URL_LENGTH"]:
        return error_response(414)
    return None


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on `app`, and the URL length check that answers with one of them."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_long_urls)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        return error_response(400, gettext("The form expired or did not come from this site; "
                                           "reload the page and submit again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if exc.code is None or exc.code < 400:
            return exc
        body, code = error_response(exc.code)
        response = app.make_response((body, code))
        # Keep what the exception says about itself (Allow on 405, Retry-After on 429 …).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> Any:
        if database_busy(exc):
            log.warning("database busy on %s %s: %s", request.method, request.path, exc)
            body, code = error_response(503)
            response = app.make_response((body, code))
            response.headers["Retry-After"] = "5"
            return response
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
