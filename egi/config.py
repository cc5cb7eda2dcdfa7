"""Configuration defaults: safe, without secrets. Overridden by instance/config.py and EGI_* env."""

from __future__ import annotations

import os


class Config:
    """Defaults for every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in create_app (instance/egi.sqlite)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # relaxed in debug/testing by create_app
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    MAX_UPLOAD_MB = 25
    # Multipart overhead on top of the file itself; the file's own limit is MAX_UPLOAD_MB.
    MAX_CONTENT_LENGTH = None  # derived from MAX_UPLOAD_MB in create_app
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name)
    PASSWORD_MIN_LENGTH = 12
    RESET_TOKEN_MAX_AGE = 60 * 60  # one hour
    INVITATION_MAX_AGE = 7 * 24 * 60 * 60  # one week
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "EGI <no-reply@egi.test>"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "fr", "es")
    EXTERNAL_URL = "http://127.0.0.1:5000"  # base of links in e-mails
    ENV_NAME = "production"


class TestConfig(Config):
    """Settings for the test-suite: fast hashing, no rate limits, no instance file."""

    TESTING = True
    ENV_NAME = "testing"
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    MAIL_SUPPRESS_SEND = True
    SERVER_NAME = None
