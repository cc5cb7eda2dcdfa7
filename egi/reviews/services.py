"""Review rules: nominations, rounds, assignments, reviews, extensions and reminders.

Every function takes the acting user, checks can() itself, writes the audit entry, queues
notifications and flushes; the caller commits. Whatever reaches the consultant or the
experts names reviewers of a blind round only by their pseudonym.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import Role, Sector, User, normalise_email
from egi.db import utcnow
from egi.errors import GuardFailed, PermissionDenied, StaleObject, UploadRejected
from egi.extensions import db
from egi.manuals.models import Manual, StoredFile, Version
from egi.notifications.services import notify, queue_mail
from egi.permissions import Perm, can
from egi.reviews.models import (
    AssignmentStatus,
    Endorsement,
    Nomination,
    NominationStatus,
    Recommendation,
    ReminderLog,
    ReviewAssignment,
    ReviewRound,
    ReviewScore,
    Stance,
)
from egi.reviews.queries import forget_masks, pseudonym_numbers, reviewer_label, round_assignments
from egi.reviews.scrub import scrub

MAX_TEXT = 10000
REVIEW_FILE_FORMATS = ("docx", "pdf")
STALE = _l("Someone changed this while you were working on it. Reload the page, look at "
           "the latest state, and try again.")


def default_criteria() -> list[str]:
    """Accuracy, practicality for each stakeholder group, clarity, completeness, standards."""
    from flask_babel import gettext as _

    return ([_("Accuracy")]
            + [_("Practicality for %(sector)s", sector=sector.label) for sector in Sector]
            + [_("Clarity"), _("Completeness"), _("Consistency with international standards")])


def _check_revision(obj, expected: int | None) -> None:
    if expected is not None and obj.revision != expected:
        raise StaleObject(STALE)


def _coordinators() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.COORDINATOR, User.active.is_(True))))


def _consultants(manual: Manual) -> list[User]:
    return [m.user for m in manual.memberships
            if m.user.role == Role.CONSULTANT and m.user.active]


def _text(value: str | None, label, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise GuardFailed(label)
    if len(value) > MAX_TEXT:
        raise GuardFailed(_l("A text can be at most %(max)d characters long.", max=MAX_TEXT))
    return value


def round_link(review_round: ReviewRound, external: bool = False) -> str:
    return url_for("reviews.round", manual_id=review_round.manual_id,
                   number=review_round.number, _external=external)


def assignment_link(assignment: ReviewAssignment, external: bool = False) -> str:
    review_round = assignment.round
    return url_for("reviews.assignment", manual_id=review_round.manual_id,
                   number=review_round.number, slug=assignment.slug, _external=external)


def shown_name(assignment: ReviewAssignment) -> str:
    """How the consultant and the experts may see this reviewer: a pseudonym when blind."""
    if not assignment.round.blind:
        return assignment.reviewer.display_name
    numbers = pseudonym_numbers(round_assignments(assignment.round))
    return reviewer_label(numbers[assignment.id])


# --- nominations --------------------------------------------------------------------------

def nominate(actor: User, manual: Manual, *, name: str, email: str, organisation: str,
             sector: Sector | None, expertise: str, reason: str, conflicts: str) -> Nomination:
    """An expert proposes a candidate reviewer; nobody already on the team can be one."""
    if not can(actor, Perm.NOMINATE_REVIEWER, manual):
        raise PermissionDenied()
    email = normalise_email(email)
    on_team = {m.user.email for m in manual.memberships}
    if email in on_team:
        raise GuardFailed(_l("%(email)s is already on this manual's team, so they cannot review "
                             "it as an outsider. Nominate someone else.", email=email))
    duplicate = db.session.scalar(sa.select(Nomination.id).where(
        Nomination.manual_id == manual.id, Nomination.email == email,
        Nomination.status != NominationStatus.SET_ASIDE))
    if duplicate is not None:
        raise GuardFailed(_l("%(email)s has already been nominated for this manual; endorse "
                             "that nomination instead.", email=email))
    nomination = Nomination(
        manual_id=manual.id, nominated_by_id=actor.id, name=_text(name, _l("Give a name."),
                                                                  required=True)[:120],
        email=email, organisation=(organisation or "").strip()[:200], sector=sector,
        expertise=_text(expertise, _l("Describe the candidate's expertise."), required=True),
        reason=_text(reason, _l("Say why this person should review the manual."),
                     required=True),
        conflicts=_text(conflicts, ""))
    db.session.add(nomination)
    db.session.flush()
    record(actor, "reviews.nominated", nomination, {"manual_id": manual.id})
    link = url_for("reviews.nominations", manual_id=manual.id)
    for person in _coordinators():
        notify(person, lambda: _l("New reviewer nomination for %(title)s.", title=manual.title),
               link)
    return nomination


def give_opinion(actor: User, nomination: Nomination, *, stance: Stance, reason: str
                 ) -> Endorsement:
    """An expert endorses or objects to a nomination (an objection needs a reason)."""
    if not can(actor, Perm.GIVE_NOMINATION_OPINION, nomination):
        raise PermissionDenied(_l("You cannot give an opinion on this nomination."))
    reason = _text(reason, _l("Say why you object."), required=stance == Stance.OBJECT)
    opinion = next((o for o in nomination.opinions if o.expert_id == actor.id), None)
    if opinion is None:
        opinion = Endorsement(nomination=nomination, expert_id=actor.id, stance=stance,
                              reason=reason)
        db.session.add(opinion)
    else:
        opinion.stance, opinion.reason = stance, reason
    db.session.flush()
    record(actor, "reviews.opinion_given", nomination, {"stance": stance.value})
    return opinion


def decide_nomination(actor: User, nomination: Nomination, *, accept: bool, note: str) -> None:
    """The coordinator accepts a nomination for the shortlist or sets it aside."""
    if not can(actor, Perm.DECIDE_NOMINATION, nomination.manual):
        raise PermissionDenied()
    nomination.status = NominationStatus.ACCEPTED if accept else NominationStatus.SET_ASIDE
    nomination.decided_by_id, nomination.decided_at = actor.id, utcnow()
    nomination.decision_note = _text(note, "")
    db.session.flush()
    record(actor, "reviews.nomination_decided", nomination,
           {"status": nomination.status.value})


# --- rounds ------------------------------------------------------------------------------

def _clean_criteria(criteria: list[str]) -> list[str]:
    cleaned: list[str] = []
    for item in criteria:
        item = " ".join((item or "").split())[:200]
        if item and item not in cleaned:
            cleaned.append(item)
    if not cleaned:
        raise GuardFailed(_l("Give at least one criterion."))
    if len(cleaned) > 30:
        raise GuardFailed(_l("At most 30 criteria."))
    return cleaned


def open_round(actor: User, version: Version, *, due_at: datetime, blind: bool,
               peers_visible: bool, criteria: list[str]) -> ReviewRound:
    """A new review round on one version of the manual."""
    manual = version.manual
    if not can(actor, Perm.MANAGE_REVIEWS, manual):
        raise PermissionDenied()
    if due_at <= utcnow():
        raise GuardFailed(_l("The due date must be in the future."))
    number = (db.session.scalar(sa.select(sa.func.max(ReviewRound.number)).where(
        ReviewRound.manual_id == manual.id)) or 0) + 1
    review_round = ReviewRound(manual_id=manual.id, version_id=version.id, number=number,
                               due_at=due_at, blind=blind, peers_visible=peers_visible,
                               criteria=_clean_criteria(criteria), opened_by_id=actor.id)
    db.session.add(review_round)
    db.session.flush()
    review_round.manual = manual
    forget_masks()
    record(actor, "reviews.round_opened", review_round,
           {"manual_id": manual.id, "version": version.number, "blind": blind,
            "due_at": due_at.isoformat()})
    return review_round


def update_round(actor: User, review_round: ReviewRound, *, due_at: datetime,
                 peers_visible: bool, criteria: list[str], expected_revision: int) -> None:
    """Change the due date, the criteria or the "see each other" setting of an open round."""
    if not can(actor, Perm.MANAGE_REVIEWS, review_round.manual):
        raise PermissionDenied()
    _check_revision(review_round, expected_revision)
    if not review_round.is_open:
        raise GuardFailed(_l("This round is closed."))
    if due_at != review_round.due_at and due_at <= utcnow():
        raise GuardFailed(_l("The due date must be in the future."))
    review_round.due_at, review_round.peers_visible = due_at, peers_visible
    review_round.criteria = _clean_criteria(criteria)
    db.session.flush()
    record(actor, "reviews.round_updated", review_round)


def close_round(actor: User, review_round: ReviewRound) -> None:
    """End the round: nobody can accept or submit any more."""
    if not can(actor, Perm.MANAGE_REVIEWS, review_round.manual):
        raise PermissionDenied()
    if not review_round.is_open:
        raise GuardFailed(_l("This round is already closed."))
    review_round.closed_at = utcnow()
    db.session.flush()
    record(actor, "reviews.round_closed", review_round)


def save_summary(actor: User, review_round: ReviewRound, *, summary: str, share: bool,
                 expected_revision: int) -> None:
    """The coordinator's summary of the round; the consultant reads it once shared."""
    if not can(actor, Perm.MANAGE_REVIEWS, review_round.manual):
        raise PermissionDenied()
    _check_revision(review_round, expected_revision)
    summary = _text(summary, _l("Write the summary before sharing it."), required=share)
    newly_shared = share and review_round.summary_shared_at is None
    review_round.summary = summary
    review_round.summary_shared_at = (review_round.summary_shared_at or utcnow()) if share \
        else None
    db.session.flush()
    record(actor, "reviews.summary_saved", review_round, {"shared": share})
    if newly_shared:
        manual = review_round.manual
        for person in _consultants(manual):
            notify(person, lambda: _l("The coordinator shared the summary of review round "
                                      "%(number)d on %(title)s.", number=review_round.number,
                                      title=manual.title), round_link(review_round))


# --- assignments -------------------------------------------------------------------------

def assign_reviewer(actor: User, review_round: ReviewRound, reviewer: User) -> ReviewAssignment:
    """Ask an existing reviewer to review the round's version; they join the team."""
    manual = review_round.manual
    if not can(actor, Perm.MANAGE_REVIEWS, manual):
        raise PermissionDenied()
    if not review_round.is_open:
        raise GuardFailed(_l("This round is closed."))
    if reviewer.role != Role.REVIEWER or not reviewer.active:
        raise GuardFailed(_l("%(name)s is not an active peer reviewer.",
                             name=reviewer.display_name))
    existing = db.session.scalar(sa.select(ReviewAssignment).where(
        ReviewAssignment.round_id == review_round.id,
        ReviewAssignment.reviewer_id == reviewer.id))
    if existing is not None:
        raise GuardFailed(_l("%(name)s is already assigned to this round (%(status)s). Use "
                             "“Invite again” on their row instead.", name=reviewer.display_name,
                             status=existing.status.label))
    if reviewer.id not in manual.member_ids():
        from egi.manuals.services import add_member

        add_member(actor, manual, reviewer)
    assignment = ReviewAssignment(round_id=review_round.id, reviewer_id=reviewer.id,
                                  invited_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    assignment.round, assignment.reviewer = review_round, reviewer
    forget_masks()
    record(actor, "reviews.assigned", assignment, {"round_id": review_round.id,
                                                   "reviewer_id": reviewer.id})
    _tell_reviewer_invited(assignment)
    return assignment


def _tell_reviewer_invited(assignment: ReviewAssignment) -> None:
    review_round, reviewer = assignment.round, assignment.reviewer
    manual = review_round.manual
    notify(reviewer, lambda: _l("You are invited to review %(title)s, version %(number)d.",
                                title=manual.title, number=review_round.version.number),
           assignment_link(assignment))
    queue_mail(reviewer, "review_invitation", lambda: _l("Invitation to review: %(title)s",
                                                         title=manual.title),
               manual=manual, review_round=review_round, due_at=assignment.effective_due(),
               link=assignment_link(assignment, external=True))


def invite_reviewer(actor: User, review_round: ReviewRound, *, email: str, display_name: str,
                    organisation: str, sector: Sector | None) -> ReviewAssignment:
    """Assign by e-mail: an existing reviewer account, or a new one with an invitation link.

    An address that belongs to someone with another role is refused with a clear message.
    """
    if not can(actor, Perm.MANAGE_REVIEWS, review_round.manual):
        raise PermissionDenied()
    email = normalise_email(email)
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing is not None:
        if existing.role != Role.REVIEWER:
            raise GuardFailed(_l(
                "%(email)s already has an account as %(role)s. Peer reviewers need a reviewer "
                "account: use another address, or change that person's role first.",
                email=email, role=existing.role.label))
        return assign_reviewer(actor, review_round, existing)
    from egi.members.services import invite_member

    reviewer = invite_member(actor, email=email, display_name=display_name,
                             organisation=organisation, role=Role.REVIEWER, sector=sector)
    return assign_reviewer(actor, review_round, reviewer)


def respond_to_invitation(actor: User, assignment: ReviewAssignment, *, accept: bool,
                          conflict_declaration: str, decline_reason: str, suggestion: str,
                          expected_revision: int) -> None:
    """The reviewer accepts (declaring conflicts of interest) or declines (with a reason)."""
    if assignment.reviewer_id == actor.id and assignment.status != AssignmentStatus.INVITED:
        raise GuardFailed(_l("You have already answered this invitation (%(status)s).",
                             status=assignment.status.label))
    if not can(actor, Perm.RESPOND_TO_REVIEW_INVITATION, assignment):
        raise PermissionDenied()
    _check_revision(assignment, expected_revision)
    if accept:
        assignment.conflict_declaration = _text(
            conflict_declaration, _l("Declare your conflicts of interest (write “None” if you "
                                     "have none) before you accept."), required=True)
        assignment.status = AssignmentStatus.ACCEPTED
    else:
        assignment.decline_reason = _text(decline_reason, _l("Say why you decline."),
                                          required=True)
        assignment.suggestion = _text(suggestion, "")
        assignment.status = AssignmentStatus.DECLINED
    assignment.responded_at = utcnow()
    db.session.flush()
    record(actor, "reviews.accepted" if accept else "reviews.declined", assignment)
    manual = assignment.round.manual
    for person in _coordinators():
        notify(person, lambda: _l("%(name)s %(answer)s the invitation to review %(title)s.",
                                  name=actor.display_name,
                                  answer=_l("accepted") if accept else _l("declined"),
                                  title=manual.title), assignment_link(assignment))


def request_extension(actor: User, assignment: ReviewAssignment, *, until: datetime,
                      reason: str) -> None:
    """The reviewer asks the coordinator for more time."""
    if not can(actor, Perm.REQUEST_EXTENSION, assignment):
        raise PermissionDenied()
    if until <= assignment.effective_due():
        raise GuardFailed(_l("Ask for a date after the current due date."))
    assignment.extension_requested_until = until
    assignment.extension_request_reason = _text(reason, _l("Say why you need more time."),
                                                required=True)
    db.session.flush()
    record(actor, "reviews.extension_requested", assignment, {"until": until.isoformat()})
    for person in _coordinators():
        notify(person, lambda: _l("%(name)s asks for more time to review %(title)s.",
                                  name=actor.display_name, title=assignment.round.manual.title),
               assignment_link(assignment))


def grant_extension(actor: User, assignment: ReviewAssignment, *, until: datetime,
                    reason: str) -> None:
    """The coordinator gives one reviewer a later due date (with a reason)."""
    if not can(actor, Perm.MANAGE_REVIEWS, assignment.round.manual):
        raise PermissionDenied()
    if until <= utcnow():
        raise GuardFailed(_l("The new due date must be in the future."))
    if assignment.status in (AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED):
        raise GuardFailed(_l("Invite the reviewer again before extending."))
    assignment.due_at = until
    assignment.extension_reason = _text(reason, _l("Give a reason for the extension."),
                                        required=True)
    assignment.extension_requested_until, assignment.extension_request_reason = None, ""
    db.session.flush()
    record(actor, "reviews.extension_granted", assignment, {"until": until.isoformat()})
    notify(assignment.reviewer, lambda: _l("You have until %(date)s to review %(title)s.",
                                           date=until.strftime("%Y-%m-%d %H:%M UTC"),
                                           title=assignment.round.manual.title),
           assignment_link(assignment))


def cancel_assignment(actor: User, assignment: ReviewAssignment) -> None:
    """Withdraw an invitation or an accepted assignment that has not been submitted."""
    if not can(actor, Perm.MANAGE_REVIEWS, assignment.round.manual):
        raise PermissionDenied()
    if not assignment.status.is_pending:
        raise GuardFailed(_l("Only an open invitation or an accepted assignment can be "
                             "cancelled."))
    assignment.status = AssignmentStatus.CANCELLED
    db.session.flush()
    record(actor, "reviews.cancelled", assignment)
    notify(assignment.reviewer, lambda: _l("Your review of %(title)s is no longer needed.",
                                           title=assignment.round.manual.title),
           url_for("reviews.mine"))


def reinvite(actor: User, assignment: ReviewAssignment) -> None:
    """Invite again someone who declined or was cancelled (new invitation link if needed)."""
    if not can(actor, Perm.MANAGE_REVIEWS, assignment.round.manual):
        raise PermissionDenied()
    if assignment.status not in (AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED,
                                 AssignmentStatus.INVITED):
        raise GuardFailed(_l("This reviewer is already working on the review."))
    if not assignment.round.is_open:
        raise GuardFailed(_l("This round is closed."))
    assignment.status, assignment.responded_at = AssignmentStatus.INVITED, None
    assignment.invited_at = utcnow()
    db.session.flush()
    if not assignment.reviewer.has_password:
        from egi.members.services import send_invitation

        send_invitation(actor, assignment.reviewer)
    record(actor, "reviews.reinvited", assignment)
    _tell_reviewer_invited(assignment)


# --- the review --------------------------------------------------------------------------

def _store_review_file(filename: str, data: bytes) -> tuple[str, str]:
    from egi.manuals.services import check_file

    checked = check_file(filename, data)
    if checked.format not in REVIEW_FILE_FORMATS:
        raise UploadRejected(_l("Attach a Word (.docx) or PDF file."))
    clean = scrub(checked.data, checked.format)
    sha = hashlib.sha256(clean).hexdigest()
    if db.session.get(StoredFile, sha) is None:
        db.session.add(StoredFile(sha256=sha, size=len(clean), media_type=checked.media_type,
                                  data=clean))
        db.session.flush()
    return sha, checked.format


def _check_scores(review_round: ReviewRound, scores: dict[str, int | None]) -> dict[str, int]:
    clean = {}
    for criterion, value in scores.items():
        if value is None:
            continue
        if criterion not in review_round.criteria:
            raise GuardFailed(_l("“%(criterion)s” is not a criterion of this round.",
                                 criterion=criterion))
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise GuardFailed(_l("Scores go from 1 to 5."))
        clean[criterion] = value
    return clean


def save_review(actor: User, assignment: ReviewAssignment, *,
                recommendation: Recommendation | None, scores: dict[str, int | None],
                summary: str, confidential_note: str, file: tuple[str, bytes] | None,
                submit: bool, expected_revision: int) -> None:
    """Save the review as a draft, or submit it (then it is locked until reopened)."""
    if assignment.reviewer_id == actor.id and assignment.status == AssignmentStatus.SUBMITTED:
        raise GuardFailed(_l("This review has already been submitted and is locked. Ask the "
                             "coordinator to reopen it if you need to change it."))
    if not can(actor, Perm.WRITE_REVIEW, assignment):
        raise PermissionDenied(_l("You cannot write this review."))
    _check_revision(assignment, expected_revision)
    review_round = assignment.round
    if submit:
        _check_on_time(assignment)
    clean = _check_scores(review_round, scores)
    assignment.recommendation = recommendation
    assignment.summary = _text(summary, "")
    assignment.confidential_note = _text(confidential_note, "")
    existing = {s.criterion: s for s in assignment.scores}
    for criterion, value in clean.items():
        if criterion in existing:
            existing[criterion].score = value
        else:
            assignment.scores.append(ReviewScore(criterion=criterion, score=value))
    if file is not None:
        assignment.file_sha256, assignment.file_format = _store_review_file(*file)
    assignment.saved_at = utcnow()
    if submit:
        _submit(actor, assignment)
    db.session.flush()
    record(actor, "reviews.submitted" if submit else "reviews.draft_saved", assignment)


def _check_on_time(assignment: ReviewAssignment) -> None:
    due = assignment.effective_due()
    if utcnow() > due:
        raise GuardFailed(_l("The review was due on %(date)s (UTC) and can no longer be "
                             "submitted. Save it as a draft and ask the coordinator for an "
                             "extension.", date=due.strftime("%Y-%m-%d %H:%M")))


def _submit(actor: User, assignment: ReviewAssignment) -> None:
    review_round = assignment.round
    if assignment.recommendation is None:
        raise GuardFailed(_l("Choose a recommendation before submitting."))
    scored = {s.criterion for s in assignment.scores}
    missing = [c for c in review_round.criteria if c not in scored]
    if missing:
        raise GuardFailed(_l("Score every criterion before submitting; missing: %(list)s.",
                             list=", ".join(missing)))
    if not assignment.summary:
        raise GuardFailed(_l("Write the summary for the consultant before submitting."))
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = utcnow()
    db.session.flush()
    manual = review_round.manual
    for person in _coordinators():
        notify(person, lambda: _l("%(name)s submitted a review of %(title)s.",
                                  name=actor.display_name, title=manual.title),
               assignment_link(assignment))
    label = shown_name(assignment)
    for person in _consultants(manual):
        notify(person, lambda: _l("%(reviewer)s submitted a review of %(title)s, version "
                                  "%(number)d.", reviewer=label, title=manual.title,
                                  number=review_round.version.number),
               assignment_link(assignment))
        queue_mail(person, "review_submitted", lambda: _l("New review of %(title)s",
                                                          title=manual.title),
                   manual=manual, review_round=review_round, reviewer_label=label,
                   link=assignment_link(assignment, external=True))


def reopen_review(actor: User, assignment: ReviewAssignment) -> None:
    """The coordinator unlocks a submitted review so its reviewer can change it."""
    if not can(actor, Perm.MANAGE_REVIEWS, assignment.round.manual):
        raise PermissionDenied()
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise GuardFailed(_l("Only a submitted review can be reopened."))
    assignment.status, assignment.submitted_at = AssignmentStatus.ACCEPTED, None
    db.session.flush()
    record(actor, "reviews.reopened", assignment)
    notify(assignment.reviewer, lambda: _l("Your review of %(title)s was reopened; you can "
                                           "change it and submit it again.",
                                           title=assignment.round.manual.title),
           assignment_link(assignment))


# --- reminders ---------------------------------------------------------------------------

def send_reminders(now: datetime | None = None, days_before: int = 3) -> int:
    """Mail each pending reviewer once `days_before` the due date and once when overdue.

    A reminder log row per (assignment, kind, due date) makes a second run a no-op; an
    extension (a new due date) earns new reminders. Returns how many mails were queued.
    """
    now = now or utcnow()
    pending = db.session.scalars(sa.select(ReviewAssignment).join(ReviewRound).where(
        ReviewRound.closed_at.is_(None),
        ReviewAssignment.status.in_([AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED])))
    sent = {tuple(row) for row in db.session.execute(sa.select(
        ReminderLog.assignment_id, ReminderLog.kind, ReminderLog.due_at))}
    queued = 0
    for assignment in pending:
        due = assignment.effective_due()
        if now > due:
            kind = "overdue"
        elif due - now <= timedelta(days=days_before):
            kind = "due_soon"
        else:
            continue
        if (assignment.id, kind, due) in sent:
            continue
        db.session.add(ReminderLog(assignment_id=assignment.id, kind=kind, due_at=due))
        manual = assignment.round.manual
        queue_mail(assignment.reviewer, f"review_{kind}",
                   (lambda m=manual: _l("Review overdue: %(title)s", title=m.title))
                   if kind == "overdue" else
                   (lambda m=manual: _l("Review due soon: %(title)s", title=m.title)),
                   manual=manual, due_at=due, link=assignment_link(assignment, external=True))
        queued += 1
    db.session.flush()
    return queued
