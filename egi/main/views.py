"""Dashboard per role, and /healthz for monitors."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from egi.extensions import db
from egi.main import bp
from egi.permissions import Perm, require
from egi.security import public


@bp.get("/")
def dashboard():
    """What the signed-in person can do next, by role."""
    require(Perm.VIEW_DASHBOARD)
    from egi.main.tasks import tasks_for

    return render_template("main/dashboard.html", role=current_user.role,
                           tasks=tasks_for(current_user))


@bp.get("/healthz")
@public
def healthz():
    """JSON health: the app answers and the database responds."""
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
