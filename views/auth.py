"""Login-only access for pages every user has (dashboard, profile, notifications)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, redirect, request


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let any logged-in, active user in; send others to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = g.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return redirect(login_url(request.full_path))
        return view(*args, **kwargs)

    return wrapped


def login_url(next_path: str | None = None) -> str:
    """The login page, returning to `next_path` afterwards."""
    return current_app.appbuilder.get_url_for_login_with(next_path)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects, no `/\\host`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
