"""Nominations with endorsements, review rounds on a version, assignments and their reviews."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.auth.models import Sector
from egi.db import utcnow
from egi.enums import LabelledEnum, enum_column
from egi.extensions import db


class NominationStatus(LabelledEnum):
    """Where a candidate reviewer stands on the shortlist."""

    PROPOSED = "proposed", _l("Proposed")
    ACCEPTED = "accepted", _l("Accepted")
    SET_ASIDE = "set_aside", _l("Set aside")

    @property
    def badge(self) -> str:
        return {"proposed": "info", "accepted": "success", "set_aside": "muted"}[self.value]


class Stance(LabelledEnum):
    """An expert's opinion on a nomination."""

    ENDORSE = "endorse", _l("Endorse")
    OBJECT = "object", _l("Object to the nomination")


class AssignmentStatus(LabelledEnum):
    """An assignment's stored state; "overdue" is derived from the due date."""

    INVITED = "invited", _l("Invited")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    SUBMITTED = "submitted", _l("Submitted")
    CANCELLED = "cancelled", _l("Cancelled")

    @property
    def badge(self) -> str:
        return {"invited": "info", "accepted": "warning", "declined": "muted",
                "submitted": "success", "cancelled": "muted"}[self.value]

    @property
    def is_pending(self) -> bool:
        """Still expected to deliver a review."""
        return self in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)


class Recommendation(LabelledEnum):
    """A reviewer's overall recommendation."""

    APPROVE = "approve", _l("Approve as is")
    MINOR = "minor", _l("Minor revision")
    MAJOR = "major", _l("Major revision")
    NOT_READY = "not_ready", _l("Not ready")

    @property
    def badge(self) -> str:
        return {"approve": "success", "minor": "info", "major": "warning",
                "not_ready": "danger"}[self.value]


class Nomination(db.Model):
    """A candidate reviewer proposed by an expert of the manual's team."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector), nullable=True)
    expertise: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    conflicts: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[NominationStatus] = mapped_column(enum_column(NominationStatus),
                                                     default=NominationStatus.PROPOSED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manual = relationship("Manual")
    nominated_by = relationship("User", foreign_keys=[nominated_by_id], lazy="joined")
    opinions = relationship("Endorsement", back_populates="nomination", lazy="selectin",
                            order_by="Endorsement.id")

    @property
    def audit_label(self) -> str:
        return f"nomination #{self.id}"

    def count(self, stance: Stance) -> int:
        return sum(1 for o in self.opinions if o.stance == stance)


class Endorsement(db.Model):
    """One expert's endorsement of, or objection to, a nomination (with a reason)."""

    __tablename__ = "endorsement"
    __table_args__ = (
        sa.UniqueConstraint("nomination_id", "expert_id", name="one_opinion"),
        sa.CheckConstraint("stance <> 'object' OR reason <> ''", name="objection_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nomination.id"))
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    stance: Mapped[Stance] = mapped_column(enum_column(Stance))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    nomination = relationship("Nomination", back_populates="opinions")
    expert = relationship("User", lazy="joined")


class ReviewRound(db.Model):
    """A period during which invited reviewers review one version of a manual."""

    __tablename__ = "review_round"
    __table_args__ = (sa.UniqueConstraint("manual_id", "number", name="round_number_per_manual"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    number: Mapped[int]
    due_at: Mapped[datetime]
    blind: Mapped[bool] = mapped_column(default=True)
    # Reviewers may read each other's reviews once they have submitted their own.
    peers_visible: Mapped[bool] = mapped_column(default=False)
    criteria: Mapped[list] = mapped_column(sa.JSON, default=list)
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    summary_shared_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revision: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": revision}

    manual = relationship("Manual")
    version = relationship("Version", lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"review round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def new_slug() -> str:
    """An unguessable, unordered handle for an assignment's URLs (never its id)."""
    return secrets.token_urlsafe(9)


class ReviewAssignment(db.Model):
    """A reviewer asked to review a round's version, and the review they write."""

    __tablename__ = "review_assignment"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "reviewer_id", name="one_assignment_per_reviewer"),
        sa.CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL",
                           name="submitted_has_time"),
        sa.CheckConstraint("status <> 'submitted' OR recommendation IS NOT NULL",
                           name="submitted_has_recommendation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    # Random: orders the pseudonyms ("Reviewer 1" …) and addresses the assignment in URLs.
    slug: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_slug)
    status: Mapped[AssignmentStatus] = mapped_column(enum_column(AssignmentStatus),
                                                     default=AssignmentStatus.INVITED)
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    conflict_declaration: Mapped[str] = mapped_column(sa.Text, default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    suggestion: Mapped[str] = mapped_column(sa.Text, default="")
    extension_requested_until: Mapped[datetime | None] = mapped_column(nullable=True)
    extension_request_reason: Mapped[str] = mapped_column(sa.Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)  # set by an extension
    extension_reason: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation),
                                                                  nullable=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    confidential_note: Mapped[str] = mapped_column(sa.Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(sa.ForeignKey("stored_file.sha256"),
                                                    nullable=True)
    file_format: Mapped[str] = mapped_column(sa.String(8), default="")
    saved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revision: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": revision}

    round = relationship("ReviewRound", lazy="joined")
    reviewer = relationship("User", foreign_keys=[reviewer_id], lazy="joined")
    scores = relationship("ReviewScore", back_populates="assignment", lazy="selectin",
                          cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return f"review assignment {self.slug}"

    def effective_due(self) -> datetime:
        """The round's due date, or the extension granted to this reviewer."""
        return self.due_at or self.round.due_at

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status.is_pending and (now or utcnow()) > self.effective_due()

    def score_map(self) -> dict[str, int]:
        return {s.criterion: s.score for s in self.scores}


class ReviewScore(db.Model):
    """A 1–5 score on one criterion of the round."""

    __tablename__ = "review_score"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "criterion", name="one_score_per_criterion"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("review_assignment.id"))
    criterion: Mapped[str] = mapped_column(sa.String(200))
    score: Mapped[int]

    assignment = relationship("ReviewAssignment", back_populates="scores")


class ReminderLog(db.Model):
    """A reminder mailed once: (assignment, kind, due date) never repeats."""

    __tablename__ = "review_reminder"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "kind", "due_at",
                                          name="one_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("review_assignment.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # "due_soon" or "overdue"
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
