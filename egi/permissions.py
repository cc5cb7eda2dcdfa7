"""THE access policy. Every "may X do Y to Z?" is answered here, deny by default.

Views call require(perm, obj) (403 when refused); services call can() again before changing
anything; templates call can() to hide what a person may not use.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask import abort

from egi.auth.models import Role


class Perm(enum.Enum):
    """Every permission the app knows. A name not in RULES is a programming error."""

    VIEW_DASHBOARD = "view_dashboard"
    VIEW_OWN_PROFILE = "view_own_profile"
    CHANGE_OWN_PASSWORD = "change_own_password"  # noqa: S105
    VIEW_OWN_NOTIFICATIONS = "view_own_notifications"
    LIST_MEMBERS = "list_members"
    INVITE_MEMBER = "invite_member"
    ASSIGN_ROLE = "assign_role"  # obj: the Role to be given
    EDIT_MEMBER = "edit_member"  # obj: the User to be edited
    DEACTIVATE_MEMBER = "deactivate_member"  # obj: the User
    VIEW_AUDIT = "view_audit"
    CREATE_MANUAL = "create_manual"
    EDIT_MANUAL = "edit_manual"  # obj: Manual
    MANAGE_TEAM = "manage_team"  # obj: Manual
    VIEW_MANUAL = "view_manual"  # obj: Manual (its versions, blocks, downloads)
    UPLOAD_VERSION = "upload_version"  # obj: Manual


STAFF = (Role.ADMIN, Role.COORDINATOR)


def _any_member(user, _obj) -> bool:
    return True


def _staff(user, _obj) -> bool:
    return user.role in STAFF


def _may_assign_role(user, role: Role | None) -> bool:
    # Only an admin makes another admin.
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and role is not None and role != Role.ADMIN


def _may_edit_member(user, target) -> bool:
    if target is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and target.role != Role.ADMIN


def _may_deactivate(user, target) -> bool:
    return _may_edit_member(user, target) and target.id != user.id


def is_member(user, manual) -> bool:
    """On the manual's team (memberships are loaded with the manual)."""
    return manual is not None and user.id in manual.member_ids()


def _may_view_manual(user, manual) -> bool:
    return manual is not None and (user.role in STAFF or is_member(user, manual))


def _may_upload_version(user, manual) -> bool:
    return (manual is not None and user.role == Role.CONSULTANT and is_member(user, manual)
            and manual.state.accepts_new_versions)


def _staff_on_manual(user, manual) -> bool:
    return manual is not None and user.role in STAFF


RULES: dict[Perm, Callable[[Any, Any], bool]] = {
    Perm.VIEW_DASHBOARD: _any_member,
    Perm.VIEW_OWN_PROFILE: _any_member,
    Perm.CHANGE_OWN_PASSWORD: _any_member,
    Perm.VIEW_OWN_NOTIFICATIONS: _any_member,
    Perm.LIST_MEMBERS: _staff,
    Perm.INVITE_MEMBER: _staff,
    Perm.ASSIGN_ROLE: _may_assign_role,
    Perm.EDIT_MEMBER: _may_edit_member,
    Perm.DEACTIVATE_MEMBER: _may_deactivate,
    Perm.VIEW_AUDIT: _staff,
    Perm.CREATE_MANUAL: _staff,
    Perm.EDIT_MANUAL: _staff_on_manual,
    Perm.MANAGE_TEAM: _staff_on_manual,
    Perm.VIEW_MANUAL: _may_view_manual,
    Perm.UPLOAD_VERSION: _may_upload_version,
}


def can(user, perm: Perm, obj: Any = None) -> bool:
    """True when `user` may do `perm` (to `obj`). Anonymous and inactive users may nothing."""
    if not isinstance(perm, Perm) or perm not in RULES:
        raise LookupError(f"unknown permission: {perm!r}")
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    return bool(RULES[perm](user, obj))


def require(perm: Perm, obj: Any = None) -> None:
    """Abort with 403 unless the current user may do `perm` (to `obj`)."""
    from flask_login import current_user

    if not can(current_user, perm, obj):
        abort(403)
