"""WSGI entry for bench_pages.py: ``gunicorn --chdir bench bench_app:app``.

A production-like app (not TESTING: CSRF on, production password hashing) built from two
environment variables that bench_pages.py sets: EGI_BENCH_DATABASE_URL (required) and
EGI_BENCH_SECRET_KEY. Session cookies are not marked Secure, because the benchmark talks
plain HTTP over loopback. Never used outside the benchmark.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from egi import create_app
from egi.config import Config


class BenchServerConfig(Config):
    """Production defaults, the benchmark's database, cookies usable over plain HTTP."""

    SQLALCHEMY_DATABASE_URI = os.environ["EGI_BENCH_DATABASE_URL"]
    SECRET_KEY = os.environ.get("EGI_BENCH_SECRET_KEY", "bench-only-secret-key")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    ENV_NAME = "bench"


app = create_app(BenchServerConfig)
