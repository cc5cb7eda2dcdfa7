"""The state machine: the exhaustive states x actions table, guards, overrides, races."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from egi.db import utcnow
from egi.errors import GuardFailed, InvalidTransition, PermissionDenied, StaleObject
from egi.extensions import db
from egi.manuals.models import ManualState
from egi.workflow import engine
from egi.workflow.engine import TRANSITIONS, Action, Step
from egi.workflow.models import ManualTransition
from tests.comments.helpers import comment, make_room


@pytest.fixture
def room(app):
    return make_room(consultation=False)


def step(room, **kwargs):
    return Step(actor=room.coordinator, **kwargs)


def force_state(manual, state):
    db.session.execute(sa.update(type(manual)).where(type(manual).id == manual.id)
                       .values(state=state))
    manual.state = state
    db.session.flush()


@pytest.mark.parametrize("state", list(ManualState))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_outside_the_table_is_refused(app, state, action):
    if (state, action) in TRANSITIONS:
        assert engine.next_state(state, action) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            engine.next_state(state, action)


def test_invalid_action_via_apply_changes_nothing(app, room):
    with pytest.raises(InvalidTransition):
        engine.apply(room.manual, Action.APPROVE, step(room), expected_state=ManualState.DRAFTING)
    assert room.manual.state == ManualState.DRAFTING
    assert db.session.scalar(sa.select(sa.func.count(ManualTransition.id))) == 0


def test_the_whole_path_from_draft_to_dissemination(app, room):
    manual = room.manual
    s = ManualState
    engine.apply(manual, Action.OPEN_CONSULTATION,
                 step(room, closes_at=utcnow() + timedelta(days=3)), expected_state=s.DRAFTING)
    made = comment(room, room.ngo, "Please add consent.")
    engine.apply(manual, Action.START_PEER_REVIEW, step(room), expected_state=s.CONSULTATION)
    engine.apply(manual, Action.START_REVISION, step(room), expected_state=s.PEER_REVIEW)
    with pytest.raises(GuardFailed, match="1 comment has no disposition"):
        engine.apply(manual, Action.REQUEST_APPROVAL, step(room), expected_state=s.REVISION)
    from egi.comments import services as comments
    from egi.comments.models import Disposition

    comments.dispose(room.consultant, made, disposition=Disposition.ACCEPTED, response="",
                     duplicate_of_id=None, expected_revision=made.revision)
    engine.apply(manual, Action.REQUEST_APPROVAL, step(room), expected_state=s.REVISION)
    from egi.workflow.models import SignOffDecision
    from egi.workflow.signoff import record_sign_off

    record_sign_off(room.ngo, manual, SignOffDecision.BLOCKING_CONCERN, "Consent missing")
    with pytest.raises(GuardFailed, match="blocking concern"):
        engine.apply(manual, Action.APPROVE, step(room), expected_state=s.FINAL_APPROVAL)
    record_sign_off(room.ngo, manual, SignOffDecision.ENDORSE, "")
    engine.apply(manual, Action.APPROVE, step(room), expected_state=s.FINAL_APPROVAL)
    engine.apply(manual, Action.RELEASE, step(room), expected_state=s.APPROVED)
    assert manual.state == s.DISSEMINATED
    history = db.session.scalars(sa.select(ManualTransition.action)
                                 .order_by(ManualTransition.id)).all()
    assert history == ["open_consultation", "start_peer_review", "start_revision",
                       "request_approval", "approve", "release"]


def test_guard_override_needs_a_reason_and_is_recorded(app, room):
    force_state(room.manual, ManualState.REVISION)
    comment_room_consultation(room)
    comment(room, room.ngo, "Unanswered")
    with pytest.raises(GuardFailed):
        engine.apply(room.manual, Action.REQUEST_APPROVAL, step(room),
                     expected_state=ManualState.REVISION)
    transition = engine.apply(room.manual, Action.REQUEST_APPROVAL, step(room),
                              expected_state=ManualState.REVISION,
                              override_reason="The ministry needs the text this week.")
    assert transition.override_reason and "no disposition" in transition.overridden_guards[0]


def comment_room_consultation(room):
    from egi.comments import services as comments

    comments.start_consultation(room.coordinator, room.version, utcnow() + timedelta(days=2))


def test_only_the_coordinator_applies_actions(app, room):
    for person in (room.consultant, room.ngo, room.admin):
        with pytest.raises(PermissionDenied):
            engine.apply(room.manual, Action.WITHDRAW, Step(actor=person, note="x"),
                         expected_state=ManualState.DRAFTING)


def test_stale_page_applies_nothing_twice(app, room):
    engine.apply(room.manual, Action.WITHDRAW, step(room, note="Funding ended"),
                 expected_state=ManualState.DRAFTING)
    with pytest.raises(StaleObject):
        engine.apply(room.manual, Action.WITHDRAW, step(room, note="Funding ended"),
                     expected_state=ManualState.DRAFTING)
    assert db.session.scalar(sa.select(sa.func.count(ManualTransition.id))) == 1


def test_embargo_in_the_past_is_refused(app, room):
    force_state(room.manual, ManualState.APPROVED)
    with pytest.raises(GuardFailed, match="in the past"):
        engine.apply(room.manual, Action.RELEASE,
                     step(room, release_at=utcnow() - timedelta(hours=1)),
                     expected_state=ManualState.APPROVED)


def test_withdrawal_needs_a_reason(app, room):
    with pytest.raises(GuardFailed, match="why"):
        engine.apply(room.manual, Action.WITHDRAW, step(room), expected_state=ManualState.DRAFTING)


def test_available_actions_show_blockers(app, room):
    force_state(room.manual, ManualState.REVISION)
    comment_room_consultation(room)
    comment(room, room.ngo, "Unanswered")
    actions = dict(engine.available_actions(room.manual, room.coordinator))
    assert set(actions) == {Action.REOPEN_CONSULTATION, Action.REOPEN_PEER_REVIEW,
                            Action.REQUEST_APPROVAL, Action.WITHDRAW}
    assert actions[Action.REQUEST_APPROVAL]
    assert engine.available_actions(room.manual, room.consultant) == []
