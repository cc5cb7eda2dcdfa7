"""Workflow pages: apply an action, sign off, overrule; the manual page's status panel."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.errors import DomainError
from egi.extensions import db
from egi.manuals.models import Manual, ManualState
from egi.manuals.views import load_manual
from egi.permissions import Perm, can, require
from egi.workflow import bp, engine, signoff
from egi.workflow.forms import OverruleForm, SignOffForm, TransitionForm
from egi.workflow.models import ManualTransition, SignOff, SignOffDecision


def _utc(value):
    return value.replace(tzinfo=UTC) if value is not None else None


@bp.post("/<int:manual_id>/workflow/<action>")
def transition(manual_id: int, action: str):
    """Apply one workflow action (a POST from the status panel)."""
    manual = load_manual(manual_id, Perm.APPLY_TRANSITION)
    try:
        chosen = engine.Action(action)
    except ValueError:
        abort(404)
    form = TransitionForm()
    back = url_for("manuals.show", manual_id=manual.id)
    if not form.validate_on_submit():
        flash(_("The form was incomplete; nothing was changed."), "error")
        return redirect(back)
    try:
        expected = ManualState(form.expected_state.data)
    except ValueError:
        abort(400)
    step = engine.Step(actor=current_user._get_current_object(), note=form.note.data or "",
                       closes_at=_utc(form.closes_at.data), release_at=_utc(form.release_at.data))
    try:
        engine.apply(manual, chosen, step, expected_state=expected,
                     override_reason=form.override_reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            abort(403)
        if isinstance(exc, engine.InvalidTransition):
            raise
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Done: “%(action)s”. The manual is now “%(state)s”.", action=chosen.label,
            state=manual.state.label), "success")
    return redirect(back)


@bp.route("/<int:manual_id>/sign-off", methods=["GET", "POST"])
def sign_off(manual_id: int):
    """The no-objection period: experts answer; the coordinator sees who has not."""
    manual = load_manual(manual_id)
    approval = signoff.open_approval(manual) or signoff.latest_approval(manual)
    form = SignOffForm()
    if form.validate_on_submit():
        require(Perm.SIGN_OFF, manual)
        try:
            signoff.record_sign_off(current_user, manual, SignOffDecision(form.decision.data),
                                    form.concern.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Your answer is recorded. You can change it while the sign-off is open."),
                  "success")
        return redirect(url_for("workflow.sign_off", manual_id=manual.id))
    answers = signoff.sign_offs(approval) if approval else []
    mine = next((a for a in answers if a.expert_id == current_user.id), None)
    if mine is not None and not form.is_submitted():
        form.decision.data, form.concern.data = mine.decision.value, mine.concern
    answered = {a.expert_id for a in answers}
    waiting = [e for e in signoff.experts_of(manual) if e.id not in answered]
    return render_template("workflow/sign_off.html", manual=manual, approval=approval,
                           answers=answers, waiting=waiting, form=form, mine=mine,
                           overrule_form=OverruleForm(),
                           is_open=approval is not None and approval.state.value == "open"), (
        400 if form.errors else 200)


@bp.post("/<int:manual_id>/sign-off/<int:answer_id>/overrule")
def overrule(manual_id: int, answer_id: int):
    """Overrule a blocking concern with a recorded reason."""
    manual = load_manual(manual_id, Perm.OVERRIDE_GUARD)
    answer = db.get_or_404(SignOff, answer_id)
    form = OverruleForm()
    if form.validate_on_submit():
        try:
            signoff.overrule(current_user, answer, form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The concern is overruled; the reason is recorded."), "success")
    else:
        flash(_("Give the reason for overruling the concern."), "error")
    return redirect(url_for("workflow.sign_off", manual_id=manual.id))


def status_context(manual: Manual) -> dict:
    """The status panel and timeline of the manual page."""
    history = db.session.scalars(sa.select(ManualTransition).where(
        ManualTransition.manual_id == manual.id).order_by(ManualTransition.id)).all()
    actions = engine.available_actions(manual, current_user)
    passed = {ManualState(t.from_state) for t in history} | {manual.state}
    return {
        "history": history,
        "actions": actions,
        "transition_form": TransitionForm(expected_state=manual.state.value),
        "main_path": engine.MAIN_PATH,
        "passed_states": passed,
        "next_step": next_step(manual),
        "approval": signoff.open_approval(manual),
        "can_sign_off": can(current_user, Perm.SIGN_OFF, manual),
    }


def next_step(manual: Manual) -> tuple[str, str]:
    """What is needed next, and from whom, in words."""
    from flask_babel import gettext

    state = manual.state
    if state == ManualState.DRAFTING:
        return gettext("The consultant uploads a draft; the coordinator opens the expert "
                       "consultation."), gettext("Consultant, then coordinator")
    if state == ManualState.CONSULTATION:
        return gettext("Experts comment on the current version; the consultant answers each "
                       "comment."), gettext("Experts and consultant")
    if state == ManualState.PEER_REVIEW:
        return gettext("Peer reviewers submit their reviews."), gettext("Peer reviewers")
    if state == ManualState.REVISION:
        return gettext("The consultant revises the draft and answers every comment; the "
                       "coordinator then opens final approval."), gettext(
            "Consultant, then coordinator")
    if state == ManualState.FINAL_APPROVAL:
        return gettext("Experts sign off the candidate version; the coordinator approves."), \
            gettext("Experts, then coordinator")
    if state == ManualState.APPROVED:
        return gettext("The coordinator releases the manual for dissemination."), gettext(
            "Coordinator")
    if state == ManualState.DISSEMINATED:
        return gettext("The manual is public. Record dissemination events as they happen."), \
            gettext("Coordinator")
    return gettext("The manual is withdrawn. The coordinator can reinstate it as a draft."), \
        gettext("Coordinator")
