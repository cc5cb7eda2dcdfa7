"""Review rules at the service level: nominations, rounds, assignments, reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from egi.auth.models import Role, Sector
from egi.comments import services as comments
from egi.comments.models import Audience, CommentType
from egi.db import utcnow
from egi.errors import GuardFailed, PermissionDenied, StaleObject
from egi.extensions import db
from egi.notifications.models import OutboxMessage
from egi.reviews import services
from egi.reviews.models import (
    AssignmentStatus,
    Nomination,
    NominationStatus,
    Recommendation,
    Stance,
)
from egi.reviews.queries import current_round, missing_reviews, pseudonym_numbers
from tests.comments.helpers import make_room
from tests.reviews.helpers import (
    CRITERIA,
    accept_invitation,
    make_review,
    submit_review,
)


def _nominate(room, email="cand@example.org", by=None):
    return services.nominate(by or room.law, room.manual, name="Cand Idate", email=email,
                             organisation="Uni", sector=Sector.RESEARCH, expertise="MoUs",
                             reason="Knows the field", conflicts="")


def test_expert_nominates_and_others_endorse_or_object(app):
    room = make_room(consultation=False)
    nomination = _nominate(room)
    services.give_opinion(room.ngo, nomination, stance=Stance.ENDORSE, reason="")
    with pytest.raises(GuardFailed):
        services.give_opinion(room.labour, nomination, stance=Stance.OBJECT, reason="  ")
    services.give_opinion(room.labour, nomination, stance=Stance.OBJECT, reason="Too close.")
    assert nomination.count(Stance.ENDORSE) == 1 and nomination.count(Stance.OBJECT) == 1
    with pytest.raises(PermissionDenied):  # nobody endorses their own nominee
        services.give_opinion(room.law, nomination, stance=Stance.ENDORSE, reason="")
    services.decide_nomination(room.coordinator, nomination, accept=True, note="")
    assert nomination.status == NominationStatus.ACCEPTED
    with pytest.raises(PermissionDenied):  # decided: no more opinions
        services.give_opinion(room.ngo, nomination, stance=Stance.OBJECT, reason="Late")


def test_nominee_already_on_the_team_is_refused(app):
    room = make_room(consultation=False)
    with pytest.raises(GuardFailed, match="already on this manual's team"):
        _nominate(room, email=room.ngo.email.upper())
    _nominate(room)
    with pytest.raises(GuardFailed, match="already been nominated"):
        _nominate(room, by=room.ngo)
    assert db.session.query(Nomination).count() == 1


def test_consultant_and_reviewer_cannot_nominate(app):
    room = make_room(consultation=False)
    for person in (room.consultant, room.reviewer):
        with pytest.raises(PermissionDenied):
            _nominate(room, by=person)


def test_round_needs_future_due_date_and_criteria(app):
    room = make_room(consultation=False)
    with pytest.raises(GuardFailed):
        services.open_round(room.coordinator, room.version, due_at=utcnow() - timedelta(1),
                            blind=True, peers_visible=False, criteria=CRITERIA)
    with pytest.raises(GuardFailed):
        services.open_round(room.coordinator, room.version, due_at=utcnow() + timedelta(1),
                            blind=True, peers_visible=False, criteria=["  ", ""])
    with pytest.raises(PermissionDenied):
        services.open_round(room.consultant, room.version, due_at=utcnow() + timedelta(1),
                            blind=True, peers_visible=False, criteria=CRITERIA)


def test_default_criteria_cover_every_stakeholder_group(app):
    criteria = services.default_criteria()
    assert criteria[0] == "Accuracy" and "Consistency with international standards" in criteria
    assert sum(c.startswith("Practicality for") for c in criteria) == len(Sector)


def test_assigned_reviewers_join_the_team_and_get_mail(app):
    review = make_review(accept=False)
    assert review.canary.id in review.room.manual.member_ids()
    mails = db.session.query(OutboxMessage).filter_by(recipient=review.canary.email).all()
    assert any("Invitation to review" in m.subject for m in mails)
    assert review.a_canary.status == AssignmentStatus.INVITED
    with pytest.raises(GuardFailed, match="already assigned"):
        services.assign_reviewer(review.room.coordinator, review.round, review.canary)


def test_inviting_a_new_email_creates_a_reviewer_account(app):
    review = make_review()
    made = services.invite_reviewer(review.room.coordinator, review.round,
                                    email="New.Person@Example.org", display_name="New Person",
                                    organisation="", sector=None)
    assert made.reviewer.role == Role.REVIEWER and not made.reviewer.has_password
    subjects = [m.subject for m in db.session.query(OutboxMessage).filter_by(
        recipient="new.person@example.org")]
    assert "You are invited to EGI" in subjects


def test_inviting_an_email_with_another_role_is_refused_clearly(app):
    review = make_review()
    with pytest.raises(GuardFailed, match="already has an account as Expert"):
        services.invite_reviewer(review.room.coordinator, review.round,
                                 email=review.room.ngo.email, display_name="X",
                                 organisation="", sector=None)


def test_accepting_needs_a_conflict_declaration_and_declining_a_reason(app):
    review = make_review(accept=False)
    a = review.a_canary
    with pytest.raises(GuardFailed, match="conflicts of interest"):
        services.respond_to_invitation(review.canary, a, accept=True, conflict_declaration="",
                                       decline_reason="", suggestion="",
                                       expected_revision=a.revision)
    with pytest.raises(GuardFailed, match="why you decline"):
        services.respond_to_invitation(review.canary, a, accept=False, conflict_declaration="",
                                       decline_reason=" ", suggestion="",
                                       expected_revision=a.revision)
    services.respond_to_invitation(review.canary, a, accept=False, conflict_declaration="",
                                   decline_reason="Too busy", suggestion="Ask Dr X",
                                   expected_revision=a.revision)
    assert a.status == AssignmentStatus.DECLINED and a.suggestion == "Ask Dr X"
    with pytest.raises(GuardFailed, match="already answered"):
        accept_invitation(review.canary, a)
    services.reinvite(review.room.coordinator, a)
    accept_invitation(review.canary, a)
    assert a.status == AssignmentStatus.ACCEPTED


def test_stale_answer_is_refused(app):
    review = make_review(accept=False)
    with pytest.raises(StaleObject):
        services.respond_to_invitation(review.canary, review.a_canary, accept=True,
                                       conflict_declaration="None", decline_reason="",
                                       suggestion="",
                                       expected_revision=review.a_canary.revision - 1)


def test_draft_then_submit_then_locked_then_reopened(app):
    review = make_review()
    a = review.a_canary
    submit_review(review.canary, a, submit=False)
    assert a.status == AssignmentStatus.ACCEPTED and a.score_map() == {"Accuracy": 4,
                                                                      "Clarity": 4}
    submit_review(review.canary, a)
    assert a.status == AssignmentStatus.SUBMITTED
    with pytest.raises(GuardFailed, match="already been submitted"):
        submit_review(review.canary, a)
    services.reopen_review(review.room.coordinator, a)
    submit_review(review.canary, a, summary="Changed my mind.")
    assert a.summary == "Changed my mind."


def test_submitting_needs_every_score_a_recommendation_and_a_summary(app):
    review = make_review()
    a = review.a_canary
    with pytest.raises(GuardFailed, match="Choose a recommendation"):
        services.save_review(review.canary, a, recommendation=None, scores={"Accuracy": 3},
                             summary="x", confidential_note="", file=None, submit=True,
                             expected_revision=a.revision)
    db.session.rollback()
    with pytest.raises(GuardFailed, match="Score every criterion"):
        services.save_review(review.canary, a, recommendation=Recommendation.MINOR,
                             scores={"Accuracy": 3},
                             summary="x", confidential_note="", file=None, submit=True,
                             expected_revision=a.revision)
    db.session.rollback()
    with pytest.raises(GuardFailed, match="1 to 5"):
        services.save_review(review.canary, a, recommendation=None,
                             scores={"Accuracy": 6}, summary="", confidential_note="",
                             file=None, submit=False, expected_revision=a.revision)


def test_submitting_after_the_due_date_needs_an_extension(app):
    review = make_review(days=2)
    a = review.a_canary
    with freeze_time(utcnow() + timedelta(days=3)):
        assert a.is_overdue()
        with pytest.raises(GuardFailed, match="ask the coordinator for an extension"):
            submit_review(review.canary, a)
        db.session.rollback()
        services.grant_extension(review.room.coordinator, a, until=utcnow() + timedelta(days=2),
                                 reason="Illness")
        submit_review(review.canary, a)
    assert a.status == AssignmentStatus.SUBMITTED


def test_reviewer_asks_for_an_extension_with_a_reason(app):
    review = make_review()
    a = review.a_canary
    with pytest.raises(GuardFailed):
        services.request_extension(review.canary, a, until=utcnow() + timedelta(days=9),
                                   reason="")
    services.request_extension(review.canary, a, until=utcnow() + timedelta(days=9),
                               reason="Travelling")
    assert a.extension_requested_until is not None
    with pytest.raises(PermissionDenied):
        services.request_extension(review.second, a, until=utcnow() + timedelta(days=9),
                                   reason="x")


def test_cancelled_reviewer_can_no_longer_write(app):
    review = make_review()
    services.cancel_assignment(review.room.coordinator, review.a_canary)
    with pytest.raises(PermissionDenied):
        submit_review(review.canary, review.a_canary)


def test_reviewers_comment_only_on_the_version_they_review(app):
    from tests.manuals.helpers import add_version

    review = make_review()
    room = review.room
    made = comments.add_comment(review.canary, room.version, block_anchor=None, quote="",
                                kind=CommentType.GENERAL, audience=Audience.TEAM,
                                show_as_sector=True, body="Review remark",
                                proposed_wording="")
    assert made.kind == CommentType.REVIEW and made.author_sector is None
    assert not made.show_as_sector
    with pytest.raises(GuardFailed):
        comments.add_comment(review.canary, room.version, block_anchor=None, quote="",
                             kind=CommentType.REVIEW, audience=Audience.SECTOR,
                             show_as_sector=False, body="x", proposed_wording="")
    newer = add_version(room.manual, room.consultant, "# 1 New\n\nOther text.\n")
    with pytest.raises(PermissionDenied):
        comments.add_comment(review.canary, newer, block_anchor=None, quote="",
                             kind=CommentType.REVIEW, audience=Audience.TEAM,
                             show_as_sector=False, body="x", proposed_wording="")
    with pytest.raises(PermissionDenied):  # not assigned at all
        comments.add_comment(room.reviewer, room.version, block_anchor=None, quote="",
                             kind=CommentType.REVIEW, audience=Audience.TEAM,
                             show_as_sector=False, body="x", proposed_wording="")


def test_current_round_and_missing_reviews_use_pseudonyms(app):
    review = make_review()
    assert current_round(review.room.manual).id == review.round.id
    numbers = pseudonym_numbers([review.a_canary, review.a_second])
    submit_review(review.second, review.a_second)
    assert missing_reviews(review.round) == [
        f"Reviewer {numbers[review.a_canary.id]} has not submitted"]
    submit_review(review.canary, review.a_canary)
    assert missing_reviews(review.round) == []
    services.close_round(review.room.coordinator, review.round)
    assert current_round(review.room.manual) is None


def test_pseudonyms_follow_the_random_slug_not_the_invitation_order(app):
    review = make_review()
    review.a_canary.slug, review.a_second.slug = "zzzz", "aaaa"  # canary was invited first
    assert pseudonym_numbers([review.a_canary, review.a_second]) == {
        review.a_second.id: 1, review.a_canary.id: 2}


def test_summary_reaches_the_consultant_only_when_shared(app):
    from egi.notifications.models import Notification

    review = make_review(submit=True)
    services.save_summary(review.room.coordinator, review.round, summary="Draft",
                          share=False, expected_revision=review.round.revision)
    with pytest.raises(GuardFailed):
        services.save_summary(review.room.coordinator, review.round, summary="",
                              share=True, expected_revision=review.round.revision)
    services.save_summary(review.room.coordinator, review.round, summary="All good",
                          share=True, expected_revision=review.round.revision)
    notes = db.session.query(Notification).filter_by(user_id=review.room.consultant.id).all()
    assert any("shared the summary" in n.message for n in notes)
