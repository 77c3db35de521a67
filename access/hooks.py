"""Per-request hooks: who is acting, and the response headers every page carries."""

from __future__ import annotations

from typing import Any

from flask import Flask, g


def request_user() -> Any:
    """The authenticated user of this request: session login or a verified JWT."""
    user = g.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    jwt_user = g.get("_jwt_extended_jwt_user")
    if isinstance(jwt_user, dict):
        return jwt_user.get("loaded_user")
    return None


def install_request_hooks(app: Flask) -> None:
    """Register the hooks on `app`."""

    @app.after_request
    def no_store_for_pages(response: Any) -> Any:
        # Pages carry citizens' personal data: never cache them in the browser.
        if response.mimetype in ("text/html", "application/json") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
