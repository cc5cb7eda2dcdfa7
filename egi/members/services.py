"""Inviting, editing and deactivating members."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import Role, Sector, User, new_session_token, normalise_email
from egi.auth.tokens import make_token
from egi.errors import GuardFailed, PermissionDenied
from egi.extensions import db
from egi.notifications.services import queue_mail
from egi.permissions import Perm, can


def _check_sector(role: Role, sector: Sector | None) -> None:
    if role == Role.EXPERT and sector is None:
        raise GuardFailed(_l("Experts need a sector."))


def invite_member(actor: User, *, email: str, display_name: str, organisation: str,
                  role: Role, sector: Sector | None) -> User:
    """Create an account without a password and mail an invitation link."""
    if not can(actor, Perm.INVITE_MEMBER) or not can(actor, Perm.ASSIGN_ROLE, role):
        raise PermissionDenied()
    _check_sector(role, sector)
    email = normalise_email(email)
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise GuardFailed(_l("Someone with this e-mail address is already a member."))
    user = User(email=email, display_name=display_name, organisation=organisation or "",
                role=role, sector=sector, invited_by_id=actor.id, locale=actor.locale)
    db.session.add(user)
    db.session.flush()
    send_invitation(actor, user)
    record(actor, "members.invited", user, {"role": role.value,
                                            "sector": sector.value if sector else None})
    return user


def send_invitation(actor: User, user: User) -> None:
    """(Re)send the invitation link to someone who has not chosen a password yet."""
    if user.has_password:
        raise GuardFailed(_l("This person has already accepted the invitation."))
    user.session_token = new_session_token()  # earlier invitation links stop working
    db.session.flush()
    link = url_for("auth.accept_invitation", token=make_token(user, "invite"), _external=True)
    queue_mail(user, "invitation", lambda: _l("You are invited to EGI"),
               link=link, inviter=actor)


def update_member(actor: User, user: User, *, display_name: str, organisation: str,
                  role: Role, sector: Sector | None) -> None:
    """Change a member's name, organisation, role and sector."""
    if not can(actor, Perm.EDIT_MEMBER, user) or not can(actor, Perm.ASSIGN_ROLE, role):
        raise PermissionDenied()
    _check_sector(role, sector)
    before = {"role": user.role.value, "sector": user.sector.value if user.sector else None,
              "organisation": user.organisation, "display_name": user.display_name}
    user.display_name, user.organisation, user.role, user.sector = (
        display_name, organisation or "", role, sector)
    after = {"role": role.value, "sector": sector.value if sector else None,
             "organisation": user.organisation, "display_name": display_name}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        record(actor, "members.updated", user, changed)
    db.session.flush()


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate (ending all sessions) or reactivate a member. Nobody is ever deleted."""
    if not can(actor, Perm.DEACTIVATE_MEMBER, user):
        raise PermissionDenied()
    if user.active == active:
        return
    user.active = active
    user.session_token = new_session_token()
    record(actor, "members.reactivated" if active else "members.deactivated", user)
    db.session.flush()


def update_profile(user: User, *, display_name: str, organisation: str, locale: str,
                   email_digest: bool = False) -> None:
    """A person edits their own name, organisation, language and e-mail rhythm."""
    user.display_name, user.organisation, user.locale = display_name, organisation or "", locale
    user.email_digest = email_digest
    record(user, "members.profile_updated", user)
    db.session.flush()
