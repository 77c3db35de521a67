"""Login-only access for pages every user has (dashboard, profile, notifications)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, url_for


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let any logged-in, active user in; send others to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = g.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return redirect(url_for("AuthDBView.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped
