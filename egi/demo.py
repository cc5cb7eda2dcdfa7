"""Demo data for trying the product: accounts now, manuals and reviews as areas arrive."""

from __future__ import annotations

from egi.auth.models import Role, Sector, User
from egi.auth.passwords import hash_password
from egi.extensions import db

DEMO_PASSWORD = "egi-demo-password"  # noqa: S105 (documented demo-only password)

DEMO_ACCOUNTS = [
    ("admin@egi.test", "Alex Admin", Role.ADMIN, None, "EGI technical team"),
    ("coordinator@egi.test", "Cora Coordinator", Role.COORDINATOR, Sector.IGO, "IOM Vienna"),
    ("consultant@egi.test", "Colin Consultant", Role.CONSULTANT, Sector.RESEARCH,
     "Independent consultant"),
    ("expert.law@egi.test", "Lena Lawson", Role.EXPERT, Sector.LAW_ENFORCEMENT,
     "Federal Criminal Police Office"),
    ("expert.ngo@egi.test", "Nadia Noor", Role.EXPERT, Sector.NGO, "La Strada International"),
    ("expert.igo@egi.test", "Ivan Iorga", Role.EXPERT, Sector.IGO, "OSCE"),
    ("expert.research@egi.test", "Rita Reyes", Role.EXPERT, Sector.RESEARCH,
     "ICMPD Research Unit"),
    ("expert.labour@egi.test", "Lars Lindqvist", Role.EXPERT, Sector.LABOUR,
     "Swedish Work Environment Authority"),
    ("reviewer.one@egi.test", "Rowan Quill", Role.REVIEWER, Sector.RESEARCH,
     "University of Vienna"),
    ("reviewer.two@egi.test", "Robin Vale", Role.REVIEWER, Sector.NGO,
     "Anti-Slavery International"),
]


def seed_accounts() -> list[User]:
    """Create or restore the demo accounts with the demo password. Flushes, never commits."""
    password_hash = hash_password(DEMO_PASSWORD)
    accounts = []
    for email, name, role, sector, organisation in DEMO_ACCOUNTS:
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(email=email)
            db.session.add(user)
        user.display_name, user.role, user.sector = name, role, sector
        user.organisation, user.active = organisation, True
        user.password_hash = password_hash
        accounts.append(user)
    db.session.flush()
    return accounts


def _account(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def seed_manual(title: str, description: str, team: list[str], drafts: list[tuple[bytes, str, str]],
                ) -> None:
    """A manual with its team and drafts, uploaded through the real services; skipped if present."""
    from egi.manuals import services
    from egi.manuals.models import Manual

    if db.session.scalar(db.select(Manual.id).where(Manual.title == title)) is not None:
        return
    coordinator, consultant = _account("coordinator@egi.test"), _account("consultant@egi.test")
    manual = services.create_manual(coordinator, title=title, description=description,
                                    working_language="en")
    for email in team:
        services.add_member(coordinator, manual, _account(email))
    for number, (data, filename, note) in enumerate(drafts, start=1):
        services.upload_version(consultant, manual, filename=filename, data=data, note=note,
                                expected_number=number)


def seed_manuals() -> None:
    """The Guiding Principles with two drafts, and a shorter checklist with one."""
    from egi.demo_documents import (
        MANUAL_TITLE,
        SECOND_MANUAL_TITLE,
        build_manual_docx,
        build_second_manual_docx,
    )

    experts = [email for email, _n, role, _s, _o in DEMO_ACCOUNTS if role == Role.EXPERT]
    seed_manual(
        MANUAL_TITLE,
        "Guidance for law enforcement agencies and key stakeholders on drafting memoranda of "
        "understanding for cooperation against trafficking in human beings.",
        ["consultant@egi.test", *experts],
        [(build_manual_docx(1), "Guiding Principles MoU - draft 1.docx",
          "First full draft for the expert group."),
         (build_manual_docx(2), "Guiding Principles MoU - draft 2.docx",
          "Revised after the first expert meeting: data protection and consent to referral "
          "added, chapter 3 shortened, roles table completed.")])
    seed_manual(
        SECOND_MANUAL_TITLE,
        "A short checklist for labour inspectors who meet possible victims of trafficking.",
        ["consultant@egi.test", "expert.labour@egi.test", "expert.ngo@egi.test",
         "expert.law@egi.test"],
        [(build_second_manual_docx(1), "Labour inspection checklist - draft 1.docx",
          "First draft.")])


def seed_demo() -> list[User]:
    """Everything the demo needs; idempotent."""
    accounts = seed_accounts()
    seed_manuals()
    return accounts
