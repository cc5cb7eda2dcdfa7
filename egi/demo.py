"""Demo data for trying the product: accounts now, manuals and reviews as areas arrive."""

from __future__ import annotations

from datetime import timedelta

from egi.auth.models import Role, Sector, User
from egi.auth.passwords import hash_password
from egi.db import utcnow
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
        outcome = services.upload_version(consultant, manual, filename=filename, data=data,
                                          note=note, expected_number=number)
        if number == 1 and len(drafts) > 1:
            seed_first_consultation(manual, outcome.version)
    if len(drafts) > 1:
        from egi.comments.services import start_consultation

        start_consultation(coordinator, outcome.version, utcnow() + timedelta(days=21))


DEMO_COMMENTS = [
    # (expert e-mail, block number in draft 1, type, audience, as sector, text, proposed wording,
    #  disposition, response, commenter answer)
    ("expert.law@egi.test", "1.1 ¶2", "technical", "sector", False,
     "Operational contact details of investigators must not be annexed to an MoU that NGOs "
     "circulate. Refer to a duty desk instead.", "Replace named contacts by the duty desk "
     "of the specialised unit.", "accepted", "", "satisfied"),
    ("expert.law@egi.test", "1.1 ¶4", "general", "team", False,
     "The principle of non-punishment of victims should be stated before the referral "
     "procedure, not after it.", "", "accepted_in_principle",
     "Moved up in the next draft; the wording stays close to the Palermo Protocol.", None),
    ("expert.ngo@egi.test", "2.1 ¶1", "technical", "team", False,
     "Victims' consent to referral is missing. NGOs cannot share personal data with the "
     "police without informed consent.", "Add: 'Referral to law enforcement takes place only "
     "with the informed consent of the presumed victim.'", "partially_accepted",
     "Consent is now required, with an exception for minors at immediate risk.",
     "maintains_objection"),
    ("expert.ngo@egi.test", "B ¶2", "editorial", "team", True,
     "\"Illegal migrants\" should read \"irregular migrants\" throughout.", "irregular migrants",
     None, "", None),
    ("expert.igo@egi.test", "3.1 ¶1", "general", "team", False,
     "Cross-reference the OSCE National Referral Mechanisms handbook here.", "", "noted",
     "Reference added to the annex.", None),
    ("expert.research@egi.test", "4.1 ¶2", "technical", "team", False,
     "Data collection: say who owns aggregated statistics and how often they are shared.",
     "", None, "", None),
    ("expert.labour@egi.test", "5.1 ¶1", "technical", "coordination", False,
     "Our inspectorate cannot sign an MoU with the police without a ministerial decree; "
     "please raise this with the coordinator before the next meeting.", "", "noted",
     "Discussed with the coordinator; a footnote explains the legal basis.", None),
    ("expert.labour@egi.test", "5.1 ¶3", "general", "team", False,
     "Labour inspectors need a chapter of their own on joint inspections.", "",
     None, "", None),
]


def seed_first_consultation(manual, version) -> None:
    """A closed consultation on the first draft with answered and open comments."""
    import sqlalchemy as sa

    from egi.comments import services as comments
    from egi.comments.models import (
        Audience,
        CommenterResponse,
        CommentType,
        Consultation,
        Disposition,
    )
    from egi.manuals.models import Block

    coordinator, consultant = _account("coordinator@egi.test"), _account("consultant@egi.test")
    paragraphs = db.session.scalars(sa.select(Block).where(
        Block.version_id == version.id, Block.kind == "paragraph")
        .order_by(Block.position)).all()
    by_number = {b.number: b for b in paragraphs}
    consultation = comments.start_consultation(coordinator, version,
                                               utcnow() + timedelta(days=14))
    for (email, number, kind, audience, as_sector, text, proposed, disposition, response,
         answer) in DEMO_COMMENTS:
        author = _account(email)
        block = by_number.get(number, paragraphs[0])
        comment = comments.add_comment(
            author, version, block_anchor=block.anchor, quote="", kind=CommentType(kind),
            audience=Audience(audience), show_as_sector=as_sector, body=text,
            proposed_wording=proposed)
        if disposition:
            comments.dispose(consultant, comment, disposition=Disposition(disposition),
                             response=response, duplicate_of_id=None,
                             expected_revision=comment.revision)
            if answer:
                comments.respond(author, comment, response=CommenterResponse(answer),
                                 note="Consent must not be waived for adults." if
                                 answer == "maintains_objection" else "",
                                 expected_revision=comment.revision)
    general = comments.add_comment(
        _account("expert.igo@egi.test"), version, block_anchor=None, quote="",
        kind=CommentType.GENERAL, audience=Audience.TEAM, show_as_sector=False,
        body="Overall a solid first draft. @Colin Consultant, could the annex list the "
             "international instruments in date order?", proposed_wording="")
    comments.reply(consultant, general, "Yes, will do in version 2.")
    comments.close_consultation(coordinator, db.session.get(Consultation, consultation.id))


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
