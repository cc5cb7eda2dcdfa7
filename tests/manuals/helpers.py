"""Shared set-up for manual tests: a manual with a coordinator, a consultant and experts."""

from __future__ import annotations

from dataclasses import dataclass

from egi.auth.models import Role, Sector, User
from egi.extensions import db
from egi.manuals import services
from egi.manuals.models import Manual, Version
from tests.factories import make_user


@dataclass
class Team:
    manual: Manual
    coordinator: User
    consultant: User
    expert: User
    outsider: User  # an expert on another manual only


def make_team(title: str = "Guiding Principles") -> Team:
    coordinator = make_user(Role.COORDINATOR)
    consultant = make_user(Role.CONSULTANT)
    expert = make_user(Role.EXPERT, Sector.NGO)
    outsider = make_user(Role.EXPERT, Sector.LABOUR)
    manual = services.create_manual(coordinator, title=title, description="About MoUs",
                                    working_language="en")
    services.add_member(coordinator, manual, consultant)
    services.add_member(coordinator, manual, expert)
    other = services.create_manual(coordinator, title="Other manual", description="",
                                   working_language="fr")
    services.add_member(coordinator, other, outsider)
    db.session.commit()
    return Team(manual, coordinator, consultant, expert, outsider)


def upload(client, manual_id: int, filename: str, data: bytes, *, note: str = "",
           expected: int | None = None, json: bool = False):
    """POST an upload through the real form."""
    if expected is None:
        expected = (db.session.scalar(
            db.select(db.func.max(Version.number)).where(Version.manual_id == manual_id)) or 0) + 1
    headers = {"Accept": "application/json"} if json else {}
    import io

    return client.post(f"/manuals/{manual_id}/upload", headers=headers,
                       content_type="multipart/form-data",
                       data={"document": (io.BytesIO(data), filename), "note": note,
                             "expected_number": str(expected)})


def add_version(manual: Manual, consultant: User, text: str, filename: str = "draft.md") -> Version:
    """Upload through the service (no HTTP) and commit."""
    outcome = services.upload_version(consultant, manual, filename=filename,
                                      data=text.encode(), note="",
                                      expected_number=services.latest_number(manual) + 1)
    db.session.commit()
    return outcome.version
