"""Version pages: upload (with progress), confirm, read, download, compare."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.errors import PermissionDenied, StaleObject, UploadRejected
from egi.extensions import db
from egi.manuals import bp, services
from egi.manuals.compare import compare_blocks
from egi.manuals.forms import PendingDecisionForm, UploadForm
from egi.manuals.models import Block, PendingUpload, StoredFile, Version
from egi.manuals.uploads import content_disposition
from egi.manuals.views import load_manual
from egi.permissions import Perm


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _upload_answer(url: str, message: str):
    """Flash the outcome for the next page; JavaScript follows `redirect` itself."""
    flash(message, "success")
    if wants_json():
        return jsonify(redirect=url, message=message)
    return redirect(url)


@bp.route("/<int:manual_id>/upload", methods=["GET", "POST"])
def upload(manual_id: int):
    """Upload a new version. Works as a plain form and, with JavaScript, with a progress bar."""
    manual = load_manual(manual_id, Perm.UPLOAD_VERSION)
    form = UploadForm()
    next_number = services.latest_number(manual) + 1
    status = 200
    if form.validate_on_submit():
        document = form.document.data
        try:
            outcome = services.upload_version(
                current_user, manual, filename=document.filename or "", data=document.read(),
                note=form.note.data or "", expected_number=form.expected_number.data)
        except (UploadRejected, StaleObject) as exc:
            db.session.rollback()
            form.document.errors.append(str(exc))
            status = exc.status_code
        else:
            db.session.commit()
            if outcome.pending is not None:
                url = url_for("manuals.pending", manual_id=manual.id, pending_id=outcome.pending.id)
                return _upload_answer(url, _("This document still has tracked changes or comments. "
                                             "Decide whether to continue."))
            version = outcome.version
            return _upload_answer(
                url_for("manuals.read", manual_id=manual.id, number=version.number),
                _("Version %(number)d is uploaded and ready to read.", number=version.number))
    elif form.errors:
        status = 400
    if wants_json() and request.method == "POST":
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return jsonify(errors=errors), status
    return render_template("manuals/upload.html", manual=manual, form=form,
                           next_number=next_number), status


def _load_pending(manual_id: int, pending_id: int):
    manual = load_manual(manual_id, Perm.UPLOAD_VERSION)
    pending = db.get_or_404(PendingUpload, pending_id)
    if pending.manual_id != manual.id or pending.user_id != current_user.id:
        raise PermissionDenied()
    return manual, pending


@bp.route("/<int:manual_id>/uploads/<int:pending_id>", methods=["GET", "POST"])
def pending(manual_id: int, pending_id: int):
    """Tell the uploader about tracked changes or comments; continue or cancel."""
    manual, pending = _load_pending(manual_id, pending_id)
    form = PendingDecisionForm()
    if form.validate_on_submit():
        if form.decision.data == "continue":
            try:
                version = services.confirm_pending(current_user, pending)
            except StaleObject as exc:
                db.session.rollback()
                flash(str(exc), "error")
                return redirect(url_for("manuals.show", manual_id=manual_id))
            db.session.commit()
            flash(_("Version %(number)d is uploaded and ready to read.", number=version.number),
                  "success")
            return redirect(url_for("manuals.read", manual_id=manual_id, number=version.number))
        services.cancel_pending(current_user, pending)
        db.session.commit()
        flash(_("Upload cancelled. Nothing was stored."), "success")
        return redirect(url_for("manuals.show", manual_id=manual_id))
    return render_template("manuals/pending.html", pending=pending, form=form, manual=manual)


def _version(manual_id: int, number: int) -> Version:
    return db.first_or_404(sa.select(Version).where(
        Version.manual_id == manual_id, Version.number == number))


def _blocks(version: Version) -> list[Block]:
    return db.session.scalars(sa.select(Block).where(Block.version_id == version.id)
                              .order_by(Block.position)).all()


@bp.get("/<int:manual_id>/v/<int:number>")
def read(manual_id: int, number: int):
    """The reading view: numbered blocks, table of contents, download."""
    manual = load_manual(manual_id)
    version = _version(manual.id, number)
    blocks = _blocks(version)
    latest = services.latest_number(manual)
    previous_read = services.mark_read(current_user, manual, number)
    db.session.commit()
    toc = [b for b in blocks if b.kind == "heading"]
    from egi.comments.views import reading_context  # comments add to the reading page

    return render_template("manuals/read.html", manual=manual, version=version, blocks=blocks,
                           toc=toc, latest=latest, previous_read=previous_read,
                           **reading_context(manual, version))


@bp.get("/<int:manual_id>/v/<int:number>/download")
def download(manual_id: int, number: int):
    """The original file, with its original name safely encoded."""
    manual = load_manual(manual_id)
    version = _version(manual.id, number)
    stored = db.session.get(StoredFile, version.file_sha256)
    response = Response(stored.data, mimetype=stored.media_type)
    response.headers["Content-Disposition"] = content_disposition(version.original_filename)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:manual_id>/compare")
def compare(manual_id: int):
    """Redline between two versions (?from=1&to=2; defaults to the last two)."""
    manual = load_manual(manual_id)
    numbers = db.session.scalars(sa.select(Version.number).where(Version.manual_id == manual.id)
                                 .order_by(Version.number)).all()
    if len(numbers) < 2:
        flash(_("There is nothing to compare until a second version is uploaded."), "warning")
        return redirect(url_for("manuals.show", manual_id=manual.id))
    old_n = request.args.get("from", type=int) or numbers[-2]
    new_n = request.args.get("to", type=int) or numbers[-1]
    if old_n not in numbers or new_n not in numbers:
        flash(_("Choose two versions that exist."), "error")
        return redirect(url_for("manuals.compare", manual_id=manual.id))
    old, new = _version(manual.id, old_n), _version(manual.id, new_n)
    comparison = compare_blocks(_blocks(old), _blocks(new))
    return render_template("manuals/compare.html", manual=manual, old=old, new=new,
                           numbers=numbers, comparison=comparison)
