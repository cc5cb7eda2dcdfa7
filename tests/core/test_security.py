"""Security headers, cookie flags, CSRF and the production secret rule."""

from __future__ import annotations

import pytest

from egi import create_app
from egi.config import Config
from tests.conftest import login
from tests.factories import make_user


def test_security_headers_on_every_response(client):
    for url in ("/login", "/healthz", "/nope", "/static/css/app.css"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"]


def test_session_cookie_flags(make_app):
    app = make_app()
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_cookies_are_secure_and_secret_required(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(type("NoSecret", (Config,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    app = create_app(type("Prod", (Config,), {"SECRET_KEY": "x" * 32,
                                             "SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_every_post_form_carries_a_csrf_token(csrf_app):
    from egi.auth.models import Role
    from egi.extensions import db

    client = csrf_app.test_client()
    user = make_user(Role.COORDINATOR)
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import PASSWORD, csrf_token_from

    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": csrf_token_from(page)})
    for url in ("/", "/members/", "/members/invite", "/members/me", "/account/password",
                "/notifications/", f"/members/{user.id}/edit" if False else "/audit/"):
        html = client.get(url).get_data(as_text=True)
        forms = html.count('method="post"')
        assert forms and html.count('name="csrf_token"') >= forms, url


def test_post_without_token_is_400_for_signed_in_user(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/members/invite", data={}).status_code == 400


def test_unknown_url_and_wrong_method_get_pages(app, client):
    login(client, make_user())
    assert client.get("/no-such-page").status_code == 404
    assert b"Page not found" in client.get("/no-such-page").data
    assert client.put("/login").status_code == 405


def test_oversized_request_gets_413_page(make_app):
    app = make_app(MAX_UPLOAD_MB=1)
    client = app.test_client()
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert b"File too large" in response.data
