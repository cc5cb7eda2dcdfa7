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


def _coordinator() -> User:
    return _account("coordinator@egi.test")


def _consultant() -> User:
    return _account("consultant@egi.test")


def new_manual(title: str, description: str, team: list[str]):
    """A manual with its team, or None when it already exists (the demo is idempotent)."""
    from egi.manuals import services
    from egi.manuals.models import Manual

    if db.session.scalar(db.select(Manual.id).where(Manual.title == title)) is not None:
        return None
    manual = services.create_manual(_coordinator(), title=title, description=description,
                                    working_language="en")
    for email in team:
        services.add_member(_coordinator(), manual, _account(email))
    return manual


def upload(manual, data: bytes, filename: str, note: str):
    from egi.manuals import services

    return services.upload_version(_consultant(), manual, filename=filename, data=data,
                                   note=note,
                                   expected_number=services.latest_number(manual) + 1).version


def act(manual, action: str, *, days: int | None = None, note: str = "", override: str = ""):
    """Apply a workflow action as the demo coordinator."""
    from egi.workflow import engine

    step = engine.Step(actor=_coordinator(), note=note,
                       closes_at=utcnow() + timedelta(days=days) if days else None)
    engine.apply(manual, engine.Action(action), step, expected_state=manual.state,
                 override_reason=override)


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


def seed_first_consultation(version) -> None:
    """Comments from every expert on the first draft, some answered."""
    import sqlalchemy as sa

    from egi.comments import services as comments
    from egi.comments.models import Audience, CommenterResponse, CommentType, Disposition
    from egi.manuals.models import Block

    consultant = _consultant()
    paragraphs = db.session.scalars(sa.select(Block).where(
        Block.version_id == version.id, Block.kind == "paragraph")
        .order_by(Block.position)).all()
    by_number = {b.number: b for b in paragraphs}
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


def answer_remaining_comments(manual) -> None:
    """The consultant disposes of every comment still open; the objection is withdrawn."""
    import sqlalchemy as sa

    from egi.comments import services as comments
    from egi.comments.models import Comment, CommenterResponse, CommentStatus, Disposition

    for comment in db.session.scalars(sa.select(Comment).where(
            Comment.manual_id == manual.id, Comment.status != CommentStatus.CLOSED)):
        if comment.status == CommentStatus.OPEN:
            comments.dispose(_consultant(), comment, disposition=Disposition.ACCEPTED,
                             response="Done in version 2.", duplicate_of_id=None,
                             expected_revision=comment.revision)
        if comment.maintains_objection or comment.commenter_response is None:
            comments.respond(comment.author, comment, response=CommenterResponse.SATISFIED,
                             note="", expected_revision=comment.revision)


def seed_manuals() -> None:
    """The Guiding Principles up to revision (reviews are added next), and a checklist
    in an open consultation so every demo expert can comment."""
    from egi.demo_documents import (
        MANUAL_TITLE,
        SECOND_MANUAL_TITLE,
        build_manual_docx,
        build_second_manual_docx,
    )

    experts = [email for email, _n, role, _s, _o in DEMO_ACCOUNTS if role == Role.EXPERT]
    manual = new_manual(
        MANUAL_TITLE,
        "Guidance for law enforcement agencies and key stakeholders on drafting memoranda of "
        "understanding for cooperation against trafficking in human beings.",
        ["consultant@egi.test", *experts])
    if manual is not None:
        first = upload(manual, build_manual_docx(1), "Guiding Principles MoU - draft 1.docx",
                       "First full draft for the expert group.")
        act(manual, "open_consultation", days=14, note="First expert consultation.")
        seed_first_consultation(first)
        act(manual, "start_peer_review", note="Consultation closed; peer review next.")
        act(manual, "start_revision", note="Reviews in; the consultant revises.",
            override="Demo: the review round is recorded after this step.")
        upload(manual, build_manual_docx(2), "Guiding Principles MoU - draft 2.docx",
               "Revised after the first expert meeting: data protection and consent to "
               "referral added, chapter 3 shortened, roles table completed.")
    checklist = new_manual(
        SECOND_MANUAL_TITLE,
        "A short checklist for labour inspectors who meet possible victims of trafficking.",
        ["consultant@egi.test", *experts])
    if checklist is not None:
        upload(checklist, build_second_manual_docx(1), "Labour inspection checklist - draft 1.docx",
               "First draft.")
        act(checklist, "open_consultation", days=21, note="Consultation on the first draft.")


def finish_main_manual() -> None:
    """Approval and release of the Guiding Principles, with the final conference."""
    import datetime as dt

    from egi.demo_documents import MANUAL_TITLE
    from egi.dissemination import services as dissemination
    from egi.manuals.models import Manual, ManualState
    from egi.workflow.models import SignOffDecision
    from egi.workflow.signoff import record_sign_off

    manual = db.session.scalar(db.select(Manual).where(Manual.title == MANUAL_TITLE))
    if manual is None or manual.state != ManualState.REVISION:
        return
    answer_remaining_comments(manual)
    act(manual, "request_approval", note="All comments answered; sign-off on draft 2.")
    decisions = [SignOffDecision.ENDORSE, SignOffDecision.NO_OBJECTION, SignOffDecision.ENDORSE,
                 SignOffDecision.ABSTAIN, SignOffDecision.ENDORSE]
    experts = [email for email, _n, role, _s, _o in DEMO_ACCOUNTS if role == Role.EXPERT]
    for email, decision in zip(experts, decisions, strict=True):
        record_sign_off(_account(email), manual, decision, "")
    act(manual, "approve", note="Approved at the expert group's final meeting.")
    act(manual, "release", note="Released at the Final Conference.")
    for member in manual.memberships:
        member.acknowledged = member.user.role == Role.EXPERT
    dissemination.add_event(_coordinator(), manual, title="Final Conference",
                            date=dt.date(2009, 3, 30), place="Vienna",
                            notes="Presentation of the Guiding Principles to law enforcement "
                                  "agencies, NGOs, IGOs, research institutes and labour "
                                  "inspectorates.")


def seed_demo() -> list[User]:
    """Everything the demo needs; idempotent."""
    accounts = seed_accounts()
    seed_manuals()
    try:
        from egi.reviews.demo import seed_reviews
    except ImportError:
        seed_reviews = None
    if seed_reviews is not None:
        seed_reviews()
    finish_main_manual()
    return accounts
