"""The coordinator's view of the audit log."""

from __future__ import annotations

from flask import render_template, request

from egi.audit import bp
from egi.audit.models import AuditEntry
from egi.extensions import db
from egi.permissions import Perm, require

PAGE_SIZE = 100


@bp.get("/")
def index():
    """List audit entries, newest first, optionally filtered by verb."""
    require(Perm.VIEW_AUDIT)
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    verb = request.args.get("verb", "").strip()
    if verb:
        query = query.where(AuditEntry.verb == verb)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    verbs = db.session.scalars(db.select(AuditEntry.verb).distinct().order_by(AuditEntry.verb))
    return render_template("audit/index.html", page=page, verb=verb, verbs=list(verbs))
