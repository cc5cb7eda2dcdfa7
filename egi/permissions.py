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
    # --- workflow and dissemination
    APPLY_TRANSITION = "apply_transition"  # obj: Manual
    OVERRIDE_GUARD = "override_guard"  # obj: Manual (with a written reason)
    SIGN_OFF = "sign_off"  # obj: Manual (an expert's answer in the no-objection period)
    MANAGE_DISSEMINATION = "manage_dissemination"  # obj: Manual (events, attachments)
    SET_ACKNOWLEDGEMENT = "set_acknowledgement"  # obj: Manual (consent to be named)
    SEE_TEAM_REVIEWERS = "see_team_reviewers"  # obj: Manual (reviewers may be anonymous)

    # --- reviews
    NOMINATE_REVIEWER = "nominate_reviewer"  # obj: Manual
    VIEW_NOMINATIONS = "view_nominations"  # obj: Manual
    GIVE_NOMINATION_OPINION = "give_nomination_opinion"  # obj: Nomination (endorse/object)
    DECIDE_NOMINATION = "decide_nomination"  # obj: Manual
    MANAGE_REVIEWS = "manage_reviews"  # obj: Manual (rounds, assignments, extensions)
    VIEW_REVIEW_ROUNDS = "view_review_rounds"  # obj: Manual
    VIEW_REVIEW_ROUND = "view_review_round"  # obj: ReviewRound
    RESPOND_TO_REVIEW_INVITATION = "respond_to_review_invitation"  # obj: ReviewAssignment
    WRITE_REVIEW = "write_review"  # obj: ReviewAssignment
    REQUEST_EXTENSION = "request_extension"  # obj: ReviewAssignment
    VIEW_REVIEW = "view_review"  # obj: ReviewAssignment
    VIEW_CONFIDENTIAL_NOTE = "view_confidential_note"  # obj: ReviewAssignment
    SEE_REVIEWER_IDENTITY = "see_reviewer_identity"  # obj: ReviewAssignment
    VIEW_ROUND_SUMMARY = "view_round_summary"  # obj: ReviewRound
    VIEW_MY_REVIEWS = "view_my_reviews"

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


def visible_manual_ids(user):
    """SQL selecting the ids of the manuals `user` may see (the query twin of VIEW_MANUAL)."""
    import sqlalchemy as sa

    from egi.manuals.models import Manual, ManualMember

    if not (user.is_authenticated and user.is_active):
        return sa.select(Manual.id).where(sa.false())
    if user.role in STAFF:
        return sa.select(Manual.id)
    return sa.select(ManualMember.manual_id).where(ManualMember.user_id == user.id)


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
    from egi.comments.models import Audience, CommentType

    manual = comment.manual
    if not _may_view_manual(user, manual):
        return False
    if user.role in STAFF or comment.author_id == user.id or _is_consultant_of(user, manual):
        return True
    if comment.kind == CommentType.REVIEW and user.role == Role.REVIEWER:
        return _reviewer_sees_review_comment(user, comment)
    if comment.audience == Audience.TEAM:
        return True
    if comment.audience == Audience.SECTOR:
        return user.sector is not None and user.sector == comment.audience_sector
    return False


def visible_comments_clause(user, manual):
    """SQL condition selecting the comments of `manual` that `user` may read."""
    import sqlalchemy as sa

    from egi.comments.models import Audience, Comment, CommentType

    if not (user.is_authenticated and user.is_active) or not _may_view_manual(user, manual):
        return sa.false()
    in_manual = Comment.manual_id == manual.id
    if user.role in STAFF or _is_consultant_of(user, manual):
        return in_manual
    by_audience = [Comment.audience == Audience.TEAM]
    if user.sector is not None:
        by_audience.append(sa.and_(Comment.audience == Audience.SECTOR,
                                   Comment.audience_sector == user.sector))
    readable = [Comment.author_id == user.id, sa.or_(*by_audience)]
    if user.role == Role.REVIEWER:
        # Other reviewers' review comments only per the round's "see each other" flag.
        readable[1] = sa.and_(Comment.kind != CommentType.REVIEW, readable[1])
        readable.append(sa.and_(Comment.kind == CommentType.REVIEW,
                                Comment.audience == Audience.TEAM,
                                Comment.origin_version_id.in_(_peer_review_versions(user))))
    return sa.and_(in_manual, sa.or_(*readable))


def comments_by_author_clause(user, author_id: int):
    """Filter by author without unmasking authors who chose to be shown as their sector."""
    import sqlalchemy as sa

    from egi.comments.models import Comment

    by_author = Comment.author_id == author_id
    if user.role in STAFF or author_id == user.id:
        return by_author
    return sa.and_(by_author, Comment.show_as_sector.is_(False),
                   Comment.author_id.not_in(_blind_reviewers_of(Comment.manual_id)))


def _may_comment(user, version) -> bool:
    from egi.comments.services import open_consultation

    if version is None or not _may_view_manual(user, version.manual):
        return False
    if user.role == Role.COORDINATOR:
        return True
    if user.role == Role.REVIEWER:
        return _reviewer_may_comment(user, version)
    return user.role == Role.EXPERT and open_consultation(version) is not None


def _may_see_author(user, item) -> bool:
    from egi.reviews.queries import reviewer_mask

    if reviewer_mask(user, item) is not None:
        return False
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


def _coordinator_of(user, manual) -> bool:
    # Running the workflow is the coordinator's job; technical admins do not approve.
    return manual is not None and user.role == Role.COORDINATOR


def _expert_member(user, manual) -> bool:
    return manual is not None and user.role == Role.EXPERT and is_member(user, manual)


def _may_respond(user, comment) -> bool:
    return (comment.author_id == user.id and comment.disposition is not None
            and not comment.is_retracted and comment_visible(user, comment))


# --- reviews. Reviewers in a blind round are "Reviewer N" to everyone but the coordination
# and themselves; egi/reviews/queries.py holds the pseudonyms, these rules the access.

def _review_staff(user, manual) -> bool:
    return manual is not None and user.role in STAFF


def _may_nominate(user, manual) -> bool:
    return manual is not None and (user.role in STAFF or (
        user.role == Role.EXPERT and is_member(user, manual)))


def _may_give_opinion(user, nomination) -> bool:
    from egi.reviews.models import NominationStatus

    return (nomination is not None and nomination.status == NominationStatus.PROPOSED
            and nomination.nominated_by_id != user.id and user.role == Role.EXPERT
            and is_member(user, nomination.manual))


def _may_view_review_rounds(user, manual) -> bool:
    return manual is not None and (user.role in STAFF or _is_consultant_of(user, manual) or (
        user.role == Role.REVIEWER and is_member(user, manual)))


def _may_view_review_round(user, review_round) -> bool:
    from egi.reviews.queries import assignment_of

    if review_round is None:
        return False
    if user.role in STAFF or _is_consultant_of(user, review_round.manual):
        return True
    return user.role == Role.REVIEWER and assignment_of(user, review_round) is not None


def _own_assignment(user, assignment, *states) -> bool:
    return (assignment is not None and assignment.reviewer_id == user.id
            and assignment.round.is_open and assignment.status in states)


def _may_respond_invitation(user, assignment) -> bool:
    from egi.reviews.models import AssignmentStatus

    return _own_assignment(user, assignment, AssignmentStatus.INVITED)


def _may_write_review(user, assignment) -> bool:
    from egi.reviews.models import AssignmentStatus

    return _own_assignment(user, assignment, AssignmentStatus.ACCEPTED)


def _may_request_extension(user, assignment) -> bool:
    from egi.reviews.models import AssignmentStatus

    return _own_assignment(user, assignment, AssignmentStatus.INVITED,
                           AssignmentStatus.ACCEPTED)


def _may_view_review(user, assignment) -> bool:
    from egi.reviews.models import AssignmentStatus
    from egi.reviews.queries import assignment_of

    if assignment is None:
        return False
    if user.role in STAFF or assignment.reviewer_id == user.id:
        return True
    if assignment.status != AssignmentStatus.SUBMITTED:
        return False
    review_round = assignment.round
    if _is_consultant_of(user, review_round.manual):
        return True
    if user.role != Role.REVIEWER or not review_round.peers_visible:
        return False
    own = assignment_of(user, review_round)
    return own is not None and own.status == AssignmentStatus.SUBMITTED


def _may_view_confidential(user, assignment) -> bool:
    return assignment is not None and (user.role in STAFF or assignment.reviewer_id == user.id)


def _may_see_reviewer(user, assignment) -> bool:
    return assignment is not None and (user.role in STAFF or assignment.reviewer_id == user.id
                                       or not assignment.round.blind)


def _may_view_round_summary(user, review_round) -> bool:
    return review_round is not None and (user.role in STAFF or (
        review_round.summary_shared_at is not None
        and _is_consultant_of(user, review_round.manual)))


def _is_reviewer(user, _obj) -> bool:
    return user.role == Role.REVIEWER


def _reviewer_may_comment(user, version) -> bool:
    from egi.reviews.queries import open_assignment_on

    return user.role == Role.REVIEWER and open_assignment_on(user, version) is not None


def _peer_review_versions(user):
    """Versions whose review comments `user` (a reviewer) may read: rounds where the
    reviewer has submitted and reviewers see each other's reviews."""
    import sqlalchemy as sa

    from egi.reviews.models import AssignmentStatus, ReviewAssignment, ReviewRound

    return (sa.select(ReviewRound.version_id).join(
        ReviewAssignment, ReviewAssignment.round_id == ReviewRound.id)
        .where(ReviewRound.peers_visible.is_(True), ReviewAssignment.reviewer_id == user.id,
               ReviewAssignment.status == AssignmentStatus.SUBMITTED))


def _reviewer_sees_review_comment(user, comment) -> bool:
    from egi.comments.models import Audience
    from egi.extensions import db

    if comment.audience != Audience.TEAM:
        return False
    return comment.origin_version_id in set(db.session.scalars(_peer_review_versions(user)))


def _blind_reviewers_of(manual_id_column):
    """Reviewer ids assigned to a blind round of the manual (correlated with the column)."""
    import sqlalchemy as sa

    from egi.reviews.models import ReviewAssignment, ReviewRound

    return (sa.select(ReviewAssignment.reviewer_id).join(
        ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.manual_id == manual_id_column, ReviewRound.blind.is_(True)))


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
    Perm.APPLY_TRANSITION: _coordinator_of,
    Perm.OVERRIDE_GUARD: _coordinator_of,
    Perm.SIGN_OFF: _expert_member,
    Perm.MANAGE_DISSEMINATION: _coordinator_of,
    Perm.SET_ACKNOWLEDGEMENT: is_member,
    Perm.SEE_TEAM_REVIEWERS: _staff_on_manual,
    # --- reviews
    Perm.NOMINATE_REVIEWER: _may_nominate,
    Perm.VIEW_NOMINATIONS: _may_nominate,
    Perm.GIVE_NOMINATION_OPINION: _may_give_opinion,
    Perm.DECIDE_NOMINATION: _review_staff,
    Perm.MANAGE_REVIEWS: _review_staff,
    Perm.VIEW_REVIEW_ROUNDS: _may_view_review_rounds,
    Perm.VIEW_REVIEW_ROUND: _may_view_review_round,
    Perm.RESPOND_TO_REVIEW_INVITATION: _may_respond_invitation,
    Perm.WRITE_REVIEW: _may_write_review,
    Perm.REQUEST_EXTENSION: _may_request_extension,
    Perm.VIEW_REVIEW: _may_view_review,
    Perm.VIEW_CONFIDENTIAL_NOTE: _may_view_confidential,
    Perm.SEE_REVIEWER_IDENTITY: _may_see_reviewer,
    Perm.VIEW_ROUND_SUMMARY: _may_view_round_summary,
    Perm.VIEW_MY_REVIEWS: _is_reviewer,
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
