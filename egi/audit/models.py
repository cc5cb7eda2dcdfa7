"""Audit entries. Append-only: the ORM refuses updates and deletes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from egi.db import utcnow
from egi.extensions import db


class AuditEntry(db.Model):
    """One recorded action."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), index=True)
    verb: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(64))
    target_id: Mapped[int | None] = mapped_column(nullable=True)
    target_label: Mapped[str] = mapped_column(sa.String(300), default="")
    # The manual the action concerns, when there is one (for filtering the log).
    manual_id: Mapped[int | None] = mapped_column(sa.ForeignKey("manual.id"), nullable=True,
                                                  index=True)
    from_state: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", lazy="joined")


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a recorded entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(*_args):
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(*_args):
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")
