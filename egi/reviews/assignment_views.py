"""Assignment pages: answer the invitation, write and submit the review, extensions,
the coordinator's cancel / invite again / reopen, the attached file, my reviews."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from egi.errors import DomainError
from egi.extensions import db
from egi.manuals.models import StoredFile
from egi.manuals.uploads import content_disposition
from egi.manuals.views import load_manual
from egi.members.forms import ConfirmForm
from egi.permissions import Perm, can, require
from egi.reviews import bp, services
from egi.reviews.forms import ExtensionForm, RespondForm, ReviewForm, score_values
from egi.reviews.models import Recommendation, ReviewAssignment, ReviewRound
from egi.reviews.queries import pseudonym_numbers, reviewer_label, round_assignments
from egi.reviews.views import _commit_or_fail


def load_assignment(manual_id: int, number: int, slug: str):
    """The assignment if the reader may read it; 404 otherwise (existence stays hidden)."""
    manual = load_manual(manual_id)
    assignment = db.session.scalar(sa.select(ReviewAssignment).join(ReviewRound).where(
        ReviewRound.manual_id == manual.id, ReviewRound.number == number,
        ReviewAssignment.slug == slug[:16]))
    if assignment is None or not can(current_user, Perm.VIEW_REVIEW, assignment):
        abort(404)
    return manual, assignment.round, assignment


def label_of(assignment: ReviewAssignment) -> str:
    """Name for those who may know it, otherwise "Reviewer N"."""
    if can(current_user, Perm.SEE_REVIEWER_IDENTITY, assignment):
        return assignment.reviewer.display_name
    return reviewer_label(pseudonym_numbers(round_assignments(assignment.round))[assignment.id])


def _review_form(assignment: ReviewAssignment) -> ReviewForm:
    form = ReviewForm(summary=assignment.summary, confidential_note=assignment.confidential_note,
                      revision=assignment.revision)
    if assignment.recommendation is not None:
        form.recommendation.data = assignment.recommendation.value
    return form


def _page(manual, review_round, assignment, *, review_form=None, scores=None, status=200):
    manage = can(current_user, Perm.MANAGE_REVIEWS, manual)
    writes = can(current_user, Perm.WRITE_REVIEW, assignment)
    extension = None
    if manage or can(current_user, Perm.REQUEST_EXTENSION, assignment):
        extension = ExtensionForm(until=assignment.extension_requested_until)
    return render_template(
        "reviews/assignment.html", manual=manual, review_round=review_round, a=assignment,
        label=label_of(assignment), manage=manage,
        respond_form=RespondForm(revision=assignment.revision) if can(
            current_user, Perm.RESPOND_TO_REVIEW_INVITATION, assignment) else None,
        review_form=(review_form or _review_form(assignment)) if writes else None,
        scores=scores if scores is not None else assignment.score_map(),
        extension_form=extension, confirm_form=ConfirmForm(),
        now_overdue=assignment.is_overdue()), status


@bp.get("/<int:manual_id>/reviews/<int:number>/r/<slug>")
def assignment(manual_id: int, number: int, slug: str):
    """One reviewer's assignment and review, as far as the reader may see it."""
    return _page(*load_assignment(manual_id, number, slug))


@bp.post("/<int:manual_id>/reviews/<int:number>/r/<slug>/respond")
def respond(manual_id: int, number: int, slug: str):
    """The reviewer accepts (declaring conflicts) or declines (with a reason)."""
    manual, review_round, item = load_assignment(manual_id, number, slug)
    url = services.assignment_link(item)
    if item.reviewer_id != current_user.id:
        abort(403)
    form = RespondForm()
    if not form.validate_on_submit():
        flash(_("Choose accept or decline."), "error")
        return redirect(url)
    accept = form.answer.data == "accept"
    return _commit_or_fail(
        url, _("Thank you for accepting. You can now write your review.") if accept
        else _("You declined the invitation. Thank you for letting us know."),
        services.respond_to_invitation, item, accept=accept,
        conflict_declaration=form.conflict_declaration.data or "",
        decline_reason=form.decline_reason.data or "", suggestion=form.suggestion.data or "",
        expected_revision=form.revision.data)


@bp.post("/<int:manual_id>/reviews/<int:number>/r/<slug>/review")
def review(manual_id: int, number: int, slug: str):
    """Save the review as a draft or submit it."""
    manual, review_round, item = load_assignment(manual_id, number, slug)
    if item.reviewer_id != current_user.id:
        abort(403)
    form = ReviewForm()
    scores, errors = score_values(form, review_round.criteria)
    if not form.validate_on_submit() or errors:
        for error in errors:
            flash(error, "error")
        return _page(manual, review_round, item, review_form=form, scores=scores, status=400)
    upload = form.file.data
    file = (upload.filename or "", upload.read()) if upload and upload.filename else None
    submit = bool(form.submit_review.data)
    try:
        services.save_review(
            current_user, item, recommendation=Recommendation(form.recommendation.data)
            if form.recommendation.data else None, scores=scores, summary=form.summary.data,
            confidential_note=form.confidential_note.data, file=file, submit=submit,
            expected_revision=form.revision.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(manual, review_round, item, review_form=form, scores=scores,
                     status=exc.status_code)
    flash(_("Your review is submitted. Thank you.") if submit else _("Draft saved."), "success")
    return redirect(services.assignment_link(item))


def _extension_until(form: ExtensionForm):
    return form.until.data.replace(tzinfo=UTC)


@bp.post("/<int:manual_id>/reviews/<int:number>/r/<slug>/extension")
def request_extension(manual_id: int, number: int, slug: str):
    """The reviewer asks for more time."""
    _manual, _round, item = load_assignment(manual_id, number, slug)
    require(Perm.REQUEST_EXTENSION, item)
    form = ExtensionForm()
    url = services.assignment_link(item)
    if not form.validate_on_submit():
        flash(_("Give a new date and a reason."), "error")
        return redirect(url)
    return _commit_or_fail(url, _("Your request is sent to the coordinator."),
                           services.request_extension, item, until=_extension_until(form),
                           reason=form.reason.data)


@bp.post("/<int:manual_id>/reviews/<int:number>/r/<slug>/extend")
def grant_extension(manual_id: int, number: int, slug: str):
    """The coordinator grants a later due date."""
    manual, _round, item = load_assignment(manual_id, number, slug)
    require(Perm.MANAGE_REVIEWS, manual)
    form = ExtensionForm()
    url = services.assignment_link(item)
    if not form.validate_on_submit():
        flash(_("Give a new date and a reason."), "error")
        return redirect(url)
    return _commit_or_fail(url, _("Extension granted."), services.grant_extension, item,
                           until=_extension_until(form), reason=form.reason.data)


_ACTIONS = {
    "cancel": (services.cancel_assignment, _l("Assignment cancelled.")),
    "reinvite": (services.reinvite, _l("Invited again.")),
    "reopen": (services.reopen_review, _l("Review reopened; the reviewer can change it.")),
}


@bp.post("/<int:manual_id>/reviews/<int:number>/r/<slug>/<any(cancel, reinvite, reopen):action>")
def coordinator_action(manual_id: int, number: int, slug: str, action: str):
    """Cancel, invite again, or reopen a submitted review."""
    manual, _round, item = load_assignment(manual_id, number, slug)
    require(Perm.MANAGE_REVIEWS, manual)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    call, message = _ACTIONS[action]
    return _commit_or_fail(services.assignment_link(item), str(message), call, item)


@bp.get("/<int:manual_id>/reviews/<int:number>/r/<slug>/file")
def download(manual_id: int, number: int, slug: str):
    """The reviewer's attached file, metadata scrubbed, under a name that names nobody."""
    _manual, review_round, item = load_assignment(manual_id, number, slug)
    if item.file_sha256 is None:
        abort(404)
    stored = db.session.get(StoredFile, item.file_sha256)
    number_in_round = pseudonym_numbers(round_assignments(review_round))[item.id]
    name = _("Review round %(round)d - reviewer %(number)d.%(ext)s", round=review_round.number,
             number=number_in_round, ext=item.file_format)
    response = Response(stored.data, mimetype=stored.media_type)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/my-reviews")
def mine():
    """The reviewer's invitations and reviews across manuals."""
    require(Perm.VIEW_MY_REVIEWS)
    items = db.session.scalars(sa.select(ReviewAssignment).where(
        ReviewAssignment.reviewer_id == current_user.id)
        .order_by(ReviewAssignment.invited_at.desc())).all()
    return render_template("reviews/mine.html", assignments=items)

