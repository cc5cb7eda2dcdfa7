"""A manual with one expert per sector, a version and an open consultation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from egi.auth.models import Role, Sector, User
from egi.comments import services
from egi.comments.models import Audience, Comment, CommentType
from egi.db import utcnow
from egi.extensions import db
from egi.manuals import services as manual_services
from egi.manuals.models import Manual, Version
from tests.factories import make_user

TEXT = ("# 1 Law enforcement\n\nPolice sign the memorandum with partners.\n\n"
        "Officers refer presumed victims within 24 hours.\n\n"
        "# 2 NGOs\n\nNGOs provide shelter and counselling.\n")


@dataclass
class Room:
    manual: Manual
    version: Version
    coordinator: User
    consultant: User
    law: User  # law-enforcement expert
    ngo: User
    labour: User
    reviewer: User
    outsider: User  # an expert not on this manual
    admin: User

    def block(self, number: str):
        from egi.manuals.models import Block

        return db.session.scalar(db.select(Block).where(Block.version_id == self.version.id,
                                                        Block.number == number))


def make_room(text: str = TEXT, consultation: bool = True) -> Room:
    coordinator = make_user(Role.COORDINATOR, name="Cora Coordinator")
    consultant = make_user(Role.CONSULTANT, name="Colin Consultant")
    law = make_user(Role.EXPERT, Sector.LAW_ENFORCEMENT, name="Lena Lawson")
    ngo = make_user(Role.EXPERT, Sector.NGO, name="Nadia Noor")
    labour = make_user(Role.EXPERT, Sector.LABOUR, name="Lars Lindqvist")
    reviewer = make_user(Role.REVIEWER, Sector.RESEARCH, name="Rowan Quill")
    outsider = make_user(Role.EXPERT, Sector.LAW_ENFORCEMENT, name="Otto Outsider")
    admin = make_user(Role.ADMIN, name="Alex Admin")
    manual = manual_services.create_manual(coordinator, title="Guiding Principles",
                                           description="", working_language="en")
    for person in (consultant, law, ngo, labour, reviewer):
        manual_services.add_member(coordinator, manual, person)
    version = manual_services.upload_version(consultant, manual, filename="d.md",
                                             data=text.encode(), note="",
                                             expected_number=1).version
    if consultation:
        services.start_consultation(coordinator, version, utcnow() + timedelta(days=7))
    db.session.commit()
    return Room(manual, version, coordinator, consultant, law, ngo, labour, reviewer, outsider,
                admin)


def comment(room: Room, author: User, body: str, *, audience: Audience = Audience.TEAM,
            block: str | None = "1 ¶1", kind: CommentType = CommentType.TECHNICAL,
            as_sector: bool = False, proposed: str = "") -> Comment:
    target = room.block(block) if block else None
    made = services.add_comment(author, room.version, block_anchor=target.anchor if target
                                else None, quote="", kind=kind, audience=audience,
                                show_as_sector=as_sector, body=body, proposed_wording=proposed)
    db.session.commit()
    return made
