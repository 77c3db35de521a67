"""Login sessions (等保): idle and absolute expiry, server-side revocation, forced password change.

A login stores when it started, when it was last used and the user's
`session_epoch`. Each request checks them: 30 idle minutes or 12 hours in all
end the session, and so does any change of the epoch (logout, password change)
— a copied cookie is worthless afterwards. Deactivated users are logged out at
their next request; users who must change their password can only do that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext
from flask_login import current_user, logout_user

from models.audit import LoginResult
from workdays import clock

ALWAYS_ALLOWED = {"ProfileView.index", "ConsoleAuthDBView.logout", "ConsoleAuthDBView.login", "static",
                  "appbuilder.static"}


def start_session(user: Any) -> None:
    """Called right after a successful login."""
    now = clock.now().timestamp()
    session.permanent = True
    session["login_at"] = now
    session["seen_at"] = now
    session["epoch"] = user.session_epoch or 0


def end_session(user: Any, result: LoginResult) -> None:
    """Log the user out here and everywhere (the epoch moves on)."""
    from access.login_log import log_login
    from extensions import db

    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()
    log_login(user.username, user, result)
    logout_user()
    session.clear()
    g.user = current_user


def _expired(user: Any) -> LoginResult | None:
    from flask import current_app

    if not user.is_active:
        return LoginResult.INACTIVE
    if session.get("epoch") != (user.session_epoch or 0):
        return LoginResult.EXPIRED
    now = clock.now().timestamp()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if now - session.get("login_at", 0) > absolute or now - session.get("seen_at", 0) > idle:
        return LoginResult.EXPIRED
    return None


def check_session() -> Any:
    """before_request: enforce expiry, revocation, deactivation and forced password change."""
    if request.path.startswith("/api/") or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    problem = _expired(user)
    if problem is not None:
        if problem == LoginResult.EXPIRED and session.get("epoch") != (user.session_epoch or 0):
            # Revoked elsewhere: the user's live sessions already moved on; do not bump again.
            from access.login_log import log_login

            log_login(user.username, user, problem)
            logout_user()
            session.clear()
            g.user = current_user
        else:
            end_session(user, problem)
        flash(gettext("Your session has ended; please log in again."), "warning")
        from views.auth import login_url

        return redirect(login_url(request.full_path if request.method == "GET" else None))
    session["seen_at"] = clock.now().timestamp()
    # FAB sets g.user to flask-login's proxy, which looks the user up again on every attribute read
    # (a list page reads it a few hundred times); the user of this request is this object.
    g.user = user
    if getattr(user, "must_change_password", False) and request.endpoint not in ALWAYS_ALLOWED:
        flash(gettext("Please set a new password before continuing."), "warning")
        return redirect(url_for("ProfileView.index"))
    return None


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Session cookies get `Secure` whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def session_lifetime(app: Flask) -> dt.timedelta:
    """The cookie lives no longer than the absolute session limit."""
    return dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
