"""Signing in and out, with every kind of bad input answered clearly."""

from __future__ import annotations

from egi.auth.models import Role
from egi.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, login
from tests.factories import make_user

NOT_RIGHT = b"The e-mail or password is not right"


def test_login_page_has_email_and_password_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html
    assert '<label for="email">' in html and '<label for="password">' in html


def test_login_with_right_password_reaches_dashboard(app, client):
    user = make_user(Role.COORDINATOR)
    db.session.commit()
    response = login(client, user)
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert user.display_name in page


def test_login_is_case_and_space_insensitive_for_email(app, client):
    user = make_user(email="lena@example.org")
    db.session.commit()
    assert login(client, "  LENA@Example.ORG ").status_code == 302
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client):
    make_user(email="known@example.org")
    db.session.commit()
    wrong = client.post("/login", data={"email": "known@example.org", "password": "nope" * 4})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "nope" * 4})
    assert wrong.status_code == unknown.status_code == 200
    assert NOT_RIGHT in wrong.data and NOT_RIGHT in unknown.data
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(app, client):
    user = make_user(active=False)
    db.session.commit()
    response = login(client, user)
    assert NOT_RIGHT in response.data
    assert client.get("/").status_code == 302


def test_invited_user_without_password_cannot_sign_in(app, client):
    user = make_user(password=None)
    db.session.commit()
    assert NOT_RIGHT in login(client, user, "any-password-at-all").data
    assert client.get("/").status_code == 302


def test_malformed_and_missing_fields_get_400_with_message(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert b"Please correct the following" in response.data


def test_login_redirects_only_to_local_next(app, client):
    user = make_user()
    db.session.commit()
    response = client.post("/login?next=https://evil.example/x",
                           data={"email": user.email, "password": PASSWORD})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/members/me",
                           data={"email": user.email, "password": PASSWORD})
    assert response.location == "/members/me"


def test_logout_needs_post_and_ends_the_session(app, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    user = make_user()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"This form has expired" in response.data
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_tampered_session_cookie_is_treated_as_signed_out(app, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-4] + "AAAA")
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_login_attempts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    attempt = {"email": "a@b.org", "password": "x" * 12}
    for _ in range(3):
        assert client.post("/login", data=attempt).status_code == 200
    response = client.post("/login", data=attempt)
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
