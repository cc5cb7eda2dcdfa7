"""Request gate (sign-in required unless a view is marked public) and security headers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in. Everything else requires a session."""
    view.is_public = True
    return view


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    """Static files and views marked @public need no session."""
    if endpoint is None:
        return True  # no route matched: let the 404/405 handlers answer
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def register_security(app: Flask) -> None:
    """Install the sign-in gate and the response headers."""

    @app.before_request
    def require_sign_in():
        if is_public_endpoint(app, request.endpoint) or current_user.is_authenticated:
            return None
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if current_user and current_user.is_authenticated:
            # Pages behind the login must not be kept in shared caches or after logout.
            headers.setdefault("Cache-Control", "no-store")
        return response
