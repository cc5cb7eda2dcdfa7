"""Releases (with an optional embargo), dissemination events and download counts."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.db import utcnow
from egi.extensions import db


class Release(db.Model):
    """A manual's approved version made public at `release_at` (now, or an embargo)."""

    __tablename__ = "release"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    release_at: Mapped[datetime]
    released_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manual = relationship("Manual", lazy="joined")
    version = relationship("Version", lazy="joined")


class DisseminationEvent(db.Model):
    """A conference, launch or training where the manual was presented."""

    __tablename__ = "dissemination_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    date: Mapped[dt.date]
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachments = relationship("EventAttachment", lazy="selectin", order_by="EventAttachment.id")

    @property
    def audit_label(self) -> str:
        return self.title


class EventAttachment(db.Model):
    """A file shown with an event (programme, slides), stored content-addressed."""

    __tablename__ = "event_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("dissemination_event.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(sa.ForeignKey("stored_file.sha256"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int]


class DownloadCount(db.Model):
    """How often a public file was downloaded."""

    __tablename__ = "download_count"
    __table_args__ = (sa.UniqueConstraint("manual_id", "file_sha256", name="one_counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manual_id: Mapped[int] = mapped_column(sa.ForeignKey("manual.id"))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    count: Mapped[int] = mapped_column(default=0)
