"""What happens when an action is applied, beyond the state change itself."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from egi.auth.models import Role
from egi.db import utcnow
from egi.errors import GuardFailed
from egi.extensions import db
from egi.manuals.models import Manual, ManualState, Version
from egi.notifications.services import notify
from egi.workflow.models import Approval, ApprovalState


def run_effects(manual: Manual, action, step, source: ManualState) -> None:
    """Side effects of `action`, in the same transaction as the transition."""
    from egi.comments import services as comments
    from egi.workflow.engine import Action
    from egi.workflow.signoff import open_approval

    latest = db.session.scalar(sa.select(Version).where(Version.manual_id == manual.id)
                               .order_by(Version.number.desc()).limit(1))
    if action in (Action.OPEN_CONSULTATION, Action.REOPEN_CONSULTATION):
        comments.start_consultation(step.actor, latest, step.closes_at)
    elif source == ManualState.CONSULTATION and latest is not None:
        current = comments.open_consultation(latest)
        if current is not None:
            comments.close_consultation(step.actor, current)
    if action == Action.REQUEST_APPROVAL:
        db.session.add(Approval(manual_id=manual.id, version_id=latest.id,
                                opened_by_id=step.actor.id))
        db.session.flush()
        link = url_for("workflow.sign_off", manual_id=manual.id)
        for member in manual.memberships:
            if member.user.role == Role.EXPERT and member.user.active:
                notify(member.user, lambda: _l(
                    "Sign-off is open on %(title)s, version %(number)d: endorse, raise no "
                    "objection, raise a blocking concern or abstain.", title=manual.title,
                    number=latest.number), link)
    elif action == Action.RETURN_TO_REVISION:
        approval = open_approval(manual)
        if approval is not None:
            approval.state = ApprovalState.RETURNED
    elif action == Action.APPROVE:
        approval = open_approval(manual)
        if approval is None:
            raise GuardFailed(_l("No sign-off is open on this manual."))
        approval.state = ApprovalState.APPROVED
        approval.approved_by_id, approval.approved_at = step.actor.id, utcnow()
        approval.version_sha256 = approval.version.file_sha256
    elif action == Action.RELEASE:
        from egi.dissemination.services import create_release
        from egi.workflow.signoff import latest_approval

        approval = latest_approval(manual)
        create_release(step.actor, manual, approval.version_id if approval else latest.id,
                       step.release_at or utcnow())
    db.session.flush()
    _tell_team(manual, action)


def _tell_team(manual: Manual, action) -> None:
    link = url_for("manuals.show", manual_id=manual.id)
    for member in manual.memberships:
        if member.user.active:
            notify(member.user, lambda: _l("%(title)s: %(action)s — now “%(state)s”.",
                                           title=manual.title, action=action.label,
                                           state=manual.state.label), link)
