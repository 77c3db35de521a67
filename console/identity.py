"""Who the current request acts for, read from what Flask-Login and Flask-JWT-Extended put on `g`.

It lives this low in the house so that models (the audit stamps) can ask without importing `access`.
"""

from __future__ import annotations

from typing import Any

from flask import g


def request_user() -> Any:
    """The authenticated user of this request: session login or a verified JWT."""
    user = g.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    jwt_user = g.get("_jwt_extended_jwt_user")
    if isinstance(jwt_user, dict):
        return jwt_user.get("loaded_user")
    return None
