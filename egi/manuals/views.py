"""Manual pages: list, create, overview, edit, team. Documents live in document_views."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.auth.models import User
from egi.errors import GuardFailed
from egi.extensions import db
from egi.forms import select_choices
from egi.manuals import bp, services
from egi.manuals.forms import AddMemberForm, ManualForm, UploadForm
from egi.manuals.models import Manual, ReadMark, Version
from egi.members.forms import ConfirmForm
from egi.permissions import Perm, can, require, visible_manual_ids


def load_manual(manual_id: int, perm: Perm = Perm.VIEW_MANUAL) -> Manual:
    """The manual (404 if missing) after checking `perm` on it (403)."""
    manual = db.get_or_404(Manual, manual_id)
    require(perm, manual)
    return manual


@bp.get("/")
def index():
    """The manuals the person belongs to (coordinators and admins see all)."""
    latest = (sa.select(Version.manual_id, sa.func.max(Version.number).label("latest"))
              .group_by(Version.manual_id).subquery())
    query = (sa.select(Manual, latest.c.latest)
             .outerjoin(latest, latest.c.manual_id == Manual.id)
             .order_by(Manual.last_activity_at.desc(), Manual.id.desc()))
    query = query.where(Manual.id.in_(visible_manual_ids(current_user)))
    rows = db.session.execute(query).all()
    return render_template("manuals/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """The coordinator starts a manual."""
    require(Perm.CREATE_MANUAL)
    form = ManualForm()
    if form.validate_on_submit():
        manual = services.create_manual(
            current_user, title=form.title.data, description=form.description.data or "",
            working_language=form.working_language.data)
        db.session.commit()
        flash(_("Manual created. Now name its team."), "success")
        return redirect(url_for("manuals.team", manual_id=manual.id))
    return render_template("manuals/form.html", form=form, manual=None), (
        400 if form.errors else 200)


@bp.get("/<int:manual_id>")
def show(manual_id: int):
    """Overview: state, team, version history, upload, changes since last read."""
    manual = load_manual(manual_id)
    versions = db.session.scalars(
        sa.select(Version).where(Version.manual_id == manual.id)
        .order_by(Version.number.desc())).all()
    mark = db.session.scalar(sa.select(ReadMark).where(
        ReadMark.manual_id == manual.id, ReadMark.user_id == current_user.id))
    upload_form = UploadForm() if can(current_user, Perm.UPLOAD_VERSION, manual) else None
    from egi.workflow.views import status_context  # the workflow adds its status panel

    return render_template("manuals/show.html", manual=manual, versions=versions,
                           last_read=mark.version_number if mark else None,
                           upload_form=upload_form,
                           next_number=(versions[0].number if versions else 0) + 1,
                           **status_context(manual))


@bp.route("/<int:manual_id>/edit", methods=["GET", "POST"])
def edit(manual_id: int):
    """Change title, description, working language."""
    manual = load_manual(manual_id, Perm.EDIT_MANUAL)
    form = ManualForm(obj=manual)
    if form.validate_on_submit():
        services.update_manual(current_user, manual, title=form.title.data,
                               description=form.description.data or "",
                               working_language=form.working_language.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("manuals.show", manual_id=manual.id))
    return render_template("manuals/form.html", form=form, manual=manual), (
        400 if form.errors else 200)


@bp.route("/<int:manual_id>/team", methods=["GET", "POST"])
def team(manual_id: int):
    """Name the consultants, experts and reviewers of a manual."""
    manual = load_manual(manual_id, Perm.MANAGE_TEAM)
    form = AddMemberForm()
    on_team = manual.member_ids()
    candidates = db.session.scalars(
        sa.select(User).where(User.role.in_(services.TEAM_ROLES), User.active.is_(True))
        .order_by(User.role, User.display_name)).all()
    form.user_id.choices = select_choices(
        (u.id, f"{u.display_name} — {u.role.label}{' · ' + u.sector.label if u.sector else ''}")
        for u in candidates if u.id not in on_team)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        try:
            services.add_member(current_user, manual, user)
        except GuardFailed as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(name)s joined the team.", name=user.display_name), "success")
        return redirect(url_for("manuals.team", manual_id=manual.id))
    members = sorted(manual.memberships, key=lambda m: (m.user.role.value, m.user.display_name))
    return render_template("manuals/team.html", manual=manual, form=form, members=members,
                           confirm_form=ConfirmForm()), (400 if form.errors else 200)


@bp.post("/<int:manual_id>/team/<int:user_id>/remove")
def remove_member(manual_id: int, user_id: int):
    """Take someone off the team."""
    manual = load_manual(manual_id, Perm.MANAGE_TEAM)
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_member(current_user, manual, user)
    except GuardFailed as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("%(name)s left the team.", name=user.display_name), "success")
    return redirect(url_for("manuals.team", manual_id=manual.id))


from egi.manuals import document_views  # noqa: E402,F401  (routes for versions)
