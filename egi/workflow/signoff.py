"""The no-objection period before approval: experts' answers and overruling concerns."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import Role, User
from egi.db import utcnow
from egi.errors import GuardFailed, PermissionDenied
from egi.extensions import db
from egi.manuals.models import Manual
from egi.permissions import Perm, can
from egi.workflow.models import Approval, ApprovalState, SignOff, SignOffDecision


def open_approval(manual: Manual) -> Approval | None:
    """The approval period running now, if any."""
    return db.session.scalar(sa.select(Approval).where(
        Approval.manual_id == manual.id, Approval.state == ApprovalState.OPEN)
        .order_by(Approval.id.desc()).limit(1))


def latest_approval(manual: Manual) -> Approval | None:
    return db.session.scalar(sa.select(Approval).where(Approval.manual_id == manual.id)
                             .order_by(Approval.id.desc()).limit(1))


def sign_offs(approval: Approval) -> list[SignOff]:
    return db.session.scalars(sa.select(SignOff).where(SignOff.approval_id == approval.id)
                              .order_by(SignOff.id)).all()


def blocking_concerns(manual: Manual) -> list[SignOff]:
    approval = open_approval(manual)
    return [s for s in sign_offs(approval) if s.is_blocking] if approval else []


def experts_of(manual: Manual) -> list[User]:
    return sorted((m.user for m in manual.memberships
                   if m.user.role == Role.EXPERT and m.user.active),
                  key=lambda u: u.display_name)


def record_sign_off(actor: User, manual: Manual, decision: SignOffDecision,
                    concern: str) -> SignOff:
    """An expert endorses, does not object, raises a blocking concern or abstains.

    Answering again replaces the earlier answer (this is how a concern is withdrawn).
    """
    approval = open_approval(manual)
    if approval is None:
        raise GuardFailed(_l("No sign-off is open on this manual."))
    if not can(actor, Perm.SIGN_OFF, manual):
        raise PermissionDenied()
    concern = (concern or "").strip()
    if decision == SignOffDecision.BLOCKING_CONCERN and not concern:
        raise GuardFailed(_l("Describe the blocking concern."))
    answer = db.session.scalar(sa.select(SignOff).where(SignOff.approval_id == approval.id,
                                                        SignOff.expert_id == actor.id))
    if answer is None:
        answer = SignOff(approval_id=approval.id, expert_id=actor.id, decision=decision)
        db.session.add(answer)
    answer.decision, answer.concern, answer.decided_at = decision, concern, utcnow()
    answer.overruled_by_id, answer.overrule_reason, answer.overruled_at = None, "", None
    db.session.flush()
    record(actor, "workflow.signed_off", manual, {"decision": decision.value,
                                                  "version_id": approval.version_id})
    return answer


def overrule(actor: User, answer: SignOff, reason: str) -> None:
    """The coordinator overrules a blocking concern with a recorded reason."""
    approval = db.session.get(Approval, answer.approval_id)
    manual = db.session.get(Manual, approval.manual_id)
    if not can(actor, Perm.OVERRIDE_GUARD, manual):
        raise PermissionDenied()
    if not answer.is_blocking:
        raise GuardFailed(_l("Only a standing blocking concern can be overruled."))
    if not (reason or "").strip():
        raise GuardFailed(_l("Give the reason for overruling the concern."))
    answer.overruled_by_id, answer.overrule_reason = actor.id, reason.strip()
    answer.overruled_at = utcnow()
    db.session.flush()
    record(actor, "workflow.concern_overruled", manual,
           {"expert_id": answer.expert_id, "reason": reason.strip()})
