"""Manuals, their teams, and their append-only versions with stored files and blocks."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.db import utcnow
from egi.enums import LabelledEnum, enum_column
from egi.extensions import db


class ManualState(LabelledEnum):
    """Where a manual is in its life; the workflow module moves it between states."""

    DRAFTING = "drafting", _l("Drafting")
    CONSULTATION = "consultation", _l("Expert consultation")
    PEER_REVIEW = "peer_review", _l("Peer review")
    REVISION = "revision", _l("Revision")
    FINAL_APPROVAL = "final_approval", _l("Final approval")
    APPROVED = "approved", _l("Approved")
    DISSEMINATED = "disseminated", _l("Disseminated")
    WITHDRAWN = "withdrawn", _l("Withdrawn")

    @property
    def badge(self) -> str:
        """Badge style; the text label always accompanies the colour."""
        return {
            "drafting": "neutral", "consultation": "info", "peer_review": "info",
            "revision": "warning", "final_approval": "warning", "approved": "success",
            "disseminated": "success", "withdrawn": "muted",
        }[self.value]

    @property
    def accepts_new_versions(self) -> bool:
        # During final approval the candidate version is fixed; after it, the manual is.
        return self not in (ManualState.FINAL_APPROVAL, ManualState.APPROVED,
                            ManualState.DISSEMINATED, ManualState.WITHDRAWN)


# Working languages a manual can be written in (ISO 639-1); names come from Babel.
WORKING_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh", "de", "pt", "it", "ro", "bg", "uk",
                     "pl", "cs", "hu", "sr", "hr", "sq", "tr", "el", "nl", "sv")


class Manual(db.Model):
    """A document the initiative produces, written by consultants, read by its team."""

    __tablename__ = "manual"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    working_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    state: Mapped[ManualState] = mapped_column(enum_column(ManualState),
                                               default=ManualState.DRAFTING)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships = relationship("ManualMember", back_populates="manual",
                               cascade="all, delete-orphan", lazy="selectin")

    @property
    def audit_label(self) -> str:
        return self.title

    def member_ids(self) -> set[int]:
        return {m.user_id for m in self.memberships}


class ManualMember(db.Model):
    """A person on a manual's team; their part follows from their account's role."""

    __tablename__ = "manual_member"
    __table_args__ = (sa.UniqueConstraint("manual_id", "user_id", name="one_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Whether the person agreed to be named in the published acknowledgements.
    acknowledged: Mapped[bool] = mapped_column(default=False)

    manual = relationship("Manual", back_populates="memberships")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class StoredFile(db.Model):
    """An uploaded file's bytes, stored once per SHA-256 (content-addressed)."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(sa.String(120))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Version(db.Model):
    """One uploaded draft of a manual. Immutable once written; numbered 1, 2, 3 …"""

    __tablename__ = "version"
    __table_args__ = (
        sa.UniqueConstraint("manual_id", "number", name="number_per_manual"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    number: Mapped[int]
    file_sha256: Mapped[str] = mapped_column(sa.ForeignKey("stored_file.sha256"))
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    format: Mapped[str] = mapped_column(sa.String(8))
    size: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    block_count: Mapped[int] = mapped_column(default=0)
    word_count: Mapped[int] = mapped_column(default=0)
    had_tracked_changes: Mapped[bool] = mapped_column(default=False)
    had_comments: Mapped[bool] = mapped_column(default=False)

    manual = relationship("Manual")
    uploaded_by = relationship("User", lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"v{self.number}"


class Block(db.Model):
    """A numbered, anchored piece of a version's reading view (heading, paragraph, table …)."""

    __tablename__ = "block"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "position", name="position_per_version"),
        sa.UniqueConstraint("version_id", "anchor", name="anchor_per_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    position: Mapped[int]
    anchor: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(16))
    level: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(40))
    html: Mapped[str] = mapped_column(sa.Text)
    text: Mapped[str] = mapped_column(sa.Text)


class ReadMark(db.Model):
    """The newest version of a manual a person has opened, for "changes since you last read"."""

    __tablename__ = "read_mark"
    __table_args__ = (sa.UniqueConstraint("user_id", "manual_id", name="one_mark"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"))
    version_number: Mapped[int]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class VersionIsImmutable(RuntimeError):
    """Raised when code tries to change an uploaded version or its blocks."""


@event.listens_for(Version, "before_update")
@event.listens_for(Block, "before_update")
def _refuse_change(*_args):
    raise VersionIsImmutable("uploaded versions cannot be changed")


class PendingUpload(db.Model):
    """An upload held back until the uploader confirms it (it has tracked changes or comments)."""

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    file_sha256: Mapped[str] = mapped_column(sa.ForeignKey("stored_file.sha256"))
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    expected_number: Mapped[int]
    has_tracked_changes: Mapped[bool] = mapped_column(default=False)
    has_comments: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
