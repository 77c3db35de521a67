"""The login page: FAB's, plus lockout messages, session start and the login log."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import AuthDBView
from flask_babel import gettext
from flask_login import login_user

from access.login_log import is_locked, lock_minutes_left
from access.sessions import end_session, start_session
from console.forms import guarded
from models.audit import LoginResult
from views.auth import safe_next

LoginForm = guarded(LoginForm_db)
"""FAB's login form; a user name with control characters is refused before it reaches the database."""


class ConsoleAuthDBView(AuthDBView):
    """Database login with lockout, session limits and a forced password change."""

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self) -> Any:
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm()
        if form.validate_on_submit():
            next_url = safe_next(request.args.get("next")) or self.appbuilder.get_url_for_index
            sm = self.appbuilder.sm
            user = sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                known = sm.find_user(username=form.username.data)
                if is_locked(known):
                    flash(gettext("Too many failed logins: the account is locked for %(minutes)d more minute(s).",
                                  minutes=lock_minutes_left(known)), "danger")
                else:
                    flash(as_unicode(self.invalid_login_message), "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            login_user(user, remember=False)
            start_session(user)
            if user.must_change_password:
                flash(gettext("Please set a new password before continuing."), "warning")
                return redirect(url_for("ProfileView.index"))
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form, appbuilder=self.appbuilder)

    @expose("/logout/")
    def logout(self) -> Any:
        """Log out here and invalidate every copy of this session cookie."""
        user = self._get_authenticated_user()
        if user is not None:
            end_session(user, LoginResult.LOGOUT)
            self.appbuilder.sm.on_user_logout(user)
        return redirect(current_app.config.get("LOGOUT_REDIRECT_URL", self.appbuilder.get_url_for_index))
