"""Comment pages: write, list and search, thread, edit, retract, dispose, respond, export."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.auth.models import Sector
from egi.comments import bp, queries, services
from egi.comments.forms import (
    CommentForm,
    ConsultationChangeForm,
    ConsultationForm,
    DispositionForm,
    EditCommentForm,
    ReplyForm,
    ResponseForm,
    RetractForm,
)
from egi.comments.models import (
    Audience,
    Comment,
    CommenterResponse,
    CommentStatus,
    CommentType,
    Consultation,
    Disposition,
)
from egi.comments.presentation import author_label
from egi.errors import DomainError, GuardFailed
from egi.extensions import db
from egi.manuals.models import Manual, Version
from egi.manuals.uploads import content_disposition
from egi.manuals.views import load_manual
from egi.permissions import Perm, can, require


def _version(manual: Manual, number: int) -> Version:
    return db.first_or_404(sa.select(Version).where(
        Version.manual_id == manual.id, Version.number == number))


def load_comment(manual_id: int, comment_id: int) -> tuple[Manual, Comment]:
    """The comment if this person may read it; 404 otherwise, so its existence stays hidden."""
    manual = load_manual(manual_id)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.manual_id != manual.id or not can(
            current_user, Perm.VIEW_COMMENT, comment):
        abort(404)
    return manual, comment


def _enum(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _back_to(comment: Comment) -> str:
    return url_for("comments.show", manual_id=comment.manual_id, comment_id=comment.id)


def _fail(error: DomainError, url: str):
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url)


@bp.post("/<int:manual_id>/v/<int:number>/comments")
def create(manual_id: int, number: int):
    """Add a comment on a block or on the whole version."""
    manual = load_manual(manual_id)
    version = _version(manual, number)
    require(Perm.COMMENT_ON_VERSION, version)
    form = CommentForm()
    read_url = url_for("manuals.read", manual_id=manual.id, number=number)
    if not form.validate_on_submit():
        return render_template("comments/new.html", manual=manual, version=version, form=form,
                               block=None), 400
    try:
        comment = services.add_comment(
            current_user, version, block_anchor=form.block.data or None, quote=form.quote.data,
            kind=CommentType(form.kind.data), audience=Audience(form.audience.data),
            show_as_sector=form.show_as_sector.data, body=form.body.data,
            proposed_wording=form.proposed_wording.data or "")
    except DomainError as exc:
        if exc.status_code == 404:
            abort(404)
        return _fail(exc, read_url)
    db.session.commit()
    flash(_("Comment #%(id)d added.", id=comment.id), "success")
    anchor = f"#comment-{comment.id}"
    return redirect(read_url + anchor)


@bp.get("/<int:manual_id>/v/<int:number>/comments/new")
def new(manual_id: int, number: int):
    """The comment form on a page of its own (used without JavaScript)."""
    manual = load_manual(manual_id)
    version = _version(manual, number)
    require(Perm.COMMENT_ON_VERSION, version)
    form = CommentForm()
    anchor = request.args.get("block", "")
    block = None
    if anchor:
        from egi.manuals.models import Block

        block = db.session.scalar(sa.select(Block).where(Block.version_id == version.id,
                                                         Block.anchor == anchor))
        if block is None:
            abort(404)
        form.block.data = anchor
    return render_template("comments/new.html", manual=manual, version=version, form=form,
                           block=block)


def _filters_from_request() -> queries.CommentFilters:
    args = request.args
    return queries.CommentFilters(
        sector=_enum(Sector, args.get("sector")), kind=_enum(CommentType, args.get("type")),
        status=_enum(CommentStatus, args.get("status")),
        disposition=_enum(Disposition, args.get("disposition")),
        chapter=args.get("chapter", "").strip()[:20],
        author_id=args.get("author", type=int), text=args.get("q", "").strip()[:200],
        blocking_only=args.get("blocking") == "1")


@bp.get("/<int:manual_id>/comments")
def index(manual_id: int):
    """All comments this person may see, filterable and searchable."""
    manual = load_manual(manual_id)
    filters = _filters_from_request()
    comments = queries.visible_comments(current_user, manual, filters)
    numbers = dict(db.session.execute(sa.select(Version.id, Version.number)
                                      .where(Version.manual_id == manual.id)).all())
    authors = sorted({c.author for c in queries.visible_comments(current_user, manual,
                                                                 with_blocks=False)
                      if can(current_user, Perm.SEE_COMMENT_AUTHOR, c)},
                     key=lambda u: u.display_name)
    return render_template("comments/index.html", manual=manual, comments=comments,
                           filters=filters, numbers=numbers, authors=authors,
                           sectors=list(Sector), types=list(CommentType),
                           statuses=list(CommentStatus), dispositions=list(Disposition),
                           author_label=author_label, query_args=request.args.to_dict())


@bp.get("/<int:manual_id>/comments/<int:comment_id>")
def show(manual_id: int, comment_id: int):
    """A comment's thread with the forms the reader may use."""
    manual, comment = load_comment(manual_id, comment_id)
    replies = queries.replies_by_comment([comment])[comment.id]
    version = db.session.get(Version, comment.version_id)
    dispose_form = response_form = None
    if can(current_user, Perm.DISPOSE_COMMENT, comment):
        dispose_form = DispositionForm(revision=comment.revision,
                                       disposition=(comment.disposition or Disposition.ACCEPTED)
                                       .value, response=comment.disposition_response)
    if can(current_user, Perm.RESPOND_TO_DISPOSITION, comment):
        response_form = ResponseForm(revision=comment.revision)
    redline = None
    if comment.block is not None and comment.block.text != comment.block_text_at_comment:
        from egi.manuals.compare import word_redline

        redline = word_redline(comment.block_text_at_comment, comment.block.text)
    duplicate = db.session.get(Comment, comment.duplicate_of_id) if comment.duplicate_of_id \
        else None
    return render_template(
        "comments/show.html", manual=manual, comment=comment, replies=replies, version=version,
        reply_form=ReplyForm(), dispose_form=dispose_form, response_form=response_form,
        retract_form=RetractForm(revision=comment.revision), redline=redline,
        duplicate=duplicate if duplicate and can(current_user, Perm.VIEW_COMMENT, duplicate)
        else None, author_label=author_label)


@bp.post("/<int:manual_id>/comments/<int:comment_id>/replies")
def reply(manual_id: int, comment_id: int):
    """Answer in the thread."""
    _manual, comment = load_comment(manual_id, comment_id)
    require(Perm.REPLY_TO_COMMENT, comment)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("Write something first: the reply is empty."), "error")
        return redirect(_back_to(comment))
    try:
        services.reply(current_user, comment, form.body.data, form.show_as_sector.data)
    except DomainError as exc:
        return _fail(exc, _back_to(comment))
    db.session.commit()
    flash(_("Reply added."), "success")
    return redirect(_back_to(comment))


@bp.route("/<int:manual_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(manual_id: int, comment_id: int):
    """Change one's own comment while nobody has answered."""
    manual, comment = load_comment(manual_id, comment_id)
    require(Perm.EDIT_COMMENT, comment)
    form = EditCommentForm(obj=comment)
    if request.method == "GET":
        form.kind.data = comment.kind.value
    if form.validate_on_submit():
        try:
            services.edit_comment(current_user, comment, body=form.body.data,
                                  proposed_wording=form.proposed_wording.data or "",
                                  kind=CommentType(form.kind.data),
                                  expected_revision=form.revision.data)
        except DomainError as exc:
            return _fail(exc, _back_to(comment))
        db.session.commit()
        flash(_("Comment saved."), "success")
        return redirect(_back_to(comment))
    return render_template("comments/edit.html", manual=manual, comment=comment, form=form), (
        400 if form.errors else 200)


@bp.post("/<int:manual_id>/comments/<int:comment_id>/retract")
def retract(manual_id: int, comment_id: int):
    """Withdraw one's own unanswered comment."""
    _manual, comment = load_comment(manual_id, comment_id)
    require(Perm.EDIT_COMMENT, comment)
    form = RetractForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.retract_comment(current_user, comment, form.revision.data)
    except DomainError as exc:
        return _fail(exc, _back_to(comment))
    db.session.commit()
    flash(_("Comment retracted. A note that it was retracted stays visible."), "success")
    return redirect(_back_to(comment))


@bp.post("/<int:manual_id>/comments/<int:comment_id>/disposition")
def disposition(manual_id: int, comment_id: int):
    """The consultant answers the comment."""
    _manual, comment = load_comment(manual_id, comment_id)
    require(Perm.DISPOSE_COMMENT, comment)
    form = DispositionForm()
    if not form.validate_on_submit():
        flash(_("Choose a disposition."), "error")
        return redirect(_back_to(comment))
    try:
        services.dispose(current_user, comment, disposition=Disposition(form.disposition.data),
                         response=form.response.data or "",
                         duplicate_of_id=form.duplicate_of.data,
                         expected_revision=form.revision.data)
    except DomainError as exc:
        return _fail(exc, _back_to(comment))
    db.session.commit()
    flash(_("Disposition saved; the commenter has been told."), "success")
    return redirect(_back_to(comment))


@bp.post("/<int:manual_id>/comments/<int:comment_id>/response")
def response(manual_id: int, comment_id: int):
    """The commenter answers the disposition."""
    _manual, comment = load_comment(manual_id, comment_id)
    require(Perm.RESPOND_TO_DISPOSITION, comment)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(_("Choose an answer."), "error")
        return redirect(_back_to(comment))
    try:
        services.respond(current_user, comment, response=CommenterResponse(form.response.data),
                         note=form.note.data or "", expected_revision=form.revision.data)
    except DomainError as exc:
        return _fail(exc, _back_to(comment))
    db.session.commit()
    flash(_("Your answer is saved."), "success")
    return redirect(_back_to(comment))


def _export_data(manual: Manual):
    comments = queries.visible_comments(current_user, manual, _filters_from_request())
    numbers = dict(db.session.execute(sa.select(Version.id, Version.number)
                                      .where(Version.manual_id == manual.id)).all())
    return comments, numbers


@bp.get("/<int:manual_id>/comments/export.csv")
def export_csv(manual_id: int):
    """The comment-resolution matrix as CSV: only what this person may see."""
    from egi.comments.exports import to_csv

    manual = load_manual(manual_id)
    comments, numbers = _export_data(manual)
    response = Response(to_csv(current_user, comments, numbers), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(
        f"{manual.title[:80]} - comments.csv")
    return response


@bp.get("/<int:manual_id>/comments/export.docx")
def export_docx(manual_id: int):
    """The comment-resolution matrix as a Word table: only what this person may see."""
    from egi.comments.exports import to_docx

    manual = load_manual(manual_id)
    comments, numbers = _export_data(manual)
    data = to_docx(current_user, manual.title, comments, numbers)
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                         "wordprocessingml.document")
    response.headers["Content-Disposition"] = content_disposition(
        f"{manual.title[:80]} - comments.docx")
    return response


@bp.get("/<int:manual_id>/coverage")
def coverage(manual_id: int):
    """Chapters x sectors: where each sector has been heard, and what is still open."""
    manual = load_manual(manual_id, Perm.VIEW_COVERAGE)
    number = request.args.get("version", type=int)
    version = _version(manual, number) if number else db.session.scalar(
        sa.select(Version).where(Version.manual_id == manual.id)
        .order_by(Version.number.desc()).limit(1))
    if version is None:
        flash(_("There is no version to show coverage for yet."), "warning")
        return redirect(url_for("manuals.show", manual_id=manual.id))
    matrix = queries.coverage(current_user, manual, version)
    return render_template("comments/coverage.html", manual=manual, version=version,
                           matrix=matrix)


@bp.route("/<int:manual_id>/v/<int:number>/consultation", methods=["GET", "POST"])
def consultation(manual_id: int, number: int):
    """Open, extend, reopen or close the consultation on a version."""
    manual = load_manual(manual_id, Perm.MANAGE_CONSULTATION)
    version = _version(manual, number)
    current = services.open_consultation(version)
    past = db.session.scalars(sa.select(Consultation).where(
        Consultation.version_id == version.id).order_by(Consultation.id.desc())).all()
    form = ConsultationForm()
    change_form = ConsultationChangeForm()
    page_url = url_for("comments.consultation", manual_id=manual.id, number=number)
    if request.method == "POST":
        try:
            if current is None and form.validate_on_submit():
                services.start_consultation(current_user, version,
                                            form.closes_at.data.replace(tzinfo=UTC))
                message = _("The consultation is open; the team has been told.")
            elif current is not None and change_form.validate_on_submit():
                if change_form.action.data == "close":
                    services.close_consultation(current_user, current)
                    message = _("The consultation is closed.")
                elif change_form.closes_at.data is None:
                    raise GuardFailed(_("Give a closing date and time."))
                else:
                    services.extend_consultation(current_user, current,
                                                 change_form.closes_at.data.replace(tzinfo=UTC))
                    message = _("The closing date is changed.")
            else:
                return render_template("comments/consultation.html", manual=manual,
                                       version=version, current=current, past=past, form=form,
                                       change_form=change_form), 400
        except DomainError as exc:
            return _fail(exc, page_url)
        db.session.commit()
        flash(message, "success")
        return redirect(page_url)
    return render_template("comments/consultation.html", manual=manual, version=version,
                           current=current, past=past, form=form, change_form=change_form)


@bp.get("/<int:manual_id>/comments.json")
def api_comments(manual_id: int):
    """JSON list of the comments this person may see (the same rule as every page)."""
    manual = load_manual(manual_id)
    comments = queries.visible_comments(current_user, manual, _filters_from_request())
    return jsonify(comments=[{
        "id": c.id, "version_id": c.version_id, "block": c.block_anchor,
        "block_number": c.block_number, "type": c.kind.value, "audience": c.audience.value,
        "author": author_label(current_user, c), "status": c.status.value,
        "body": None if c.is_retracted else c.body,
        "disposition": c.disposition.value if c.disposition else None,
    } for c in comments])


def reading_context(manual: Manual, version: Version) -> dict:
    """What the reading page shows of comments: threads by block, the form, the period."""
    comments = queries.visible_comments(current_user, manual,
                                        queries.CommentFilters(version_id=version.id),
                                        with_blocks=False)
    consultation = services.open_consultation(version)
    can_comment = can(current_user, Perm.COMMENT_ON_VERSION, version)
    return {
        "comments_by_block": queries.blocks_with_comments(comments),
        "comment_count": len(comments),
        "consultation": consultation,
        "comment_form": CommentForm() if can_comment else None,
        "author_label": author_label,
        "sector_audience_possible": current_user.sector is not None,
    }
