"""Notifications shown in the app and e-mails waiting in the outbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from egi.db import utcnow
from egi.extensions import db


class Notification(db.Model):
    """A message for one person, shown in the app until read."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as its cause, delivered after the commit."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    # Held for the recipient's daily digest instead of being sent on its own.
    digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
