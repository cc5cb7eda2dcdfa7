"""The notifications page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.extensions import db
from egi.notifications import bp, services
from egi.notifications.models import Notification
from egi.permissions import Perm, require


@bp.get("/")
def index():
    """The signed-in user's notifications, newest first."""
    require(Perm.VIEW_OWN_NOTIFICATIONS)
    notes = db.session.scalars(
        db.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(200)
    ).all()
    return render_template("notifications/index.html", notes=notes)


@bp.post("/read")
def mark_read():
    """Mark every notification read."""
    require(Perm.VIEW_OWN_NOTIFICATIONS)
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("%(count)d notifications marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))
