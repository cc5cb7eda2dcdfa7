"""Sign in and out, reset a forgotten password, accept an invitation, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from egi.auth import bp, services
from egi.auth.forms import ChangePasswordForm, LoginForm, RequestResetForm, SetPasswordForm
from egi.auth.models import User
from egi.auth.passwords import check_password
from egi.auth.tokens import load_token
from egi.errors import GuardFailed
from egi.extensions import db, limiter, login_manager
from egi.permissions import Perm, require
from egi.security import public


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Resolve "id:session_token"; a changed token means the session was ended."""
    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def safe_next(target: str | None) -> str:
    """Only follow same-site relative paths after login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.dashboard")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            flash(_("The e-mail or password is not right, or the account is not active."), "error")
        else:
            chosen = session.get("lang")
            if chosen in current_app.config["LANGUAGES"] and chosen != user.locale:
                user.locale = chosen  # the language picked on the login page wins
            login_user(user, remember=form.remember.data)
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out (POST only, so no link can sign someone out)."""
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link. The answer never says whether the address is registered."""
    form = RequestResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that address, a reset link is on its way. "
                "It works once, for one hour."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _token_page(token: str, purpose: str, template: str, verb: str, done_message: str):
    user = load_token(token, purpose)
    if user is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 400
    form = SetPasswordForm(account_email=user.email)
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data, verb=verb)
        except GuardFailed as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            logout_user()
            login_user(user)
            flash(done_message, "success")
            return redirect(url_for("main.dashboard"))
    return render_template(template, form=form, user=user)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Set a new password from an e-mailed link (expiring, single use)."""
    return _token_page(token, "reset", "auth/reset_password.html", "auth.password_reset",
                       _("Your new password is saved and you are signed in."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """An invited person chooses a password and signs in."""
    return _token_page(token, "invite", "auth/accept_invitation.html", "auth.invitation_accepted",
                       _("Welcome to EGI. Your account is ready."))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; other sessions end, this one continues."""
    require(Perm.CHANGE_OWN_PASSWORD)
    form = ChangePasswordForm(account_email=current_user.email)
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is not right."))
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            db.session.commit()
            login_user(user)  # re-issue this session with the new generation
            flash(_("Password changed. Other sessions have been signed out."), "success")
            return redirect(url_for("members.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.post("/language")
@public
def set_language():
    """Remember a language choice (in the profile when signed in, else in the session)."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = language
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))
