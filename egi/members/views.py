"""Member pages: list and filter, invite, edit, (de)activate, own profile."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.auth.models import Role, Sector, User
from egi.errors import GuardFailed
from egi.extensions import db
from egi.forms import select_choices
from egi.i18n import LANGUAGE_NAMES
from egi.members import bp, services
from egi.members.forms import ConfirmForm, InviteForm, MemberDetailsForm, ProfileForm
from egi.permissions import Perm, can, require


def _allowed_roles() -> list[Role]:
    return [r for r in Role if can(current_user, Perm.ASSIGN_ROLE, r)]


def _enum_or_none(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


@bp.get("/")
def index():
    """Members filtered by role, sector and status."""
    require(Perm.LIST_MEMBERS)
    role = _enum_or_none(Role, request.args.get("role"))
    sector = _enum_or_none(Sector, request.args.get("sector"))
    status = request.args.get("status", "")
    query = db.select(User).order_by(User.display_name, User.id)
    if role:
        query = query.where(User.role == role)
    if sector:
        query = query.where(User.sector == sector)
    if status == "active":
        query = query.where(User.active.is_(True), User.password_hash.is_not(None))
    elif status == "invited":
        query = query.where(User.password_hash.is_(None), User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    members = db.session.scalars(query).all()
    return render_template("members/index.html", members=members, role=role, sector=sector,
                           status=status, roles=list(Role), sectors=list(Sector),
                           confirm_form=ConfirmForm())


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    """Invite a person by e-mail with a role and sector."""
    require(Perm.INVITE_MEMBER)
    form = InviteForm(allowed_roles=_allowed_roles())
    if form.validate_on_submit():
        try:
            user = services.invite_member(
                current_user, email=form.email.data, display_name=form.display_name.data,
                organisation=form.organisation.data, role=Role(form.role.data),
                sector=_enum_or_none(Sector, form.sector.data))
        except GuardFailed as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("members.index"))
    return render_template("members/invite.html", form=form), (400 if form.errors else 200)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    """Change a member's name, organisation, role and sector."""
    user = db.get_or_404(User, user_id)
    require(Perm.EDIT_MEMBER, user)
    form = MemberDetailsForm(obj=user, allowed_roles=_allowed_roles())
    if request.method == "GET":
        form.role.data = user.role.value
        form.sector.data = user.sector.value if user.sector else ""
    if form.validate_on_submit():
        try:
            services.update_member(
                current_user, user, display_name=form.display_name.data,
                organisation=form.organisation.data, role=Role(form.role.data),
                sector=_enum_or_none(Sector, form.sector.data))
        except GuardFailed as exc:
            db.session.rollback()
            form.sector.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Saved the details of %(name)s.", name=user.display_name), "success")
            return redirect(url_for("members.index"))
    return render_template("members/edit.html", form=form, member=user,
                           confirm_form=ConfirmForm()), (400 if form.errors else 200)


@bp.post("/<int:user_id>/active")
def set_active(user_id: int):
    """Deactivate or reactivate a member (`active` = "0" or "1")."""
    user = db.get_or_404(User, user_id)
    require(Perm.DEACTIVATE_MEMBER, user)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("members.edit", user_id=user.id))
    active = request.form.get("active") == "1"
    services.set_active(current_user, user, active)
    db.session.commit()
    if active:
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    else:
        flash(_("%(name)s is deactivated and signed out everywhere.", name=user.display_name),
              "success")
    return redirect(url_for("members.edit", user_id=user.id))


@bp.post("/<int:user_id>/invitation")
def resend_invitation(user_id: int):
    """Send a fresh invitation link; older links stop working."""
    user = db.get_or_404(User, user_id)
    require(Perm.EDIT_MEMBER, user)
    try:
        services.send_invitation(current_user, user)
    except GuardFailed as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("A new invitation was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("members.edit", user_id=user.id))


@bp.route("/me", methods=["GET", "POST"])
def profile():
    """One's own profile: name, organisation, language."""
    require(Perm.VIEW_OWN_PROFILE)
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    form.locale.choices = select_choices((code, LANGUAGE_NAMES[code])
                                         for code in current_app.config["LANGUAGES"])
    if form.validate_on_submit():
        services.update_profile(user, display_name=form.display_name.data,
                                organisation=form.organisation.data, locale=form.locale.data,
                                email_digest=form.email_digest.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("members.profile"))
    return render_template("members/profile.html", form=form, user=user)
