"""个人资料: every user, whatever the role, sees their account and changes their password."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, session, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired

from access.passwords import PasswordPolicy
from views.auth import login_required


class ChangePasswordForm(FlaskForm):
    """Current password, then the new one twice."""

    current = PasswordField(_l("Current password"), [InputRequired(_l("This field is required."))])
    password = PasswordField(_l("New password"), [InputRequired(_l("This field is required.")), PasswordPolicy()],
                             description=_l("At least 10 characters, with three of: lower-case, upper-case, "
                                            "digits, symbols; not your user name."))
    confirm = PasswordField(_l("Repeat new password"),
                            [InputRequired(_l("This field is required.")),
                             EqualTo("password", message=_l("The two passwords differ."))])


class ProfileView(BaseView):
    """`/profile/`: the logged-in user's own account."""

    route_base = "/profile"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @login_required
    def index(self) -> Any:
        user = g.user
        form = ChangePasswordForm()
        if form.validate_on_submit():
            if not user.password or not check_password_hash(user.password, form.current.data):
                form.current.errors = [gettext("The current password is wrong.")]
            else:
                self.appbuilder.sm.reset_password(user.id, form.password.data)
                # Other sessions of this user end; this one carries on with the new epoch.
                session["epoch"] = self.appbuilder.sm.get_user_by_id(user.id).session_epoch
                flash(gettext("Your password was changed."), "success")
                return redirect(url_for("ProfileView.index"))
        roles = "、".join(r.name for r in user.roles)
        return self.render_template("console/profile.html", title=_l("My profile"), user=user, roles=roles,
                                    form=form)
