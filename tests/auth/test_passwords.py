"""Password rules, change, reset by e-mailed link, and invitation acceptance."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

from egi.auth.models import Role
from egi.auth.passwords import password_problems
from egi.extensions import db
from egi.notifications.models import OutboxMessage
from tests.conftest import PASSWORD, login
from tests.factories import make_user

NEW = "a-brand-new-passphrase-7"


def last_link(recipient: str) -> str:
    message = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, f"no mail to {recipient}"
    return re.search(r"http://\S+", message.body).group(0).replace("http://localhost", "")


@pytest.mark.parametrize("password, ok", [
    ("short", False),
    ("password1234", False),
    ("aaaaaaaaaaaaaaaa", False),
    ("a-perfectly-fine-phrase", True),
])
def test_password_rules(app, password, ok):
    assert (password_problems(password) == []) is ok


def test_password_equal_to_email_is_refused(app):
    assert password_problems("someone@example.org", "someone@example.org")


def test_change_password_ends_other_sessions_but_not_this_one(app):
    user = make_user()
    db.session.commit()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    here.post("/logout")
    assert login(here, user, NEW).status_code == 302


def test_change_password_checks_current_and_rules(app, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    wrong = client.post("/account/password", data={
        "current_password": "not-it-at-all", "password": NEW, "confirm": NEW})
    assert b"The current password is not right" in wrong.data
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert b"Use at least 12 characters" in short.data
    mismatch = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW, "confirm": NEW + "x"})
    assert b"do not match" in mismatch.data


def test_reset_link_works_once(app, client):
    user = make_user(email="forgetful@example.org")
    db.session.commit()
    response = client.post("/password/forgot", data={"email": "Forgetful@example.org"})
    assert response.status_code == 302
    link = last_link("forgetful@example.org")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in
    client.post("/logout")
    reused = client.post(link, data={"password": NEW + "2", "confirm": NEW + "2"})
    assert reused.status_code == 400 and b"no longer valid" in reused.data
    assert login(client, user, NEW).status_code == 302


def test_reset_request_never_reveals_whether_email_exists(app, client):
    make_user(email="known@example.org")
    db.session.commit()
    known = client.post("/password/forgot", data={"email": "known@example.org"},
                        follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "unknown@example.org"},
                          follow_redirects=True)
    assert known.data.replace(b"known@", b"") == unknown.data.replace(b"unknown@", b"")
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1


def test_reset_link_expires(app, client):
    make_user(email="late@example.org")
    db.session.commit()
    with freeze_time("2026-01-01 10:00:00"):
        client.post("/password/forgot", data={"email": "late@example.org"})
    link = last_link("late@example.org")
    with freeze_time("2026-01-01 11:30:00"):
        assert client.get(link).status_code == 400


def test_tampered_reset_token_is_refused(client):
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 400 and b"no longer valid" in response.data


def test_invitation_link_sets_password_once(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    response = client.post("/members/invite", data={
        "email": "New.Expert@Example.org", "display_name": "New Expert",
        "organisation": "Police", "role": "expert", "sector": "law_enforcement"})
    assert response.status_code == 302
    client.post("/logout")
    link = last_link("new.expert@example.org")
    page = client.get(link)
    assert page.status_code == 200 and b"New Expert" in page.data
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert b"New Expert" in client.get("/").data
    client.post("/logout")
    assert client.get(link).status_code == 400


def test_invitation_expires_after_a_week(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    with freeze_time("2026-03-01"):
        login(client, coordinator)
        client.post("/members/invite", data={
            "email": "slow@example.org", "display_name": "Slow", "organisation": "",
            "role": "reviewer", "sector": ""})
    link = last_link("slow@example.org")
    client.post("/logout")
    with freeze_time("2026-03-09"):
        assert client.get(link).status_code == 400
