"""The coordinator's view of the audit log: filter, page through, export as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask import Response, render_template, request

from egi.audit import bp
from egi.audit.models import AuditEntry
from egi.auth.models import User
from egi.extensions import db
from egi.permissions import Perm, require

PAGE_SIZE = 100


def _date(name: str, end: bool = False) -> datetime | None:
    value = request.args.get(name, "").strip()
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _filtered():
    """The audit query narrowed by the request's filters (manual, person, action, dates)."""
    query = sa.select(AuditEntry)
    filters = {"verb": request.args.get("verb", "").strip()[:64],
               "manual": request.args.get("manual", type=int),
               "actor": request.args.get("actor", type=int),
               "since": request.args.get("since", "").strip()[:10],
               "until": request.args.get("until", "").strip()[:10]}
    if filters["verb"]:
        query = query.where(AuditEntry.verb == filters["verb"])
    if filters["manual"]:
        query = query.where(AuditEntry.manual_id == filters["manual"])
    if filters["actor"]:
        query = query.where(AuditEntry.actor_id == filters["actor"])
    if since := _date("since"):
        query = query.where(AuditEntry.created_at >= since)
    if until := _date("until", end=True):
        query = query.where(AuditEntry.created_at <= until)
    return query.order_by(AuditEntry.id.desc()), filters


@bp.get("/")
def index():
    """Audit entries, newest first, filterable."""
    require(Perm.VIEW_AUDIT)
    from egi.manuals.models import Manual

    query, filters = _filtered()
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    verbs = db.session.scalars(sa.select(AuditEntry.verb).distinct().order_by(AuditEntry.verb))
    manuals = db.session.execute(sa.select(Manual.id, Manual.title).order_by(Manual.title)).all()
    people = db.session.execute(sa.select(User.id, User.display_name)
                                .order_by(User.display_name)).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/index.html", page=page, filters=filters, verbs=list(verbs),
                           manuals=manuals, people=people, args=args)


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/export.csv")
def export_csv():
    """The filtered log as CSV (UTF-8 with BOM)."""
    require(Perm.VIEW_AUDIT)
    query, _filters = _filtered()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "when_utc", "actor", "action", "object", "object_id", "manual_id",
                     "from_state", "details"])
    names = dict(db.session.execute(sa.select(User.id, User.display_name)).all())
    for entry in db.session.scalars(query.limit(100_000)):
        writer.writerow([entry.id, entry.created_at.isoformat(), _safe(names.get(entry.actor_id)),
                         entry.verb, _safe(f"{entry.target_type} {entry.target_label}".strip()),
                         entry.target_id or "", entry.manual_id or "", entry.from_state or "",
                         _safe(entry.details)])
    response = Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="egi-audit-log.csv"'
    return response
