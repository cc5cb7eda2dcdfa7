"""People: accounts with a role and a sector."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from egi.db import utcnow
from egi.enums import LabelledEnum, enum_column
from egi.extensions import db


class Role(LabelledEnum):
    """What a person does in an initiative."""

    ADMIN = "admin", _l("Technical admin")
    COORDINATOR = "coordinator", _l("Coordinator")
    CONSULTANT = "consultant", _l("Consultant")
    EXPERT = "expert", _l("Expert")
    REVIEWER = "reviewer", _l("Peer reviewer")


class Sector(LabelledEnum):
    """The five fixed sectors of the expert group."""

    LAW_ENFORCEMENT = "law_enforcement", _l("Law enforcement")
    NGO = "ngo", _l("NGO")
    IGO = "igo", _l("Intergovernmental organisation")
    RESEARCH = "research", _l("Research institute")
    LABOUR = "labour", _l("Labour inspectorate")


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and case-insensitively."""
    return (email or "").strip().lower()


def new_session_token() -> str:
    """A random token naming the current generation of a user's sessions."""
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """A person with an account. Never deleted once they have history; deactivated instead."""

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'expert' OR sector IS NOT NULL", name="expert_has_sector"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    # E-mails one by one (False) or gathered in one daily digest (True).
    email_digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Changing it logs out every other session of this user (see get_id).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(nullable=True)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def has_password(self) -> bool:
        """False while an invitation has not been accepted."""
        return self.password_hash is not None

    def get_id(self) -> str:
        """Session identity: the id plus the session generation, so a bump ends old sessions."""
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
