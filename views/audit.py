"""The 操作日志 screen's own part: when the hash chain was last verified, and verifying it now."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_appbuilder.baseviews import expose

from access.audit_verify import last_verification, verify_and_record
from console.identity import request_user
from models.audit import channel_label, username_label
from models.audit_chain import AuditVerification

VERIFY = "can_verify"
"""Running a verification from the screen (系统管理员 only: access/roles.py gives it to no other role)."""


class AuditLogMixin:
    """Mixed into the generated audit screen: the last verification above the list, 立即核验 for admins."""

    list_template = "console/audit/list.html"
    extra_permissions = (VERIFY,)

    def may_verify(self) -> bool:
        """Whether the user may run a verification from the screen."""
        return bool(self.appbuilder.sm.has_access(VERIFY, self.class_permission_name))

    @staticmethod
    def last_verification() -> AuditVerification | None:
        """The latest verification, whoever ran it and however."""
        return last_verification()

    @staticmethod
    def verifier(verification: AuditVerification) -> str:
        """Who ran a verification and how: “admin，页面”, “系统，命令行”."""
        return f"{username_label(verification.username)}，{channel_label(verification.channel)}"

    @expose("/verify", methods=["POST"])
    def verify(self) -> Any:
        """Walk the chain now (the same check as `flask audit-verify`), keep and show the result."""
        if not self.may_verify():
            abort(403)
        user = request_user()
        result = verify_and_record(user.username, "ui")
        flash(result.message, "success" if result.ok else "danger")
        return redirect(url_for(f"{self.endpoint}.list"))
