"""EGI: the expert-group drafting and peer-review workbench. create_app() builds the app."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BLUEPRINT_AREAS = ("main", "auth", "members", "audit", "notifications", "manuals",
                   "comments", "workflow", "dissemination", "reviews")


def create_app(config: type | dict | None = None) -> Flask:
    """Build the Flask app; `config` (a class or dict) replaces instance files and environment."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_cli(app)
    return app


def load_config(app: Flask, config: type | dict | None) -> None:
    """Defaults, then instance/config.py and the environment, unless an explicit config is given."""
    from egi.config import Config

    app.config.from_object(Config)
    if config is not None:
        if isinstance(config, dict):
            app.config.update(config)
        else:
            app.config.from_object(config)
    else:
        app.config.from_pyfile("config.py", silent=True)
        for key in ("SECRET_KEY", "RATELIMIT_STORAGE_URI", "EXTERNAL_URL"):
            if os.environ.get(key):
                app.config[key] = os.environ[key]
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        for key, value in os.environ.items():
            if key.startswith("MAIL_"):
                app.config[key] = value
        app.config.from_prefixed_env("EGI")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "egi.sqlite"
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # Plain postgresql:// would pick psycopg2, which is not installed.
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    for key in ("MAIL_PORT", "MAX_UPLOAD_MB"):
        app.config[key] = int(app.config[key])
    # Room for the multipart envelope and the form fields beside the file.
    app.config["MAX_CONTENT_LENGTH"] = (app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    if app.debug or app.testing:
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    else:
        app.config.setdefault("REMEMBER_COOKIE_SECURE", True)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Put SECRET_KEY = '...' in instance/config.py "
            "(`make run` writes one) or set the SECRET_KEY environment variable."
        )


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from egi import models  # noqa: F401  (every model registered before migrations look)
    from egi.db_setup import configure_engine
    from egi.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from egi.i18n import select_locale, select_timezone

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    mail.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach every area's blueprint."""
    import importlib

    for area in BLUEPRINT_AREAS:
        importlib.import_module(f"egi.{area}.views")  # attaches the routes to the blueprint
        app.register_blueprint(importlib.import_module(f"egi.{area}").bp)


def register_request_hooks(app: Flask) -> None:
    """Access gate, security headers, template helpers and error pages."""
    from egi.errors import register_error_handlers
    from egi.security import register_security
    from egi.templating import register_template_helpers

    register_security(app)
    register_error_handlers(app)
    register_template_helpers(app)


def register_cli(app: Flask) -> None:
    """Add the `flask egi ...` command group."""
    from egi.cli import egi_cli

    app.cli.add_command(egi_cli)
