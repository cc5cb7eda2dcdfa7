"""History of transitions, the final-approval record and experts' sign-offs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.db import utcnow
from egi.enums import LabelledEnum, enum_column
from egi.extensions import db


class ManualTransition(db.Model):
    """One applied workflow action: append-only, shown as the manual's timeline."""

    __tablename__ = "manual_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[str] = mapped_column(sa.String(32))
    to_state: Mapped[str] = mapped_column(sa.String(32))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    overridden_guards: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="joined")


class ApprovalState(LabelledEnum):
    OPEN = "open", _l("Sign-off open")
    APPROVED = "approved", _l("Approved")
    RETURNED = "returned", _l("Returned to revision")


class Approval(db.Model):
    """A final-approval period on a candidate version, and who approved it."""

    __tablename__ = "approval"
    __table_args__ = (
        sa.CheckConstraint("state <> 'approved' OR (approved_by_id IS NOT NULL AND "
                           "version_sha256 IS NOT NULL AND approved_at IS NOT NULL)",
                           name="approved_has_approver"),
        sa.Index("uq_approval_one_approved", "manual_id", unique=True,
                 sqlite_where=sa.text("state = 'approved'"),
                 postgresql_where=sa.text("state = 'approved'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    state: Mapped[ApprovalState] = mapped_column(enum_column(ApprovalState),
                                                 default=ApprovalState.OPEN)
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    version_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)

    version = relationship("Version", lazy="joined")
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class SignOffDecision(LabelledEnum):
    ENDORSE = "endorse", _l("Endorse")
    NO_OBJECTION = "no_objection", _l("No objection")
    BLOCKING_CONCERN = "blocking_concern", _l("Blocking concern")
    ABSTAIN = "abstain", _l("Abstain")


class SignOff(db.Model):
    """An expert's answer during the no-objection period."""

    __tablename__ = "sign_off"
    __table_args__ = (sa.UniqueConstraint("approval_id", "expert_id", name="one_per_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(sa.ForeignKey("approval.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    decision: Mapped[SignOffDecision] = mapped_column(enum_column(SignOffDecision))
    concern: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    overruled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    overrule_reason: Mapped[str] = mapped_column(sa.Text, default="")
    overruled_at: Mapped[datetime | None] = mapped_column(nullable=True)

    expert = relationship("User", foreign_keys=[expert_id], lazy="joined")

    @property
    def is_blocking(self) -> bool:
        return self.decision == SignOffDecision.BLOCKING_CONCERN and self.overruled_at is None
