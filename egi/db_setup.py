"""Per-connection database settings (SQLite: WAL, busy timeout, foreign keys)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event


def configure_engine(app: Flask) -> None:
    """Register connect-time pragmas on the app's engine when it is SQLite."""
    from egi.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
