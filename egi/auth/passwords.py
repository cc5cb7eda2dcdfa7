"""Password hashing and the rules a new password must meet."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

# The most common passwords of 12+ characters in public breach lists, plus the obvious ones.
COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 12345678901234 123456789123 password1234 password12345
    passwordpassword qwertyuiopas qwerty123456 1q2w3e4r5t6y 1qaz2wsx3edc qazwsxedcrfv
    iloveyou1234 aaaaaaaaaaaa 111111111111 000000000000 abcdefghijkl abc123abc123
    letmein12345 welcome12345 administrator changeme1234 trustno11234 football1234
    baseball1234 monkey123456 dragon123456 sunshine1234 princess1234 superman1234
    qwertyuiop12 asdfghjkl123 zxcvbnm12345 password123! p@ssw0rd1234 passw0rd1234 egi-
    password correcthorsebatterystaple
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

# Compared against when the e-mail is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = None


def hash_password(password: str) -> str:
    """Hash with the configured slow method (scrypt in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check; a missing hash still costs one hash computation."""
    global _DUMMY_HASH
    if password_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("dummy-password-for-timing")
        check_password_hash(_DUMMY_HASH, password or "")
        return False
    return check_password_hash(password_hash, password or "")


def password_problems(password: str, email: str = "") -> list[str]:
    """Why `password` is not acceptable (empty when it is)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_l("Use at least %(min)d characters.", min=minimum))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append(_l("This password is too common or too easy to guess."))
    if email and lowered.strip() == email.strip().lower():
        problems.append(_l("Do not use your e-mail address as your password."))
    return problems
