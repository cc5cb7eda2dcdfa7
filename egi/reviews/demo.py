"""Demo data: nominations with endorsements and objections, and a finished blind review
round with two submitted reviews on the Guiding Principles. Idempotent."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from egi.auth.models import Sector, User
from egi.db import utcnow
from egi.extensions import db
from egi.reviews.models import Nomination, Recommendation, ReviewRound, Stance

NOMINATIONS = [
    # (nominating expert, name, e-mail, organisation, sector, expertise, why, conflicts,
    #  [(expert, stance, reason)])
    ("expert.ngo@egi.test", "Dr Amira Haddad", "amira.haddad@example.org",
     "Centre for Migration Law", Sector.RESEARCH,
     "Victims' rights and referral mechanisms in South-East Europe.",
     "Has evaluated three national referral mechanisms and knows the MoU practice.", "",
     [("expert.law@egi.test", "endorse", "Her evaluation of the Romanian NRM was excellent."),
      ("expert.igo@egi.test", "endorse", "")]),
    ("expert.law@egi.test", "Chief Inspector Marek Novak", "m.novak@example.org",
     "National Police Academy", Sector.LAW_ENFORCEMENT,
     "Training of investigators on trafficking cases.",
     "Brings the view of police trainers who will use the principles.",
     "Taught a course with one of the experts in 2007.",
     [("expert.ngo@egi.test", "object", "We need a reviewer from outside the police "
                                        "training network to keep the review independent."),
      ("expert.labour@egi.test", "endorse", "")]),
]

REVIEWS = [
    ("reviewer.one@egi.test", Recommendation.MINOR,
     "A clear and practical text. The consent provisions need one more example for minors, "
     "and the data-protection annex should cite the Council of Europe Convention 108.",
     "Chapter 2 overlaps with a guide I co-authored; I have reviewed it on its merits.", 4,
     "The duty desk solution works well; please mention 24/7 availability."),
    ("reviewer.two@egi.test", Recommendation.MAJOR,
     "Strong on law enforcement, weaker on the NGO side: shelters' independence and funding "
     "are not addressed, and the monitoring chapter lacks indicators.", "", 3,
     "Add indicators for how often the MoU partners meet and review cases."),
]


def _account(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def seed_nominations(manual) -> None:
    """Two nominations with opinions, one accepted for the shortlist."""
    from egi.reviews import services

    if db.session.scalar(sa.select(Nomination.id).where(Nomination.manual_id == manual.id)):
        return
    coordinator = _account("coordinator@egi.test")
    for index, (by, name, email, org, sector, expertise, why, conflicts, opinions) in \
            enumerate(NOMINATIONS):
        made = services.nominate(_account(by), manual, name=name, email=email,
                                 organisation=org, sector=sector, expertise=expertise,
                                 reason=why, conflicts=conflicts)
        for expert, stance, reason in opinions:
            services.give_opinion(_account(expert), made, stance=Stance(stance), reason=reason)
        if index == 0:
            services.decide_nomination(coordinator, made, accept=True,
                                       note="Strong support from three sectors.")


def seed_round(manual) -> None:
    """A finished blind round on the latest version: two reviews, a few review comments."""
    from egi.comments import services as comments
    from egi.comments.models import Audience, CommentType
    from egi.manuals.models import Block, Version
    from egi.reviews import services

    if db.session.scalar(sa.select(ReviewRound.id).where(ReviewRound.manual_id == manual.id)):
        return
    coordinator = _account("coordinator@egi.test")
    version = db.session.scalar(sa.select(Version).where(Version.manual_id == manual.id)
                                .order_by(Version.number.desc()).limit(1))
    if version is None:
        return
    paragraphs = db.session.scalars(sa.select(Block).where(
        Block.version_id == version.id, Block.kind == "paragraph")
        .order_by(Block.position).limit(12)).all()
    review_round = services.open_round(
        coordinator, version, due_at=utcnow() + timedelta(days=14), blind=True,
        peers_visible=True, criteria=services.default_criteria())
    for index, (email, recommendation, summary, note, score, remark) in enumerate(REVIEWS):
        reviewer = _account(email)
        assignment = services.assign_reviewer(coordinator, review_round, reviewer)
        services.respond_to_invitation(
            reviewer, assignment, accept=True, conflict_declaration=note or "None.",
            decline_reason="", suggestion="", expected_revision=assignment.revision)
        if paragraphs:
            block = paragraphs[(index * 5 + 2) % len(paragraphs)]
            comments.add_comment(reviewer, version, block_anchor=block.anchor, quote="",
                                 kind=CommentType.REVIEW, audience=Audience.TEAM,
                                 show_as_sector=False, body=remark, proposed_wording="")
        scores = {c: max(1, min(5, score + (i % 3) - 1))
                  for i, c in enumerate(review_round.criteria)}
        services.save_review(
            reviewer, assignment, recommendation=recommendation, scores=scores,
            summary=summary, confidential_note=note, file=None, submit=True,
            expected_revision=assignment.revision)
    services.save_summary(
        coordinator, review_round, share=True, expected_revision=review_round.revision,
        summary="Both reviewers find the principles practical. Before final approval: add an "
                "example on consent for minors, cite Convention 108, and strengthen the NGO "
                "and monitoring chapters.")
    services.close_round(coordinator, review_round)


def seed_reviews() -> None:
    """Nominations and a finished blind review round on the demo manual; skipped if present."""
    from egi.demo_documents import MANUAL_TITLE
    from egi.manuals.models import Manual

    manual = db.session.scalar(sa.select(Manual).where(Manual.title == MANUAL_TITLE))
    if manual is None:
        return
    seed_nominations(manual)
    seed_round(manual)
