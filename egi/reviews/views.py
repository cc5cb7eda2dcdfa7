"""Review pages: nominations, rounds, assignments and the review form, files, my reviews.

A consultant or expert who guesses an assignment they may not read gets 404: the
assignment is addressed by a random slug, and refusals never say whether it exists.
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from egi.auth.models import Role, Sector, User
from egi.errors import DomainError
from egi.extensions import db
from egi.forms import select_choices
from egi.manuals.models import Manual, Version
from egi.manuals.views import load_manual
from egi.members.forms import ConfirmForm
from egi.permissions import Perm, can, require
from egi.reviews import bp, services
from egi.reviews.forms import (
    AssignForm,
    DecisionForm,
    InviteReviewerForm,
    NominationForm,
    OpinionForm,
    RoundForm,
    SummaryForm,
)
from egi.reviews.models import (
    Nomination,
    NominationStatus,
    ReviewAssignment,
    ReviewRound,
    Stance,
)
from egi.reviews.queries import pseudonym_numbers, reviewer_label, round_assignments


def _fail(error: Exception, url: str):
    db.session.rollback()
    flash(str(error) if isinstance(error, DomainError) else str(services.STALE), "error")
    return redirect(url)


def _commit_or_fail(url: str, message: str, call, *args, **kwargs):
    """Run one service call, commit, flash; a domain refusal or a lost race flashes why."""
    try:
        call(current_user, *args, **kwargs)
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        return _fail(exc, url)
    flash(message, "success")
    return redirect(url)


def load_round(manual_id: int, number: int, perm: Perm = Perm.VIEW_REVIEW_ROUND):
    """The manual and its round `number`, after checking `perm` (404 / 403)."""
    manual = load_manual(manual_id)
    review_round = db.first_or_404(sa.select(ReviewRound).where(
        ReviewRound.manual_id == manual.id, ReviewRound.number == number))
    require(perm, manual if perm == Perm.MANAGE_REVIEWS else review_round)
    return manual, review_round


def _round_url(review_round: ReviewRound) -> str:
    return url_for("reviews.round", manual_id=review_round.manual_id, number=review_round.number)


def _assignment_url(assignment: ReviewAssignment) -> str:
    return services.assignment_link(assignment)


# --- nominations --------------------------------------------------------------------------

@bp.route("/<int:manual_id>/nominations", methods=["GET", "POST"])
def nominations(manual_id: int):
    """Nominate a candidate reviewer; the shortlist with endorsements and sector balance."""
    manual = load_manual(manual_id, Perm.VIEW_NOMINATIONS)
    form = NominationForm()
    if form.validate_on_submit():
        require(Perm.NOMINATE_REVIEWER, manual)
        return _commit_or_fail(
            url_for("reviews.nominations", manual_id=manual.id),
            _("Thank you: your nomination is on the list."), services.nominate, manual,
            name=form.name.data, email=form.email.data, organisation=form.organisation.data,
            sector=Sector(form.sector.data) if form.sector.data else None,
            expertise=form.expertise.data, reason=form.reason.data,
            conflicts=form.conflicts.data or "")
    query = sa.select(Nomination).where(Nomination.manual_id == manual.id)
    decides = can(current_user, Perm.DECIDE_NOMINATION, manual)
    if not decides:  # experts see open nominations only: decisions hint at who reviews
        query = query.where(Nomination.status == NominationStatus.PROPOSED)
    items = db.session.scalars(query.order_by(Nomination.id)).all()
    balance = {s: sum(1 for n in items if n.sector == s
                      and n.status != NominationStatus.SET_ASIDE) for s in Sector}
    return render_template("reviews/nominations.html", manual=manual, form=form,
                           nominations=items, balance=balance, decides=decides,
                           opinion_form=OpinionForm(), decision_form=DecisionForm(),
                           Stance=Stance), 400 if form.errors else 200


def _load_nomination(manual_id: int, nomination_id: int) -> tuple[Manual, Nomination]:
    manual = load_manual(manual_id, Perm.VIEW_NOMINATIONS)
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.manual_id != manual.id:
        abort(404)
    return manual, nomination


@bp.post("/<int:manual_id>/nominations/<int:nomination_id>/opinion")
def opinion(manual_id: int, nomination_id: int):
    """An expert endorses or objects to a nomination."""
    manual, nomination = _load_nomination(manual_id, nomination_id)
    require(Perm.GIVE_NOMINATION_OPINION, nomination)
    form = OpinionForm()
    url = url_for("reviews.nominations", manual_id=manual.id) + f"#nomination-{nomination.id}"
    if not form.validate_on_submit():
        flash(_("Choose endorse or object."), "error")
        return redirect(url)
    return _commit_or_fail(url, _("Your opinion is recorded."), services.give_opinion,
                           nomination, stance=Stance(form.stance.data),
                           reason=form.reason.data or "")


@bp.post("/<int:manual_id>/nominations/<int:nomination_id>/decision")
def decide(manual_id: int, nomination_id: int):
    """The coordinator accepts or sets aside a nomination."""
    manual, nomination = _load_nomination(manual_id, nomination_id)
    require(Perm.DECIDE_NOMINATION, manual)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("accept", "set_aside"):
        abort(400)
    accept = form.decision.data == "accept"
    return _commit_or_fail(url_for("reviews.nominations", manual_id=manual.id),
                           _("Nomination accepted.") if accept else _("Nomination set aside."),
                           services.decide_nomination, nomination, accept=accept,
                           note=form.note.data or "")


# --- rounds ------------------------------------------------------------------------------

@bp.get("/<int:manual_id>/reviews")
def rounds(manual_id: int):
    """The manual's review rounds."""
    manual = load_manual(manual_id, Perm.VIEW_REVIEW_ROUNDS)
    items = [r for r in db.session.scalars(sa.select(ReviewRound).where(
        ReviewRound.manual_id == manual.id).order_by(ReviewRound.number.desc()))
        if can(current_user, Perm.VIEW_REVIEW_ROUND, r)]
    return render_template("reviews/rounds.html", manual=manual, rounds=items)


def _versions(manual: Manual) -> list[Version]:
    return list(db.session.scalars(sa.select(Version).where(Version.manual_id == manual.id)
                                   .order_by(Version.number.desc())))


@bp.route("/<int:manual_id>/reviews/new", methods=["GET", "POST"])
def new_round(manual_id: int):
    """The coordinator opens a review round on a version."""
    manual = load_manual(manual_id, Perm.MANAGE_REVIEWS)
    versions = _versions(manual)
    if not versions:
        flash(_("There is no version to review yet."), "warning")
        return redirect(url_for("manuals.show", manual_id=manual.id))
    form = RoundForm()
    form.version.choices = select_choices(
        (v.id, _("Version %(number)d", number=v.number)) for v in versions)
    if request.method == "GET":
        form.criteria.data = "\n".join(services.default_criteria())
    if form.validate_on_submit():
        version = next(v for v in versions if v.id == form.version.data)
        try:
            made = services.open_round(
                current_user, version, due_at=form.due_at.data.replace(tzinfo=UTC),
                blind=form.anonymity.data != "open", peers_visible=form.peers_visible.data,
                criteria=form.criteria_list())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.due_at.errors.append(str(exc))
        else:
            flash(_("Review round %(number)d is open. Now assign reviewers.",
                    number=made.number), "success")
            return redirect(_round_url(made))
    return render_template("reviews/round_form.html", manual=manual, form=form,
                           review_round=None), 400 if form.errors else 200


@bp.route("/<int:manual_id>/reviews/<int:number>/edit", methods=["GET", "POST"])
def edit_round(manual_id: int, number: int):
    """Change the due date, criteria or visibility setting of a round."""
    manual, review_round = load_round(manual_id, number, Perm.MANAGE_REVIEWS)
    form = RoundForm(obj=review_round)
    form.version.choices = select_choices([(review_round.version_id, "")])
    form.version.data = review_round.version_id
    if request.method == "GET":
        form.criteria.data = "\n".join(review_round.criteria)
        form.revision.data = review_round.revision
    if form.validate_on_submit():
        try:
            services.update_round(current_user, review_round,
                                  due_at=form.due_at.data.replace(tzinfo=UTC),
                                  peers_visible=form.peers_visible.data,
                                  criteria=form.criteria_list(),
                                  expected_revision=form.revision.data)
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            return _fail(exc, url_for("reviews.edit_round", manual_id=manual.id, number=number))
        flash(_("Saved."), "success")
        return redirect(_round_url(review_round))
    return render_template("reviews/round_form.html", manual=manual, form=form,
                           review_round=review_round), 400 if form.errors else 200


def _criteria_stats(review_round: ReviewRound, shown: list[ReviewAssignment]):
    """Per criterion: each shown assignment's score and the mean."""
    rows = []
    for criterion in review_round.criteria:
        scores = [a.score_map().get(criterion) for a in shown]
        given = [s for s in scores if s is not None]
        rows.append((criterion, scores, round(sum(given) / len(given), 1) if given else None))
    return rows


@bp.get("/<int:manual_id>/reviews/<int:number>", endpoint="round")
def show_round(manual_id: int, number: int):
    """The round overview: states, scores side by side, recommendations, summary."""
    manual, review_round = load_round(manual_id, number)
    assignments = round_assignments(review_round)
    numbers = pseudonym_numbers(assignments)
    manage = can(current_user, Perm.MANAGE_REVIEWS, manual)
    shown = [a for a in assignments if can(current_user, Perm.VIEW_REVIEW, a)
             and (manage or a.status.value == "submitted")]
    context = {}
    if manage:
        taken = {a.reviewer_id for a in assignments}
        candidates = db.session.scalars(sa.select(User).where(
            User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.display_name))
        assign_form = AssignForm()
        assign_form.reviewer.choices = select_choices(
            (u.id, u.display_name) for u in candidates if u.id not in taken)
        shortlist = db.session.scalars(sa.select(Nomination).where(
            Nomination.manual_id == manual.id,
            Nomination.status == NominationStatus.ACCEPTED)).all()
        context = {"assign_form": assign_form, "invite_form": InviteReviewerForm(),
                   "shortlist": shortlist, "confirm_form": ConfirmForm(),
                   "summary_form": SummaryForm(summary=review_round.summary,
                                               share=review_round.summary_shared_at is not None,
                                               revision=review_round.revision)}
    return render_template(
        "reviews/round.html", manual=manual, review_round=review_round, manage=manage,
        assignments=assignments, shown=shown, numbers=numbers,
        stats=_criteria_stats(review_round, shown), own=next(
            (a for a in assignments if a.reviewer_id == current_user.id), None),
        label=lambda a: _label(a, numbers), **context)


def _label(assignment: ReviewAssignment, numbers: dict[int, int]) -> str:
    """The reviewer's name for those who may know it, else their pseudonym."""
    if can(current_user, Perm.SEE_REVIEWER_IDENTITY, assignment):
        return assignment.reviewer.display_name
    return reviewer_label(numbers[assignment.id])


@bp.post("/<int:manual_id>/reviews/<int:number>/assign")
def assign(manual_id: int, number: int):
    """Assign an existing reviewer account."""
    manual, review_round = load_round(manual_id, number, Perm.MANAGE_REVIEWS)
    form = AssignForm()
    form.reviewer.choices = select_choices([(form.reviewer.data, "")])
    reviewer = db.session.get(User, form.reviewer.data) if form.validate_on_submit() else None
    if reviewer is None:
        flash(_("Choose a reviewer."), "error")
        return redirect(_round_url(review_round))
    return _commit_or_fail(_round_url(review_round),
                           _("%(name)s is invited to review.", name=reviewer.display_name),
                           services.assign_reviewer, review_round, reviewer)


@bp.post("/<int:manual_id>/reviews/<int:number>/invite")
def invite(manual_id: int, number: int):
    """Invite someone by e-mail; a new reviewer account is created if needed."""
    manual, review_round = load_round(manual_id, number, Perm.MANAGE_REVIEWS)
    form = InviteReviewerForm()
    if not form.validate_on_submit():
        errors = "; ".join(f"{form[k].label.text}: {' '.join(v)}" for k, v in form.errors.items()
                           if k != "csrf_token")
        flash(_("The invitation was not sent. %(errors)s", errors=errors), "error")
        return redirect(_round_url(review_round))
    return _commit_or_fail(_round_url(review_round),
                           _("%(email)s is invited to review.", email=form.email.data),
                           services.invite_reviewer, review_round, email=form.email.data,
                           display_name=form.display_name.data,
                           organisation=form.organisation.data or "",
                           sector=Sector(form.sector.data) if form.sector.data else None)


@bp.post("/<int:manual_id>/reviews/<int:number>/summary")
def summary(manual_id: int, number: int):
    """The coordinator's summary, shared with the consultant or not."""
    manual, review_round = load_round(manual_id, number, Perm.MANAGE_REVIEWS)
    form = SummaryForm()
    if not form.validate_on_submit():
        abort(400)
    return _commit_or_fail(_round_url(review_round),
                           _("Summary shared with the consultant.") if form.share.data
                           else _("Summary saved (not shared)."), services.save_summary,
                           review_round, summary=form.summary.data or "",
                           share=form.share.data, expected_revision=form.revision.data)


@bp.post("/<int:manual_id>/reviews/<int:number>/close")
def close(manual_id: int, number: int):
    """End the round."""
    manual, review_round = load_round(manual_id, number, Perm.MANAGE_REVIEWS)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _commit_or_fail(_round_url(review_round), _("The round is closed."),
                           services.close_round, review_round)


from egi.reviews import assignment_views  # noqa: E402,F401  (assignment and review pages)
