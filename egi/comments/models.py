"""Consultation periods, comments on blocks, replies and dispositions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.auth.models import Sector
from egi.db import utcnow
from egi.enums import LabelledEnum, enum_column
from egi.extensions import db

MAX_COMMENT_LENGTH = 5000


class CommentType(LabelledEnum):
    """The ISO commenting template's types, plus reviewers' comments."""

    GENERAL = "general", _l("General")
    TECHNICAL = "technical", _l("Technical")
    EDITORIAL = "editorial", _l("Editorial")
    REVIEW = "review", _l("Review")

    @property
    def code(self) -> str:
        """The ISO template's one-letter code (ge, te, ed)."""
        return {"general": "ge", "technical": "te", "editorial": "ed", "review": "rv"}[self.value]


class Audience(LabelledEnum):
    """Who may read a comment, chosen by its author."""

    TEAM = "team", _l("The whole manual team")
    SECTOR = "sector", _l("My sector only (plus coordinator and consultant)")
    COORDINATION = "coordination", _l("Coordination only (coordinator and consultant)")


class CommentStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed")

    @property
    def badge(self) -> str:
        return {"open": "warning", "answered": "info", "closed": "success"}[self.value]


class Disposition(LabelledEnum):
    """The consultant's answer to a comment."""

    ACCEPTED = "accepted", _l("Accepted")
    ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", _l("Accepted in principle")
    PARTIALLY_ACCEPTED = "partially_accepted", _l("Partially accepted")
    NOT_ACCEPTED = "not_accepted", _l("Not accepted")
    NOTED = "noted", _l("Noted")
    DUPLICATE = "duplicate", _l("Duplicate of another comment")


class CommenterResponse(LabelledEnum):
    """The commenter's answer to the disposition."""

    SATISFIED = "satisfied", _l("Satisfied")
    CAN_LIVE_WITH = "can_live_with", _l("Can live with it")
    MAINTAINS_OBJECTION = "maintains_objection", _l("Maintains objection")


class AnchorState(LabelledEnum):
    """How a carried-forward comment found its block in the newer version."""

    ORIGINAL = "original", _l("Written on this version")
    UNCHANGED = "unchanged", _l("Block unchanged")
    CHANGED = "changed", _l("Block changed")
    MOVED = "moved", _l("Block moved")
    OUTDATED = "outdated", _l("Block no longer in the document")


class Consultation(db.Model):
    """A period during which experts comment on one version."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    version = relationship("Version", lazy="joined")

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.closed_at is None and now < self.closes_at


class Comment(db.Model):
    """A comment on a block (or the whole document) of a version, with its disposition."""

    __tablename__ = "comment"
    __table_args__ = (
        sa.CheckConstraint("audience <> 'sector' OR audience_sector IS NOT NULL",
                           name="sector_audience_has_sector"),
        sa.CheckConstraint("disposition IS NULL OR disposed_by_id IS NOT NULL",
                           name="disposed_if_disposition"),
        sa.Index("ix_comment_manual_version", "manual_id", "version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"))
    # The version the comment sits on now; open comments move to each new version.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    origin_version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("block.id"), nullable=True)
    # Kept so the comment can be re-anchored and its block's changes shown later.
    block_anchor: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    block_number: Mapped[str] = mapped_column(sa.String(40), default="")
    chapter: Mapped[str] = mapped_column(sa.String(40), default="")
    block_text_at_comment: Mapped[str] = mapped_column(sa.Text, default="")
    quote: Mapped[str] = mapped_column(sa.String(1000), default="")
    anchor_state: Mapped[AnchorState] = mapped_column(enum_column(AnchorState),
                                                      default=AnchorState.ORIGINAL)
    kind: Mapped[CommentType] = mapped_column(enum_column(CommentType))
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    audience_sector: Mapped[Sector | None] = mapped_column(
        enum_column(Sector, name="audience_sector"), nullable=True)
    show_as_sector: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    author_sector: Mapped[Sector | None] = mapped_column(
        enum_column(Sector, name="author_sector"), nullable=True)
    body: Mapped[str] = mapped_column(sa.Text)
    proposed_wording: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(nullable=True)
    retracted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[CommentStatus] = mapped_column(enum_column(CommentStatus),
                                                  default=CommentStatus.OPEN)
    disposition: Mapped[Disposition | None] = mapped_column(enum_column(Disposition),
                                                            nullable=True)
    disposition_response: Mapped[str] = mapped_column(sa.Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id"),
                                                        nullable=True)
    disposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"),
                                                       nullable=True)
    disposed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    commenter_response: Mapped[CommenterResponse | None] = mapped_column(
        enum_column(CommenterResponse), nullable=True)
    commenter_note: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reply_count: Mapped[int] = mapped_column(default=0)
    # Optimistic lock: two people answering at once -> the second gets "reload".
    revision: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": revision}

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    version = relationship("Version", foreign_keys=[version_id])
    manual = relationship("Manual")
    block = relationship("Block", foreign_keys=[block_id])

    @property
    def audit_label(self) -> str:
        return f"#{self.id}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def maintains_objection(self) -> bool:
        return self.commenter_response == CommenterResponse.MAINTAINS_OBJECTION

    @property
    def is_general(self) -> bool:
        return self.block_anchor is None


class CommentReply(db.Model):
    """A reply in a comment's thread; it is visible to whoever can see the comment."""

    __tablename__ = "comment_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    show_as_sector: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
