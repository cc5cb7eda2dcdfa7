"""Read-only review queries: pseudonyms, the open round, who is missing. No side effects.

Pseudonyms: inside a round, assignments are numbered 1, 2, 3 … in the order of their random
slug, never by id or invitation time. A reviewer assigned to a blind round of a manual is
"Reviewer N" to everyone except the coordination (coordinator, admin) and themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from egi.auth.models import Role
from egi.extensions import db
from egi.reviews.models import AssignmentStatus, ReviewAssignment, ReviewRound

_MASKS_KEY = "egi.reviews.masks"


def reviewer_label(number: int) -> str:
    """"Reviewer 2", translated now."""
    return str(_l("Reviewer %(number)d", number=number))


def pseudonym_numbers(assignments) -> dict[int, int]:
    """assignment id -> its number in the round (order of the random slug)."""
    ordered = sorted(assignments, key=lambda a: a.slug)
    return {a.id: n for n, a in enumerate(ordered, start=1)}


def round_assignments(review_round: ReviewRound) -> list[ReviewAssignment]:
    """Every assignment of the round, ordered by pseudonym."""
    found = db.session.scalars(sa.select(ReviewAssignment).where(
        ReviewAssignment.round_id == review_round.id).order_by(ReviewAssignment.slug)).all()
    return list(found)


def assignment_of(user, review_round: ReviewRound) -> ReviewAssignment | None:
    """The user's assignment in the round, if any."""
    return db.session.scalar(sa.select(ReviewAssignment).where(
        ReviewAssignment.round_id == review_round.id, ReviewAssignment.reviewer_id == user.id))


def open_assignment_on(user, version) -> ReviewAssignment | None:
    """The user's accepted assignment in an open round on exactly this version."""
    return db.session.scalar(sa.select(ReviewAssignment).join(ReviewRound).where(
        ReviewRound.version_id == version.id, ReviewRound.closed_at.is_(None),
        ReviewAssignment.reviewer_id == user.id,
        ReviewAssignment.status == AssignmentStatus.ACCEPTED).limit(1))


def current_round(manual) -> ReviewRound | None:
    """The open review round of the manual (the newest if, unusually, several are open)."""
    return db.session.scalar(sa.select(ReviewRound).where(
        ReviewRound.manual_id == manual.id, ReviewRound.closed_at.is_(None))
        .order_by(ReviewRound.number.desc()).limit(1))


def missing_reviews(review_round: ReviewRound) -> list[str]:
    """Labels like "Reviewer 2 has not submitted", by pseudonym, for invited or accepted
    assignments; empty when every expected review is in."""
    assignments = round_assignments(review_round)
    numbers = pseudonym_numbers(assignments)
    return [str(_l("Reviewer %(number)d has not submitted", number=numbers[a.id]))
            for a in assignments if a.status.is_pending]


@dataclass(frozen=True)
class Mask:
    """One assignment of a reviewer, as needed to label what they wrote."""

    manual_id: int
    version_id: int
    round_number: int
    number: int
    blind: bool


def _masks() -> dict[int, list[Mask]]:
    """reviewer id -> their assignments; one query per database session, cached."""
    cache = db.session.info.get(_MASKS_KEY)
    if cache is not None:
        return cache
    rows = db.session.execute(sa.select(
        ReviewAssignment.id, ReviewAssignment.slug, ReviewAssignment.reviewer_id,
        ReviewAssignment.round_id, ReviewRound.manual_id, ReviewRound.version_id,
        ReviewRound.number, ReviewRound.blind).join(ReviewRound)).all()
    by_round: dict[int, list] = {}
    for row in rows:
        by_round.setdefault(row.round_id, []).append(row)
    cache: dict[int, list[Mask]] = {}
    for members in by_round.values():
        for number, row in enumerate(sorted(members, key=lambda r: r.slug), start=1):
            cache.setdefault(row.reviewer_id, []).append(Mask(
                row.manual_id, row.version_id, row.number, number, row.blind))
    db.session.info[_MASKS_KEY] = cache
    return cache


def forget_masks() -> None:
    """Drop the cached pseudonyms (after assignments or rounds change)."""
    db.session.info.pop(_MASKS_KEY, None)


def _place(item) -> tuple[int | None, int | None]:
    """(manual id, version written on) of a comment or a reply."""
    from egi.comments.models import Comment

    if isinstance(item, Comment):
        return item.manual_id, item.origin_version_id
    comment_id = getattr(item, "comment_id", None)
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is None:
        return None, None
    return comment.manual_id, comment.origin_version_id


def reviewer_mask(viewer, item) -> str | None:
    """"Reviewer N" when `item`'s author reviews the manual in a blind round and `viewer` may
    not know who they are; None when the author's own label applies."""
    author_id = getattr(item, "author_id", None)
    role = getattr(viewer, "role", None)
    if author_id is None or role in (Role.ADMIN, Role.COORDINATOR):
        return None
    if getattr(getattr(item, "author", None), "role", Role.REVIEWER) != Role.REVIEWER:
        return None  # only reviewer accounts are ever masked (the author is loaded already)
    if getattr(viewer, "id", None) == author_id:
        return None
    entries = _masks().get(author_id)
    if not entries:
        return None
    manual_id, version_id = _place(item)
    blind = [m for m in entries if m.manual_id == manual_id and m.blind]
    if not blind:
        return None
    chosen = next((m for m in blind if m.version_id == version_id), None) or max(
        blind, key=lambda m: m.round_number)
    return reviewer_label(chosen.number)
