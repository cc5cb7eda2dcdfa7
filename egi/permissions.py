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
    MANAGE_CONSULTATION = "manage_consultation"  # obj: Manual
    COMMENT_ON_VERSION = "comment_on_version"  # obj: Version (needs an open consultation)
    VIEW_COMMENT = "view_comment"  # obj: Comment
    SEE_COMMENT_AUTHOR = "see_comment_author"  # obj: Comment (or reply) shown "as a sector"
    REPLY_TO_COMMENT = "reply_to_comment"  # obj: Comment
    EDIT_COMMENT = "edit_comment"  # obj: Comment (also retract)
    DISPOSE_COMMENT = "dispose_comment"  # obj: Comment
    RESPOND_TO_DISPOSITION = "respond_to_disposition"  # obj: Comment
    VIEW_COVERAGE = "view_coverage"  # obj: Manual


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


def _is_consultant_of(user, manual) -> bool:
    return user.role == Role.CONSULTANT and is_member(user, manual)


# --- Comments. The audience rule exists twice by necessity: comment_visible() for one
# object and visible_comments_clause() for queries (lists, counts, search, exports).
# tests/comments/test_visibility.py checks that the two always agree.

def comment_visible(user, comment) -> bool:
    """Whether `user` may read `comment` (and its replies)."""
    from egi.comments.models import Audience

    manual = comment.manual
    if not _may_view_manual(user, manual):
        return False
    if user.role in STAFF or comment.author_id == user.id or _is_consultant_of(user, manual):
        return True
    if comment.audience == Audience.TEAM:
        return True
    if comment.audience == Audience.SECTOR:
        return user.sector is not None and user.sector == comment.audience_sector
    return False


def visible_comments_clause(user, manual):
    """SQL condition selecting the comments of `manual` that `user` may read."""
    import sqlalchemy as sa

    from egi.comments.models import Audience, Comment

    if not (user.is_authenticated and user.is_active) or not _may_view_manual(user, manual):
        return sa.false()
    in_manual = Comment.manual_id == manual.id
    if user.role in STAFF or _is_consultant_of(user, manual):
        return in_manual
    readable = [Comment.author_id == user.id, Comment.audience == Audience.TEAM]
    if user.sector is not None:
        readable.append(sa.and_(Comment.audience == Audience.SECTOR,
                                Comment.audience_sector == user.sector))
    return sa.and_(in_manual, sa.or_(*readable))


def comments_by_author_clause(user, author_id: int):
    """Filter by author without unmasking authors who chose to be shown as their sector."""
    import sqlalchemy as sa

    from egi.comments.models import Comment

    by_author = Comment.author_id == author_id
    if user.role in STAFF or author_id == user.id:
        return by_author
    return sa.and_(by_author, Comment.show_as_sector.is_(False))


def _may_comment(user, version) -> bool:
    from egi.comments.services import open_consultation

    if version is None or not _may_view_manual(user, version.manual):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.EXPERT and open_consultation(version) is not None


def _may_see_author(user, item) -> bool:
    if not getattr(item, "show_as_sector", False):
        return True
    return user.role in STAFF or item.author_id == user.id


def _may_reply(user, comment) -> bool:
    return (comment_visible(user, comment) and not comment.is_retracted
            and user.role in (*STAFF, Role.CONSULTANT, Role.EXPERT, Role.REVIEWER))


def _may_edit_comment(user, comment) -> bool:
    return (comment.author_id == user.id and comment_visible(user, comment)
            and not comment.is_retracted and comment.reply_count == 0
            and comment.disposition is None)


def _may_dispose(user, comment) -> bool:
    return _is_consultant_of(user, comment.manual) and not comment.is_retracted


def _may_respond(user, comment) -> bool:
    return (comment.author_id == user.id and comment.disposition is not None
            and not comment.is_retracted and comment_visible(user, comment))


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
    Perm.MANAGE_CONSULTATION: _staff_on_manual,
    Perm.COMMENT_ON_VERSION: _may_comment,
    Perm.VIEW_COMMENT: comment_visible,
    Perm.SEE_COMMENT_AUTHOR: _may_see_author,
    Perm.REPLY_TO_COMMENT: _may_reply,
    Perm.EDIT_COMMENT: _may_edit_comment,
    Perm.DISPOSE_COMMENT: _may_dispose,
    Perm.RESPOND_TO_DISPOSITION: _may_respond,
    Perm.VIEW_COVERAGE: _staff_on_manual,
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
