"""A manual with a review round: a coordinator, a consultant, experts and two reviewers.

One reviewer carries a canary name that must never reach the consultant or the experts in a
blind round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from egi.auth.models import Role, Sector, User
from egi.db import utcnow
from egi.extensions import db
from egi.reviews import services
from egi.reviews.models import Recommendation, ReviewAssignment, ReviewRound
from tests.comments.helpers import Room, make_room
from tests.factories import make_user

CANARY = "Zacharias Canaryfield"
CANARY_EMAIL = "z.canaryfield@example.org"
CRITERIA = ["Accuracy", "Clarity"]


@dataclass
class Review:
    room: Room
    round: ReviewRound
    canary: User
    second: User
    a_canary: ReviewAssignment
    a_second: ReviewAssignment


def make_review(*, blind: bool = True, peers_visible: bool = False, accept: bool = True,
                submit: bool = False, days: int = 7) -> Review:
    """A round on the room's version 1 with two assigned reviewers."""
    room = make_room(consultation=False)
    canary = make_user(Role.REVIEWER, Sector.NGO, name=CANARY, email=CANARY_EMAIL)
    second = make_user(Role.REVIEWER, Sector.RESEARCH, name="Sam Second")
    review_round = services.open_round(room.coordinator, room.version,
                                       due_at=utcnow() + timedelta(days=days), blind=blind,
                                       peers_visible=peers_visible, criteria=CRITERIA)
    made = []
    for person in (canary, second):
        assignment = services.assign_reviewer(room.coordinator, review_round, person)
        if accept:
            accept_invitation(person, assignment)
        if submit:
            submit_review(person, assignment)
        made.append(assignment)
    db.session.commit()
    return Review(room, review_round, canary, second, *made)


def accept_invitation(person: User, assignment: ReviewAssignment) -> None:
    services.respond_to_invitation(person, assignment, accept=True,
                                   conflict_declaration="None.", decline_reason="",
                                   suggestion="", expected_revision=assignment.revision)


def submit_review(person: User, assignment: ReviewAssignment, *, summary: str = "Good work.",
                  file: tuple[str, bytes] | None = None, submit: bool = True) -> None:
    services.save_review(person, assignment, recommendation=Recommendation.MINOR,
                         scores=dict.fromkeys(CRITERIA, 4), summary=summary,
                         confidential_note="Between us: fine.", file=file, submit=submit,
                         expected_revision=assignment.revision)


def review_url(review: Review, assignment: ReviewAssignment, suffix: str = "") -> str:
    return (f"/manuals/{review.room.manual.id}/reviews/{review.round.number}/r/"
            f"{assignment.slug}{suffix}")
