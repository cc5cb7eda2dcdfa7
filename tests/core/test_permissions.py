"""The policy matrix: (role, relation, permission, expected) run against can()."""

from __future__ import annotations

import pytest

from egi.auth.models import Role
from egi.permissions import RULES, Perm, can
from tests.factories import make_user

A, C, K, E, R = Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT, Role.EXPERT, Role.REVIEWER

MATRIX = [
    # (actor role, permission, object description, expected)
    (E, Perm.VIEW_DASHBOARD, None, True),
    (R, Perm.VIEW_OWN_PROFILE, None, True),
    (K, Perm.CHANGE_OWN_PASSWORD, None, True),
    (E, Perm.VIEW_OWN_NOTIFICATIONS, None, True),
    (A, Perm.LIST_MEMBERS, None, True),
    (C, Perm.LIST_MEMBERS, None, True),
    (K, Perm.LIST_MEMBERS, None, False),
    (E, Perm.LIST_MEMBERS, None, False),
    (R, Perm.LIST_MEMBERS, None, False),
    (C, Perm.INVITE_MEMBER, None, True),
    (E, Perm.INVITE_MEMBER, None, False),
    (C, Perm.ASSIGN_ROLE, Role.EXPERT, True),
    (C, Perm.ASSIGN_ROLE, Role.ADMIN, False),
    (A, Perm.ASSIGN_ROLE, Role.ADMIN, True),
    (K, Perm.ASSIGN_ROLE, Role.EXPERT, False),
    (C, Perm.EDIT_MEMBER, "an expert", True),
    (C, Perm.EDIT_MEMBER, "an admin", False),
    (A, Perm.EDIT_MEMBER, "an admin", True),
    (E, Perm.EDIT_MEMBER, "an expert", False),
    (C, Perm.DEACTIVATE_MEMBER, "an expert", True),
    (C, Perm.DEACTIVATE_MEMBER, "self", False),
    (A, Perm.DEACTIVATE_MEMBER, "self", False),
    (C, Perm.VIEW_AUDIT, None, True),
    (A, Perm.VIEW_AUDIT, None, True),
    (K, Perm.VIEW_AUDIT, None, False),
    (E, Perm.VIEW_AUDIT, None, False),
    (C, Perm.CREATE_MANUAL, None, True),
    (A, Perm.CREATE_MANUAL, None, True),
    (K, Perm.CREATE_MANUAL, None, False),
    (E, Perm.CREATE_MANUAL, None, False),
    (C, Perm.EDIT_MANUAL, "other manual", True),
    (K, Perm.EDIT_MANUAL, "their manual", False),
    (C, Perm.MANAGE_TEAM, "other manual", True),
    (E, Perm.MANAGE_TEAM, "their manual", False),
    (C, Perm.VIEW_MANUAL, "other manual", True),
    (A, Perm.VIEW_MANUAL, "other manual", True),
    (E, Perm.VIEW_MANUAL, "their manual", True),
    (E, Perm.VIEW_MANUAL, "other manual", False),
    (K, Perm.VIEW_MANUAL, "other manual", False),
    (R, Perm.VIEW_MANUAL, "their manual", True),
    (R, Perm.VIEW_MANUAL, "other manual", False),
    (K, Perm.UPLOAD_VERSION, "their manual", True),
    (K, Perm.UPLOAD_VERSION, "other manual", False),
    (K, Perm.UPLOAD_VERSION, "their approved manual", False),
    (E, Perm.UPLOAD_VERSION, "their manual", False),
    (C, Perm.UPLOAD_VERSION, "other manual", False),
    (C, Perm.MANAGE_CONSULTATION, "other manual", True),
    (K, Perm.MANAGE_CONSULTATION, "their manual", False),
    (E, Perm.MANAGE_CONSULTATION, "their manual", False),
    (C, Perm.VIEW_COVERAGE, "other manual", True),
    (E, Perm.VIEW_COVERAGE, "their manual", False),
    (K, Perm.VIEW_COVERAGE, "their manual", False),
    (C, Perm.APPLY_TRANSITION, "other manual", True),
    (A, Perm.APPLY_TRANSITION, "other manual", False),
    (K, Perm.APPLY_TRANSITION, "their manual", False),
    (E, Perm.APPLY_TRANSITION, "their manual", False),
    (C, Perm.OVERRIDE_GUARD, "other manual", True),
    (A, Perm.OVERRIDE_GUARD, "other manual", False),
    (K, Perm.OVERRIDE_GUARD, "their manual", False),
    (E, Perm.SIGN_OFF, "their manual", True),
    (E, Perm.SIGN_OFF, "other manual", False),
    (K, Perm.SIGN_OFF, "their manual", False),
    (C, Perm.SIGN_OFF, "other manual", False),
    (C, Perm.MANAGE_DISSEMINATION, "other manual", True),
    (E, Perm.MANAGE_DISSEMINATION, "their manual", False),
    (E, Perm.SET_ACKNOWLEDGEMENT, "their manual", True),
    (E, Perm.SET_ACKNOWLEDGEMENT, "other manual", False),
    (K, Perm.SET_ACKNOWLEDGEMENT, "their manual", True),
    (C, Perm.SEE_TEAM_REVIEWERS, "other manual", True),
    (K, Perm.SEE_TEAM_REVIEWERS, "their manual", False),
    (E, Perm.SEE_TEAM_REVIEWERS, "their manual", False),
]

# Comment permissions depend on audience, authorship and state; their full matrix
# (audience x role x channel) is in tests/comments/test_visibility.py. These rows pin the
# remaining rules: (actor, perm, relation, expected).
COMMENT_MATRIX = [
    ("expert", Perm.COMMENT_ON_VERSION, "open consultation", True),
    ("expert", Perm.COMMENT_ON_VERSION, "no consultation", False),
    ("coordinator", Perm.COMMENT_ON_VERSION, "no consultation", True),
    ("consultant", Perm.COMMENT_ON_VERSION, "open consultation", False),
    ("outsider", Perm.COMMENT_ON_VERSION, "open consultation", False),
    ("author", Perm.EDIT_COMMENT, "unanswered", True),
    ("author", Perm.EDIT_COMMENT, "replied", False),
    ("expert", Perm.EDIT_COMMENT, "unanswered", False),
    ("consultant", Perm.DISPOSE_COMMENT, "unanswered", True),
    ("coordinator", Perm.DISPOSE_COMMENT, "unanswered", False),
    ("author", Perm.DISPOSE_COMMENT, "unanswered", False),
    ("author", Perm.RESPOND_TO_DISPOSITION, "disposed", True),
    ("author", Perm.RESPOND_TO_DISPOSITION, "unanswered", False),
    ("consultant", Perm.RESPOND_TO_DISPOSITION, "disposed", False),
    ("expert", Perm.REPLY_TO_COMMENT, "unanswered", True),
    ("outsider", Perm.REPLY_TO_COMMENT, "unanswered", False),
    ("expert", Perm.VIEW_COMMENT, "unanswered", True),
    ("outsider", Perm.VIEW_COMMENT, "unanswered", False),
    ("expert", Perm.SEE_COMMENT_AUTHOR, "shown as sector", False),
    ("coordinator", Perm.SEE_COMMENT_AUTHOR, "shown as sector", True),
    ("author", Perm.SEE_COMMENT_AUTHOR, "shown as sector", True),
    ("expert", Perm.SEE_COMMENT_AUTHOR, "unanswered", True),
]


@pytest.mark.parametrize("actor, perm, relation, expected", COMMENT_MATRIX)
def test_comment_policy_matrix(app, actor, perm, relation, expected):
    from egi.comments import services
    from egi.comments.models import Audience, Comment, CommentType
    from tests.comments.helpers import make_room

    room = make_room(consultation=relation != "no consultation")
    people = {"expert": room.labour, "author": room.ngo, "consultant": room.consultant,
              "coordinator": room.coordinator, "outsider": room.outsider}
    if perm == Perm.COMMENT_ON_VERSION:
        assert can(people[actor], perm, room.version) is expected
        return
    made = services.add_comment(room.ngo, room.version, block_anchor=None, quote="",
                                kind=CommentType.GENERAL, audience=Audience.TEAM,
                                show_as_sector=relation == "shown as sector", body="Text",
                                proposed_wording="")
    if relation == "replied":
        services.reply(room.consultant, made, "Thanks")
    if relation == "disposed":
        services.dispose(room.consultant, made, disposition=services.Disposition.NOTED,
                         response="Noted.", duplicate_of_id=None,
                         expected_revision=made.revision)
    assert isinstance(made, Comment)
    assert can(people[actor], perm, made) is expected


# Review permissions depend on the round and the assignment; the anonymity of blind rounds
# across every channel is in tests/reviews/test_anonymity.py. (actor, perm, relation, expected)
REVIEW_MATRIX = [
    ("expert", Perm.NOMINATE_REVIEWER, "manual", True),
    ("outsider", Perm.NOMINATE_REVIEWER, "manual", False),
    ("consultant", Perm.NOMINATE_REVIEWER, "manual", False),
    ("coordinator", Perm.NOMINATE_REVIEWER, "manual", True),
    ("expert", Perm.VIEW_NOMINATIONS, "manual", True),
    ("consultant", Perm.VIEW_NOMINATIONS, "manual", False),
    ("reviewer", Perm.VIEW_NOMINATIONS, "manual", False),
    ("expert", Perm.GIVE_NOMINATION_OPINION, "nomination", True),
    ("nominator", Perm.GIVE_NOMINATION_OPINION, "nomination", False),
    ("consultant", Perm.GIVE_NOMINATION_OPINION, "nomination", False),
    ("coordinator", Perm.DECIDE_NOMINATION, "manual", True),
    ("expert", Perm.DECIDE_NOMINATION, "manual", False),
    ("coordinator", Perm.MANAGE_REVIEWS, "manual", True),
    ("admin", Perm.MANAGE_REVIEWS, "manual", True),
    ("consultant", Perm.MANAGE_REVIEWS, "manual", False),
    ("consultant", Perm.VIEW_REVIEW_ROUNDS, "manual", True),
    ("expert", Perm.VIEW_REVIEW_ROUNDS, "manual", False),
    ("reviewer", Perm.VIEW_REVIEW_ROUNDS, "manual", True),
    ("consultant", Perm.VIEW_REVIEW_ROUND, "round", True),
    ("reviewer", Perm.VIEW_REVIEW_ROUND, "round", True),
    ("other reviewer", Perm.VIEW_REVIEW_ROUND, "round", False),
    ("expert", Perm.VIEW_REVIEW_ROUND, "round", False),
    ("reviewer", Perm.RESPOND_TO_REVIEW_INVITATION, "invited", True),
    ("reviewer", Perm.RESPOND_TO_REVIEW_INVITATION, "accepted", False),
    ("coordinator", Perm.RESPOND_TO_REVIEW_INVITATION, "invited", False),
    ("reviewer", Perm.WRITE_REVIEW, "accepted", True),
    ("reviewer", Perm.WRITE_REVIEW, "invited", False),
    ("reviewer", Perm.WRITE_REVIEW, "submitted", False),
    ("coordinator", Perm.WRITE_REVIEW, "accepted", False),
    ("reviewer", Perm.REQUEST_EXTENSION, "accepted", True),
    ("reviewer", Perm.REQUEST_EXTENSION, "submitted", False),
    ("consultant", Perm.VIEW_REVIEW, "accepted", False),
    ("consultant", Perm.VIEW_REVIEW, "submitted", True),
    ("expert", Perm.VIEW_REVIEW, "submitted", False),
    ("other reviewer", Perm.VIEW_REVIEW, "submitted", False),
    ("coordinator", Perm.VIEW_REVIEW, "accepted", True),
    ("reviewer", Perm.VIEW_CONFIDENTIAL_NOTE, "submitted", True),
    ("consultant", Perm.VIEW_CONFIDENTIAL_NOTE, "submitted", False),
    ("coordinator", Perm.VIEW_CONFIDENTIAL_NOTE, "submitted", True),
    ("consultant", Perm.SEE_REVIEWER_IDENTITY, "submitted", False),
    ("consultant", Perm.SEE_REVIEWER_IDENTITY, "submitted in an open round", True),
    ("coordinator", Perm.SEE_REVIEWER_IDENTITY, "submitted", True),
    ("reviewer", Perm.SEE_REVIEWER_IDENTITY, "submitted", True),
    ("consultant", Perm.VIEW_ROUND_SUMMARY, "round", False),
    ("consultant", Perm.VIEW_ROUND_SUMMARY, "shared summary", True),
    ("coordinator", Perm.VIEW_ROUND_SUMMARY, "round", True),
    ("reviewer", Perm.VIEW_MY_REVIEWS, None, True),
    ("expert", Perm.VIEW_MY_REVIEWS, None, False),
]


@pytest.mark.parametrize("actor, perm, relation, expected", REVIEW_MATRIX)
def test_review_policy_matrix(app, actor, perm, relation, expected):
    from egi.db import utcnow
    from egi.reviews import services
    from tests.reviews.helpers import accept_invitation, make_review, submit_review

    review = make_review(blind=relation != "submitted in an open round", accept=False)
    room = review.room
    people = {"expert": room.labour, "outsider": room.outsider, "consultant": room.consultant,
              "coordinator": room.coordinator, "admin": room.admin, "nominator": room.law,
              "reviewer": review.canary, "other reviewer": review.second}
    assignment = review.a_canary
    if relation in ("accepted", "submitted", "submitted in an open round"):
        accept_invitation(review.canary, assignment)
        accept_invitation(review.second, review.a_second)
    if relation.startswith("submitted") if relation else False:
        submit_review(review.canary, assignment)
    if relation == "shared summary":
        services.save_summary(room.coordinator, review.round, summary="S", share=True,
                              expected_revision=review.round.revision)
    if relation == "nomination":
        obj = services.nominate(room.law, room.manual, name="N", email="n@example.org",
                                organisation="", sector=None, expertise="x", reason="y",
                                conflicts="")
    elif relation == "manual":
        obj = room.manual
    elif relation in ("round", "shared summary"):
        obj = review.round
    elif relation is None:
        obj = None
    else:
        obj = assignment
    if actor == "other reviewer" and perm == Perm.VIEW_REVIEW_ROUND:
        from tests.factories import make_user

        people[actor] = make_user(Role.REVIEWER)  # not assigned to this round
    assert utcnow() < review.round.due_at
    assert can(people[actor], perm, obj) is expected


def _object(app, actor, description):
    if description == "self":
        return actor
    if isinstance(description, str) and description.endswith("manual"):
        from egi.manuals.models import Manual, ManualMember, ManualState

        owner = make_user(Role.COORDINATOR)
        manual = Manual(title="M", created_by_id=owner.id)
        if "approved" in description:
            manual.state = ManualState.APPROVED
        if description.startswith("their"):
            manual.memberships.append(ManualMember(user_id=actor.id))
        from egi.extensions import db

        db.session.add(manual)
        db.session.flush()
        return manual
    if description in ("an expert", "an admin"):
        return make_user(Role(description.split()[1]))
    return description


@pytest.mark.parametrize("role, perm, obj, expected", MATRIX)
def test_policy_matrix(app, role, perm, obj, expected):
    actor = make_user(role)
    assert can(actor, perm, _object(app, actor, obj)) is expected


def test_every_permission_has_a_rule_and_a_matrix_row():
    assert set(Perm) == set(RULES)
    assert ({row[1] for row in MATRIX} | {row[1] for row in COMMENT_MATRIX}
            | {row[1] for row in REVIEW_MATRIX}) == set(Perm)


def test_anonymous_and_inactive_users_may_nothing(app):
    from flask_login import AnonymousUserMixin

    inactive = make_user(Role.ADMIN, active=False)
    for perm in Perm:
        assert can(AnonymousUserMixin(), perm) is False
        assert can(None, perm) is False
        assert can(inactive, perm) is False


def test_unknown_permission_fails_loudly(app):
    with pytest.raises(LookupError):
        can(make_user(Role.ADMIN), "view_everything")
