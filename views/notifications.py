"""消息提醒: reading one's own notifications; the navbar's unread badge."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, flash, redirect, url_for
from flask_appbuilder.baseviews import expose
from flask_babel import gettext

from console.identity import request_user
from extensions import db
from models.notification import Notification, forget_unread, remembered_unread
from views.auth import login_required
from workdays import clock
from workflow import notify


def unread_count() -> int:
    """Unread notifications of the logged-in user (0 when logged out)."""
    user = request_user()
    if user is None:
        return 0
    known = remembered_unread(user.id)  # read with the user at the start of the request
    if known is not None:
        return known
    return int(db.session.execute(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one())


class NotificationMixin:
    """Mixed into the generated NotificationView: opening a message marks it read; 全部标为已读 above the list."""

    list_template = "console/notification/list.html"

    @staticmethod
    def unread() -> int:
        """The user's unread notifications (the list offers 全部标为已读 when there are any)."""
        return unread_count()

    def _show(self, pk: Any) -> dict:
        widgets = super()._show(pk)
        item = widgets["item"]
        if item.read_at is None:
            item.read_at = clock.now()
            forget_unread(item.user_id)
            db.session.commit()
        return widgets

    @expose("/read-all", methods=["POST"])
    @login_required
    def read_all(self) -> Any:
        """Mark every notification of the user as read, in one statement; the count goes to the audit log."""
        user = request_user()
        count = notify.mark_all_read(user.id)
        flash(gettext("%(count)d notification(s) marked as read.", count=count), "success")
        return redirect(url_for("NotificationView.list"))


def register_template_globals(app: Flask) -> None:
    """`unread_notifications()` for the navbar."""
    app.jinja_env.globals["unread_notifications"] = unread_count
