"""The manual's state machine. TRANSITIONS is the specification; apply() is the only way
a manual changes state: it checks the table, the policy and the guards, records the
history and the audit entry, and runs the action's effects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import User
from egi.db import utcnow
from egi.enums import LabelledEnum
from egi.errors import GuardFailed, InvalidTransition, PermissionDenied, StaleObject
from egi.extensions import db
from egi.manuals.models import Manual, ManualState, Version
from egi.permissions import Perm, can
from egi.workflow.models import ManualTransition


class Action(LabelledEnum):
    """Everything the coordinator can do to move a manual along."""

    OPEN_CONSULTATION = "open_consultation", _l("Open the expert consultation")
    START_PEER_REVIEW = "start_peer_review", _l("Start the peer review")
    START_REVISION = "start_revision", _l("Move to revision")
    REOPEN_CONSULTATION = "reopen_consultation", _l("Another consultation round")
    REOPEN_PEER_REVIEW = "reopen_peer_review", _l("Another peer-review round")
    REQUEST_APPROVAL = "request_approval", _l("Open final approval (sign-off)")
    RETURN_TO_REVISION = "return_to_revision", _l("Return to revision")
    APPROVE = "approve", _l("Approve the final version")
    RELEASE = "release", _l("Release for dissemination")
    WITHDRAW = "withdraw", _l("Withdraw the manual")
    REINSTATE = "reinstate", _l("Reinstate as a draft")


S, A = ManualState, Action

TRANSITIONS: dict[tuple[ManualState, Action], ManualState] = {
    (S.DRAFTING, A.OPEN_CONSULTATION): S.CONSULTATION,
    (S.CONSULTATION, A.START_PEER_REVIEW): S.PEER_REVIEW,
    (S.CONSULTATION, A.START_REVISION): S.REVISION,
    (S.PEER_REVIEW, A.START_REVISION): S.REVISION,
    (S.REVISION, A.REOPEN_CONSULTATION): S.CONSULTATION,
    (S.REVISION, A.REOPEN_PEER_REVIEW): S.PEER_REVIEW,
    (S.REVISION, A.REQUEST_APPROVAL): S.FINAL_APPROVAL,
    (S.FINAL_APPROVAL, A.RETURN_TO_REVISION): S.REVISION,
    (S.FINAL_APPROVAL, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.RELEASE): S.DISSEMINATED,
    (S.DRAFTING, A.WITHDRAW): S.WITHDRAWN,
    (S.CONSULTATION, A.WITHDRAW): S.WITHDRAWN,
    (S.PEER_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    (S.REVISION, A.WITHDRAW): S.WITHDRAWN,
    (S.FINAL_APPROVAL, A.WITHDRAW): S.WITHDRAWN,
    (S.APPROVED, A.WITHDRAW): S.WITHDRAWN,
    (S.DISSEMINATED, A.WITHDRAW): S.WITHDRAWN,
    (S.WITHDRAWN, A.REINSTATE): S.DRAFTING,
}

# The happy path, for the timeline diagram.
MAIN_PATH = [S.DRAFTING, S.CONSULTATION, S.PEER_REVIEW, S.REVISION, S.FINAL_APPROVAL,
             S.APPROVED, S.DISSEMINATED]


@dataclass
class Step:
    """Everything an action needs besides the manual: who, why, and its parameters."""

    actor: User
    note: str = ""
    closes_at: datetime | None = None  # consultation actions
    release_at: datetime | None = None  # release: None means now
    errors: list[str] = field(default_factory=list)


# --- guards: each returns the reasons the action cannot happen now (empty = fine) ------

def _latest_version(manual: Manual) -> Version | None:
    return db.session.scalar(sa.select(Version).where(Version.manual_id == manual.id)
                             .order_by(Version.number.desc()).limit(1))


def _needs_version(manual: Manual, step: Step) -> list:
    if _latest_version(manual) is None:
        return [_l("No draft has been uploaded yet.")]
    return []


def _needs_closing_date(manual: Manual, step: Step) -> list:
    if step.closes_at is None or step.closes_at <= utcnow():
        return [_l("Give a closing date in the future for the consultation.")]
    return []


def _new_version_since_consultation(manual: Manual, step: Step) -> list:
    from egi.comments.models import Consultation

    last = db.session.scalar(sa.select(Consultation).where(Consultation.manual_id == manual.id)
                             .order_by(Consultation.id.desc()).limit(1))
    latest = _latest_version(manual)
    if last is not None and latest is not None and last.version_id == latest.id:
        return [_l("No new version since the last consultation: upload the revised draft "
                   "first.")]
    return []


def _reviews_submitted(manual: Manual, step: Step) -> list:
    try:
        from egi.reviews.queries import current_round, missing_reviews
    except ImportError:  # the reviews area is optional for the engine
        return []
    review_round = current_round(manual)
    return list(missing_reviews(review_round)) if review_round is not None else []


def _comments_answered(manual: Manual, step: Step) -> list:
    from egi.comments.models import Comment, CommentStatus

    waiting = db.session.scalar(sa.select(sa.func.count(Comment.id)).where(
        Comment.manual_id == manual.id, Comment.status == CommentStatus.OPEN,
        Comment.retracted_at.is_(None)))
    if waiting:
        from flask_babel import lazy_ngettext

        return [lazy_ngettext("%(num)d comment has no disposition.",
                              "%(num)d comments have no disposition.", waiting)]
    return []


def _no_maintained_objection(manual: Manual, step: Step) -> list:
    from egi.comments.models import Comment, CommenterResponse, CommentStatus

    ids = db.session.scalars(sa.select(Comment.id).where(
        Comment.manual_id == manual.id, Comment.status != CommentStatus.CLOSED,
        Comment.commenter_response == CommenterResponse.MAINTAINS_OBJECTION)).all()
    return [_l("An objection is still maintained on comment #%(id)d.", id=i) for i in ids]


def _no_blocking_concern(manual: Manual, step: Step) -> list:
    from egi.workflow.signoff import blocking_concerns

    return [_l("%(name)s has a blocking concern that is neither withdrawn nor overruled.",
               name=s.expert.display_name) for s in blocking_concerns(manual)]


def _release_date(manual: Manual, step: Step) -> list:
    if step.release_at is not None and step.release_at <= utcnow():
        return [_l("The embargo date is in the past: leave it empty to release now.")]
    return []


def _needs_reason(manual: Manual, step: Step) -> list:
    if not step.note.strip():
        return [_l("Say why the manual is withdrawn.")]
    return []


# Guards that a coordinator may override with a written reason.
GUARDS: dict[Action, list[Callable[[Manual, Step], list]]] = {
    A.OPEN_CONSULTATION: [_needs_version],
    A.START_REVISION: [_reviews_submitted],
    A.REOPEN_CONSULTATION: [_new_version_since_consultation],
    A.REQUEST_APPROVAL: [_comments_answered, _no_maintained_objection],
    A.APPROVE: [_no_blocking_concern, _no_maintained_objection],
}

# Input checks: never overridable, because the action cannot run without them.
REQUIREMENTS: dict[Action, list[Callable[[Manual, Step], list]]] = {
    A.OPEN_CONSULTATION: [_needs_closing_date],
    A.REOPEN_CONSULTATION: [_needs_version, _needs_closing_date],
    A.RELEASE: [_release_date],
    A.WITHDRAW: [_needs_reason],
}


def next_state(state: ManualState, action: Action) -> ManualState:
    """The table lookup; InvalidTransition (409) when the pair is not in it."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        possible = ", ".join(str(a.label) for (s, a) in TRANSITIONS if s == state) or "—"
        raise InvalidTransition(_l(
            "“%(action)s” is not possible while the manual is in “%(state)s”. "
            "Possible now: %(possible)s.", action=action.label, state=state.label,
            possible=possible))
    return target


def blocked_by(manual: Manual, action: Action, step: Step) -> list:
    """Reasons the guards give against `action` now."""
    return [reason for guard in GUARDS.get(action, []) for reason in guard(manual, step)]


def available_actions(manual: Manual, user: User) -> list[tuple[Action, list]]:
    """The actions this person may apply now, each with what blocks it (drives the buttons)."""
    if not can(user, Perm.APPLY_TRANSITION, manual):
        return []
    step = Step(actor=user)
    return [(action, blocked_by(manual, action, step))
            for (state, action) in TRANSITIONS if state == manual.state]


def apply(manual: Manual, action: Action, step: Step, *, expected_state: ManualState,
          override_reason: str = "") -> ManualTransition:
    """Apply `action` to `manual` once; see the module docstring for what it checks."""
    actor = step.actor
    if not can(actor, Perm.APPLY_TRANSITION, manual):
        raise PermissionDenied()
    if manual.state != expected_state:
        raise StaleObject(_l(
            "The manual moved to “%(state)s” since you loaded the page; nothing was changed. "
            "Look at its new state before acting.", state=manual.state.label))
    target = next_state(manual.state, action)
    problems = [r for check in REQUIREMENTS.get(action, []) for r in check(manual, step)]
    if problems:
        raise GuardFailed(problems[0])
    blocked = blocked_by(manual, action, step)
    override_reason = (override_reason or "").strip()
    if blocked and not override_reason:
        raise GuardFailed(" ".join(str(r) for r in blocked))
    if blocked and not can(actor, Perm.OVERRIDE_GUARD, manual):
        raise PermissionDenied()
    # Conditional update: of two concurrent requests only one finds the old state.
    changed = db.session.execute(
        sa.update(Manual).where(Manual.id == manual.id, Manual.state == expected_state)
        .values(state=target, last_activity_at=utcnow()).execution_options(
            synchronize_session=False))
    if changed.rowcount != 1:
        raise StaleObject(_l("Someone else moved the manual at the same moment; nothing was "
                             "changed. Reload the page."))
    source = manual.state
    manual.state = target
    db.session.flush()
    transition = ManualTransition(
        manual_id=manual.id, action=action.value, from_state=source.value,
        to_state=target.value, actor_id=actor.id, note=step.note.strip(),
        override_reason=override_reason if blocked else "",
        overridden_guards=[str(r) for r in blocked] if blocked else [])
    db.session.add(transition)
    db.session.flush()
    record(actor, f"workflow.{action.value}", manual,
           {"to": target.value, "note": step.note.strip(),
            "override": override_reason if blocked else ""}, from_state=source.value)
    from egi.workflow.effects import run_effects

    run_effects(manual, action, step, source)
    return transition
