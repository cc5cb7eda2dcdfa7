"""Comment rules: consultations, writing, replying, editing, disposing, carrying forward."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import Role, User
from egi.comments.anchoring import Reanchorer
from egi.comments.models import (
    Audience,
    Comment,
    CommenterResponse,
    CommentReply,
    CommentStatus,
    CommentType,
    Consultation,
    Disposition,
)
from egi.db import utcnow
from egi.errors import GuardFailed, NotFound, PermissionDenied, StaleObject
from egi.extensions import db
from egi.manuals.models import Block, Manual, Version
from egi.notifications.services import notify, queue_mail
from egi.permissions import Perm, can

STALE = _l("Someone answered this comment while you were writing. Reload the page to see the "
           "latest answer before you change it.")


# --- consultations --------------------------------------------------------------------

def open_consultation(version: Version) -> Consultation | None:
    """The consultation open now on this version, if any."""
    now = utcnow()
    return db.session.scalar(
        sa.select(Consultation).where(
            Consultation.version_id == version.id, Consultation.closed_at.is_(None),
            Consultation.closes_at > now).order_by(Consultation.id.desc()).limit(1))


def start_consultation(actor: User, version: Version, closes_at: datetime) -> Consultation:
    """Open (or reopen) commenting on a version until `closes_at`."""
    manual = version.manual
    if not can(actor, Perm.MANAGE_CONSULTATION, manual):
        raise PermissionDenied()
    if closes_at <= utcnow():
        raise GuardFailed(_l("The closing date must be in the future."))
    if open_consultation(version) is not None:
        raise GuardFailed(_l("A consultation is already open on this version; extend it instead."))
    consultation = Consultation(manual_id=manual.id, version_id=version.id,
                                opened_by_id=actor.id, closes_at=closes_at)
    db.session.add(consultation)
    db.session.flush()
    record(actor, "comments.consultation_opened", manual,
           {"version": version.number, "closes_at": closes_at.isoformat()})
    link = url_for("manuals.read", manual_id=manual.id, number=version.number)
    for member in _team(manual):
        notify(member, lambda: _l("Consultation open on %(title)s, version %(number)d, until "
                                  "%(date)s.", title=manual.title, number=version.number,
                                  date=closes_at.strftime("%Y-%m-%d %H:%M UTC")), link)
        queue_mail(member, "consultation_opened", lambda: _l("Consultation open: %(title)s",
                                                            title=manual.title),
                   manual=manual, version=version, closes_at=closes_at, link=url_for(
                       "manuals.read", manual_id=manual.id, number=version.number,
                       _external=True))
    return consultation


def extend_consultation(actor: User, consultation: Consultation, closes_at: datetime) -> None:
    """Move the closing date of an open consultation."""
    if not can(actor, Perm.MANAGE_CONSULTATION, consultation.version.manual):
        raise PermissionDenied()
    if closes_at <= utcnow():
        raise GuardFailed(_l("The closing date must be in the future."))
    if consultation.closed_at is not None:
        raise GuardFailed(_l("This consultation is closed; open a new one instead."))
    record(actor, "comments.consultation_extended", consultation.version.manual,
           {"from": consultation.closes_at.isoformat(), "to": closes_at.isoformat()})
    consultation.closes_at = closes_at
    db.session.flush()


def close_consultation(actor: User, consultation: Consultation) -> None:
    """End commenting now."""
    manual = consultation.version.manual
    if not can(actor, Perm.MANAGE_CONSULTATION, manual):
        raise PermissionDenied()
    if not consultation.is_open():
        raise GuardFailed(_l("This consultation is already closed."))
    consultation.closed_at = utcnow()
    record(actor, "comments.consultation_closed", manual,
           {"version": consultation.version.number})
    link = url_for("comments.index", manual_id=manual.id)
    for member in _team(manual):
        notify(member, lambda: _l("The consultation on %(title)s is closed.",
                                  title=manual.title), link)
    db.session.flush()


def _team(manual: Manual) -> list[User]:
    return [m.user for m in manual.memberships if m.user.active]


# --- writing -----------------------------------------------------------------------------

def _chapter(number: str) -> str:
    head = number.split(" ", 1)[0]
    return head.split(".", 1)[0] if head and head[0].isdigit() else ""


def add_comment(actor: User, version: Version, *, block_anchor: str | None, quote: str,
                kind: CommentType, audience: Audience, show_as_sector: bool, body: str,
                proposed_wording: str) -> Comment:
    """A new comment on a block of `version` (or on the whole document when no block)."""
    if not can(actor, Perm.COMMENT_ON_VERSION, version):
        raise PermissionDenied(_l("Comments are possible only while a consultation is open."))
    _check_text(body)
    if kind == CommentType.REVIEW and actor.role != Role.REVIEWER:
        raise GuardFailed(_l("Only reviewers write review comments."))
    if actor.role == Role.REVIEWER:
        # Reviewers write review comments, never "as a sector": it could identify them.
        if audience == Audience.SECTOR:
            raise GuardFailed(_l("Review comments go to the whole team or to the "
                                 "coordination only."))
        kind, show_as_sector = CommentType.REVIEW, False
    if audience == Audience.SECTOR and actor.sector is None:
        raise GuardFailed(_l("You have no sector, so a sector-only comment is not possible."))
    if show_as_sector and actor.sector is None:
        raise GuardFailed(_l("You have no sector to be shown as."))
    block = None
    if block_anchor:
        block = db.session.scalar(sa.select(Block).where(
            Block.version_id == version.id, Block.anchor == block_anchor))
        if block is None:
            raise NotFound(_l("That paragraph is not part of this version."))
    if block is not None and quote and quote not in block.text:
        quote = ""  # a selection across blocks or stale: keep the comment, drop the quote
    comment = Comment(
        manual_id=version.manual_id, version_id=version.id, origin_version_id=version.id,
        block_id=block.id if block else None, block_anchor=block.anchor if block else None,
        block_number=block.number if block else "", chapter=_chapter(block.number) if block
        else "", block_text_at_comment=block.text if block else "", quote=quote[:1000],
        kind=kind, audience=audience,
        audience_sector=actor.sector if audience == Audience.SECTOR else None,
        show_as_sector=show_as_sector, author_id=actor.id,
        author_sector=None if actor.role == Role.REVIEWER else actor.sector,
        body=body, proposed_wording=proposed_wording or "")
    db.session.add(comment)
    db.session.flush()
    comment.manual = version.manual
    record(actor, "comments.added", comment, {"manual_id": version.manual_id,
                                              "audience": audience.value})
    _notify_mentions(actor, comment, body)
    return comment


def _check_text(body: str) -> None:
    from egi.comments.models import MAX_COMMENT_LENGTH

    if not body or not body.strip():
        raise GuardFailed(_l("Write something first: the comment is empty."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise GuardFailed(_l("A comment can be at most %(max)d characters long.",
                             max=MAX_COMMENT_LENGTH))


def reply(actor: User, comment: Comment, body: str, show_as_sector: bool = False) -> CommentReply:
    """Add a reply to the thread and tell the others in it."""
    if not can(actor, Perm.REPLY_TO_COMMENT, comment):
        raise PermissionDenied()
    _check_text(body)
    answer = CommentReply(comment_id=comment.id, author_id=actor.id, body=body,
                          show_as_sector=show_as_sector and actor.sector is not None)
    db.session.add(answer)
    comment.reply_count += 1
    db.session.flush()
    record(actor, "comments.replied", comment, {"reply_id": answer.id})
    involved = {comment.author_id} | set(db.session.scalars(
        sa.select(CommentReply.author_id).where(CommentReply.comment_id == comment.id)))
    involved.discard(actor.id)
    for person in db.session.scalars(sa.select(User).where(User.id.in_(involved))):
        _notify_if_visible(person, comment, lambda: _l("New reply to comment #%(id)d on "
                                                       "%(title)s.", id=comment.id,
                                                       title=comment.manual.title))
    _notify_mentions(actor, comment, body)
    return answer


def edit_comment(actor: User, comment: Comment, *, body: str, proposed_wording: str,
                 kind: CommentType, expected_revision: int) -> None:
    """Change one's own comment while nobody has answered it."""
    if not can(actor, Perm.EDIT_COMMENT, comment):
        raise GuardFailed(_l("This comment can no longer be edited: someone has answered it."))
    _check_revision(comment, expected_revision)
    _check_text(body)
    comment.body, comment.proposed_wording, comment.kind = body, proposed_wording or "", kind
    comment.edited_at = utcnow()
    record(actor, "comments.edited", comment)
    db.session.flush()


def retract_comment(actor: User, comment: Comment, expected_revision: int) -> None:
    """Withdraw one's own unanswered comment; a trace stays visible."""
    if not can(actor, Perm.EDIT_COMMENT, comment):
        raise GuardFailed(_l("This comment can no longer be retracted: someone has answered it."))
    _check_revision(comment, expected_revision)
    comment.retracted_at = utcnow()
    comment.status = CommentStatus.CLOSED
    record(actor, "comments.retracted", comment)
    db.session.flush()


def _check_revision(comment: Comment, expected_revision: int) -> None:
    if comment.revision != expected_revision:
        raise StaleObject(STALE)


# --- answering ---------------------------------------------------------------------------

def dispose(actor: User, comment: Comment, *, disposition: Disposition, response: str,
            duplicate_of_id: int | None, expected_revision: int) -> None:
    """The consultant's disposition; a response is required for all but "accepted"."""
    if not can(actor, Perm.DISPOSE_COMMENT, comment):
        raise PermissionDenied()
    _check_revision(comment, expected_revision)
    response = (response or "").strip()
    if disposition != Disposition.ACCEPTED and not response:
        raise GuardFailed(_l("Explain the disposition: a response is required unless the "
                             "comment is accepted."))
    if len(response) > 5000:
        raise GuardFailed(_l("A response can be at most %(max)d characters long.", max=5000))
    duplicate = None
    if disposition == Disposition.DUPLICATE:
        duplicate = db.session.get(Comment, duplicate_of_id) if duplicate_of_id else None
        if (duplicate is None or duplicate.manual_id != comment.manual_id
                or duplicate.id == comment.id or not can(actor, Perm.VIEW_COMMENT, duplicate)):
            raise GuardFailed(_l("Give the number of the comment this one duplicates."))
    comment.disposition, comment.disposition_response = disposition, response
    comment.duplicate_of_id = duplicate.id if duplicate else None
    comment.disposed_by_id, comment.disposed_at = actor.id, utcnow()
    comment.status = CommentStatus.ANSWERED
    comment.commenter_response, comment.commenter_note, comment.responded_at = None, "", None
    db.session.flush()
    record(actor, "comments.disposed", comment, {"disposition": disposition.value})
    _notify_if_visible(comment.author, comment, lambda: _l(
        "Your comment #%(id)d on %(title)s was answered: %(disposition)s.", id=comment.id,
        title=comment.manual.title, disposition=disposition.label))


def respond(actor: User, comment: Comment, *, response: CommenterResponse, note: str,
            expected_revision: int) -> None:
    """The commenter accepts the disposition, can live with it, or maintains the objection."""
    if not can(actor, Perm.RESPOND_TO_DISPOSITION, comment):
        raise PermissionDenied()
    _check_revision(comment, expected_revision)
    if response == CommenterResponse.MAINTAINS_OBJECTION and not (note or "").strip():
        raise GuardFailed(_l("Say why you maintain the objection."))
    comment.commenter_response, comment.commenter_note = response, (note or "").strip()
    comment.responded_at = utcnow()
    comment.status = (CommentStatus.ANSWERED if response == CommenterResponse.MAINTAINS_OBJECTION
                      else CommentStatus.CLOSED)
    db.session.flush()
    record(actor, "comments.responded", comment, {"response": response.value})


# --- notifications -----------------------------------------------------------------------

def _comment_link(comment: Comment) -> str:
    return url_for("comments.show", manual_id=comment.manual_id, comment_id=comment.id)


def _notify_if_visible(person: User, comment: Comment, message) -> None:
    """Notify only people the audience rule lets read the comment."""
    if person is not None and person.active and can(person, Perm.VIEW_COMMENT, comment):
        notify(person, message, _comment_link(comment))


def _notify_mentions(actor: User, comment: Comment, text: str) -> None:
    lowered = text.lower()
    for member in _team(comment.manual):
        if member.id != actor.id and f"@{member.display_name.lower()}" in lowered:
            _notify_if_visible(member, comment, lambda: _l(
                "You were mentioned in comment #%(id)d on %(title)s.", id=comment.id,
                title=comment.manual.title))


# --- carry-forward -----------------------------------------------------------------------

def carry_forward(manual: Manual, new_version: Version) -> int:
    """Move open comments to the new version, re-anchored; returns how many moved."""
    moving = db.session.scalars(sa.select(Comment).where(
        Comment.manual_id == manual.id, Comment.version_id != new_version.id,
        Comment.status != CommentStatus.CLOSED, Comment.retracted_at.is_(None))).all()
    if not moving:
        return 0
    new_blocks = db.session.scalars(sa.select(Block).where(Block.version_id == new_version.id)
                                    .order_by(Block.position)).all()
    old_ids = {c.block_id for c in moving if c.block_id}
    old_blocks = {b.id: b for b in db.session.scalars(
        sa.select(Block).where(Block.id.in_(old_ids)))} if old_ids else {}
    finder = Reanchorer(new_blocks)
    for comment in moving:
        comment.version_id = new_version.id
        if comment.block_anchor is None:
            continue  # a general comment stays general
        old = old_blocks.get(comment.block_id)
        text = old.text if old else comment.block_text_at_comment
        position = old.position if old else -1
        placement = finder.place(comment.block_anchor, text, comment.quote, position)
        comment.anchor_state = placement.state
        if placement.block is None:
            comment.block_id = None
        else:
            comment.block_id = placement.block.id
            comment.block_anchor = placement.block.anchor
            comment.block_number = placement.block.number
            comment.chapter = _chapter(placement.block.number)
    db.session.flush()
    return len(moving)
