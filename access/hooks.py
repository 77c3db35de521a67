"""Per-request hooks: who is acting, and the response headers every page carries."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask


def csp_nonce() -> str:
    """This request's script nonce (FAB's templates ask for it by this name)."""
    from console.cache import request_cache

    cache = request_cache()
    if "csp_nonce" not in cache:
        cache["csp_nonce"] = secrets.token_urlsafe(16)
    return cache["csp_nonce"]


def content_security_policy(nonce: str) -> str:
    """Everything from this server only; scripts also need the page's nonce."""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install_request_hooks(app: Flask) -> None:
    """Register the hooks on `app`: session checks, security headers, audit."""
    from access.audit import install_audit, record_disclosure
    from access.sessions import ConsoleSessionInterface, check_session
    from console.privacy import install_disclosure_log
    from extensions import db
    from models.cache_stamp import install_stamp_bumps
    from models.case_search import install_search_index

    app.session_interface = ConsoleSessionInterface()
    app.before_request(check_session)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    install_audit(db.session)
    install_stamp_bumps(db.session)
    install_search_index(db.session)
    install_disclosure_log(app, record_disclosure)

    @app.after_request
    def security_headers(response: Any) -> Any:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Pages carry citizens' personal data: never cache them in the browser.
        if response.mimetype in ("text/html", "application/json") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response
