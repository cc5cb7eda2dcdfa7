"""Sign-in and password changes. Services flush; the view commits."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import User, new_session_token, normalise_email
from egi.auth.passwords import check_password, hash_password, password_problems
from egi.auth.tokens import make_token
from egi.db import utcnow
from egi.errors import GuardFailed
from egi.extensions import db
from egi.notifications.services import queue_mail


def find_user_by_email(email: str) -> User | None:
    """Look a user up by e-mail, trimmed and case-insensitively."""
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (same cost either way)."""
    user = find_user_by_email(email)
    ok = check_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    user.last_login_at = utcnow()
    record(user, "auth.login", user)
    return user


def set_password(user: User, password: str, actor: User | None = None,
                 verb: str = "auth.password_changed") -> None:
    """Set a new password and end every other session of the user."""
    problems = password_problems(password, user.email)
    if problems:
        raise GuardFailed(problems[0])
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    record(actor or user, verb, user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account with a password exists; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.has_password:
        return
    link = url_for("auth.reset_password", token=make_token(user, "reset"), _external=True)
    queue_mail(user, "password_reset", lambda: _l("Reset your EGI password"), link=link)
    record(user, "auth.password_reset_requested", user)
