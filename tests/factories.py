"""Plain factories for test data: make_user and friends. They flush, tests commit."""

from __future__ import annotations

import itertools

from egi.auth.models import Role, Sector, User
from egi.auth.passwords import hash_password
from egi.extensions import db
from tests.conftest import PASSWORD

_seq = itertools.count(1)


def make_user(role: Role | str = Role.EXPERT, sector: Sector | str | None = "default", *,
              email: str | None = None, name: str | None = None, password: str | None = PASSWORD,
              active: bool = True, organisation: str = "Test organisation") -> User:
    """A user; experts get the law-enforcement sector unless told otherwise."""
    role = Role(role)
    if sector == "default":
        sector = Sector.LAW_ENFORCEMENT if role == Role.EXPERT else None
    n = next(_seq)
    user = User(
        email=email or f"{role.value}{n}@example.org",
        display_name=name or f"{role.label} {n}",
        organisation=organisation,
        role=role,
        sector=Sector(sector) if sector else None,
        password_hash=hash_password(password) if password else None,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user
