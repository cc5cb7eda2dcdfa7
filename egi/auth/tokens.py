"""Signed, expiring, single-use links for password reset and invitations.

Single use: the token embeds a fingerprint of the user's password hash and session
generation; using the link changes both, so the same link no longer verifies.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from egi.auth.models import User
from egi.extensions import db

PURPOSES = {"reset": "RESET_TOKEN_MAX_AGE", "invite": "INVITATION_MAX_AGE"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"egi-{purpose}")


def _fingerprint(user: User) -> str:
    state = f"{user.password_hash or ''}|{user.session_token}|{user.active}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A URL-safe token for `purpose` ('reset' or 'invite')."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def load_token(token: str, purpose: str) -> User | None:
    """The user the token was made for, or None when invalid, expired or already used."""
    max_age = current_app.config[PURPOSES[purpose]]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user
