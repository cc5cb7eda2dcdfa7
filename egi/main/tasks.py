"""What waits on each person now, most urgent first: the dashboards' task lists.

Each function runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from egi.auth.models import Role, User
from egi.comments.models import Comment, CommenterResponse, CommentStatus, Consultation
from egi.db import utcnow
from egi.extensions import db
from egi.manuals.models import Manual
from egi.permissions import visible_manual_ids
from egi.workflow.models import Approval, ApprovalState, SignOff

FAR_FUTURE = datetime.max.replace(tzinfo=utcnow().tzinfo)


@dataclass
class Task:
    """One thing to do: what, where, and by when (None = as soon as possible)."""

    text: str
    link: str
    due: datetime | None = None
    urgent: bool = False

    @property
    def sort_key(self):
        return (not self.urgent, self.due or FAR_FUTURE)


def _my_manual_ids(user: User):
    return visible_manual_ids(user)


def consultant_tasks(user: User) -> list[Task]:
    rows = db.session.execute(
        sa.select(Manual.id, Manual.title, sa.func.count(Comment.id))
        .join(Comment, Comment.manual_id == Manual.id)
        .where(Manual.id.in_(_my_manual_ids(user)), Comment.status == CommentStatus.OPEN,
               Comment.retracted_at.is_(None))
        .group_by(Manual.id, Manual.title)).all()
    tasks = [Task(str(lazy_ngettext("%(num)d comment without disposition on %(title)s",
                                    "%(num)d comments without disposition on %(title)s",
                                    count, title=title)),
                  url_for("comments.index", manual_id=manual_id, status="open"), urgent=True)
             for manual_id, title, count in rows]
    return tasks


def expert_tasks(user: User) -> list[Task]:
    now = utcnow()
    tasks = []
    consultations = db.session.execute(
        sa.select(Consultation, Manual.title)
        .join(Manual, Manual.id == Consultation.manual_id)
        .where(Consultation.manual_id.in_(_my_manual_ids(user)),
               Consultation.closed_at.is_(None), Consultation.closes_at > now)
        .order_by(Consultation.closes_at)).all()
    for consultation, title in consultations:
        tasks.append(Task(str(_l("Consultation open on %(title)s, version %(number)d",
                                 title=title, number=consultation.version.number)),
                          url_for("manuals.read", manual_id=consultation.manual_id,
                                  number=consultation.version.number),
                          due=consultation.closes_at,
                          urgent=consultation.closes_at - now < timedelta(days=3)))
    answered = sa.select(SignOff.approval_id).where(SignOff.expert_id == user.id)
    approvals = db.session.execute(
        sa.select(Approval.manual_id, Manual.title).join(Manual, Manual.id == Approval.manual_id)
        .where(Approval.manual_id.in_(_my_manual_ids(user)),
               Approval.state == ApprovalState.OPEN, Approval.id.not_in(answered))).all()
    for manual_id, title in approvals:
        tasks.append(Task(str(_l("Give your sign-off on %(title)s", title=title)),
                          url_for("workflow.sign_off", manual_id=manual_id), urgent=True))
    awaiting = db.session.execute(
        sa.select(Comment.id, Comment.manual_id).where(
            Comment.author_id == user.id, Comment.status == CommentStatus.ANSWERED,
            Comment.commenter_response.is_(None)).order_by(Comment.disposed_at)).all()
    for comment_id, manual_id in awaiting:
        tasks.append(Task(str(_l("Your comment #%(id)d was answered: accept it or maintain "
                                 "your objection", id=comment_id)),
                          url_for("comments.show", manual_id=manual_id, comment_id=comment_id)))
    return tasks


def coordinator_tasks(user: User) -> list[Task]:
    now = utcnow()
    tasks = []
    objections = db.session.execute(
        sa.select(Comment.manual_id, Manual.title, sa.func.count(Comment.id))
        .join(Manual, Manual.id == Comment.manual_id)
        .where(Comment.commenter_response == CommenterResponse.MAINTAINS_OBJECTION,
               Comment.status != CommentStatus.CLOSED)
        .group_by(Comment.manual_id, Manual.title)).all()
    for manual_id, title, count in objections:
        tasks.append(Task(str(lazy_ngettext("%(num)d objection maintained on %(title)s",
                                            "%(num)d objections maintained on %(title)s",
                                            count, title=title)),
                          url_for("comments.index", manual_id=manual_id, blocking="1"),
                          urgent=True))
    running = db.session.execute(
        sa.select(Consultation, Manual.title).join(Manual, Manual.id == Consultation.manual_id)
        .where(Consultation.closed_at.is_(None), Consultation.closes_at > now)
        .order_by(Consultation.closes_at)).all()
    for consultation, title in running:
        soon = consultation.closes_at < now + timedelta(days=3)
        text = (_l("The consultation on %(title)s closes soon", title=title) if soon
                else _l("Consultation running on %(title)s: follow the coverage by chapter "
                        "and sector", title=title))
        tasks.append(Task(str(text), url_for("comments.coverage",
                                             manual_id=consultation.manual_id),
                          due=consultation.closes_at))
    blocking = db.session.execute(
        sa.select(Approval.manual_id, Manual.title, sa.func.count(SignOff.id))
        .join(Manual, Manual.id == Approval.manual_id)
        .join(SignOff, SignOff.approval_id == Approval.id)
        .where(Approval.state == ApprovalState.OPEN,
               SignOff.decision == "blocking_concern", SignOff.overruled_at.is_(None))
        .group_by(Approval.manual_id, Manual.title)).all()
    for manual_id, title, count in blocking:
        tasks.append(Task(str(lazy_ngettext("%(num)d blocking concern in the sign-off of "
                                            "%(title)s", "%(num)d blocking concerns in the "
                                            "sign-off of %(title)s", count, title=title)),
                          url_for("workflow.sign_off", manual_id=manual_id), urgent=True))
    return tasks


def reviewer_tasks(user: User) -> list[Task]:
    from egi.reviews.models import AssignmentStatus, ReviewAssignment, ReviewRound

    rows = db.session.scalars(
        sa.select(ReviewAssignment).join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewAssignment.reviewer_id == user.id, ReviewRound.closed_at.is_(None),
               ReviewAssignment.status.in_([AssignmentStatus.INVITED,
                                            AssignmentStatus.ACCEPTED]))).all()
    tasks = []
    for assignment in rows:
        link = url_for("reviews.assignment", manual_id=assignment.round.manual_id,
                       number=assignment.round.number, slug=assignment.slug)
        if assignment.status == AssignmentStatus.INVITED:
            text = _l("Accept or decline the invitation to review round %(number)d",
                      number=assignment.round.number)
        else:
            text = _l("Write and submit your review (round %(number)d)",
                      number=assignment.round.number)
        tasks.append(Task(str(text), link, due=assignment.effective_due(),
                          urgent=assignment.is_overdue()))
    return tasks


def review_progress_tasks(user: User) -> list[Task]:
    """For the consultant: submitted reviews; for the coordinator: overdue reviewers."""
    from egi.reviews.models import AssignmentStatus, ReviewAssignment, ReviewRound

    rows = db.session.execute(
        sa.select(ReviewRound, Manual.title, ReviewAssignment.status,
                  ReviewAssignment.due_at)
        .join(Manual, Manual.id == ReviewRound.manual_id)
        .join(ReviewAssignment, ReviewAssignment.round_id == ReviewRound.id)
        .where(ReviewRound.manual_id.in_(_my_manual_ids(user)),
               ReviewRound.closed_at.is_(None))).all()
    now = utcnow()
    submitted: dict[int, tuple] = {}
    late: dict[int, tuple] = {}
    for review_round, title, status, due_at in rows:
        if status == AssignmentStatus.SUBMITTED:
            submitted.setdefault(review_round.id, [review_round, title, 0])[2] += 1
        elif status.is_pending and (due_at or review_round.due_at) < now:
            late.setdefault(review_round.id, [review_round, title, 0])[2] += 1
    source = submitted if user.role == Role.CONSULTANT else late
    tasks = []
    for review_round, title, count in source.values():
        link = url_for("reviews.round", manual_id=review_round.manual_id,
                       number=review_round.number)
        if user.role == Role.CONSULTANT:
            text = lazy_ngettext("%(num)d review received on %(title)s",
                                 "%(num)d reviews received on %(title)s", count, title=title)
            tasks.append(Task(str(text), link))
        else:
            text = lazy_ngettext("%(num)d overdue review on %(title)s",
                                 "%(num)d overdue reviews on %(title)s", count, title=title)
            tasks.append(Task(str(text), link, due=review_round.due_at, urgent=True))
    return tasks


def admin_tasks(user: User) -> list[Task]:
    pending = db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.password_hash.is_(None), User.active.is_(True))) or 0
    if not pending:
        return []
    return [Task(str(lazy_ngettext("%(num)d invitation not accepted yet",
                                   "%(num)d invitations not accepted yet", pending)),
                 url_for("members.index", status="invited"))]


def tasks_for(user: User) -> list[Task]:
    """Everything waiting on `user`, most urgent first."""
    by_role = {
        Role.CONSULTANT: [consultant_tasks, review_progress_tasks],
        Role.EXPERT: [expert_tasks],
        Role.COORDINATOR: [coordinator_tasks, review_progress_tasks],
        Role.ADMIN: [admin_tasks],
        Role.REVIEWER: [reviewer_tasks],
    }[user.role]
    tasks = [task for collect in by_role for task in collect(user)]
    return sorted(tasks, key=lambda t: t.sort_key)
