"""Public pages for released manuals, and the coordinator's dissemination page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from egi.dissemination import bp, services
from egi.dissemination.forms import AttachmentForm, EventForm
from egi.dissemination.models import DisseminationEvent, EventAttachment
from egi.errors import DomainError
from egi.extensions import db
from egi.manuals.models import Block, ManualMember, StoredFile
from egi.manuals.uploads import content_disposition
from egi.manuals.views import load_manual
from egi.permissions import Perm
from egi.security import public


def _release_or_404(manual_id: int):
    release = services.public_release(manual_id)
    if release is None:
        abort(404)
    return release


def _events(manual_id: int) -> list[DisseminationEvent]:
    return db.session.scalars(sa.select(DisseminationEvent).where(
        DisseminationEvent.manual_id == manual_id).order_by(DisseminationEvent.date)).all()


@bp.get("/public/")
@public
def public_index():
    """Every released manual."""
    return render_template("dissemination/index.html", releases=services.public_releases())


@bp.get("/public/<int:manual_id>")
@public
def landing(manual_id: int):
    """A released manual's landing page: summary, read, download, thanks, events."""
    release = _release_or_404(manual_id)
    named = db.session.scalars(sa.select(ManualMember).where(
        ManualMember.manual_id == manual_id, ManualMember.acknowledged.is_(True))).all()
    return render_template("dissemination/landing.html", release=release,
                           manual=release.manual, version=release.version,
                           acknowledged=sorted((m.user for m in named),
                                               key=lambda u: u.display_name),
                           events=_events(manual_id))


@bp.get("/public/<int:manual_id>/read")
@public
def public_read(manual_id: int):
    """The released version, readable in the browser (no drafting traces)."""
    release = _release_or_404(manual_id)
    blocks = db.session.scalars(sa.select(Block).where(Block.version_id == release.version_id)
                                .order_by(Block.position)).all()
    return render_template("dissemination/read.html", release=release, manual=release.manual,
                           version=release.version, blocks=blocks,
                           toc=[b for b in blocks if b.kind == "heading"])


def _send(data: bytes, media_type: str, filename: str) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/public/<int:manual_id>/download")
@public
def public_download(manual_id: int):
    """The original file of the released version; counted."""
    release = _release_or_404(manual_id)
    stored = db.session.get(StoredFile, release.version.file_sha256)
    services.count_download(manual_id, stored.sha256)
    db.session.commit()
    return _send(stored.data, stored.media_type, release.version.original_filename)


@bp.get("/public/<int:manual_id>/attachments/<int:attachment_id>")
@public
def public_attachment(manual_id: int, attachment_id: int):
    """A file attached to a dissemination event of a released manual; counted."""
    _release_or_404(manual_id)
    attachment = db.get_or_404(EventAttachment, attachment_id)
    event = db.session.get(DisseminationEvent, attachment.event_id)
    if event.manual_id != manual_id:
        abort(404)
    stored = db.session.get(StoredFile, attachment.file_sha256)
    services.count_download(manual_id, stored.sha256)
    db.session.commit()
    return _send(stored.data, stored.media_type, attachment.filename)


@bp.route("/manuals/<int:manual_id>/dissemination", methods=["GET", "POST"])
def manage(manual_id: int):
    """The coordinator records events, attaches files and sees download counts."""
    manual = load_manual(manual_id, Perm.MANAGE_DISSEMINATION)
    form = EventForm(prefix="event")
    if form.validate_on_submit():
        try:
            services.add_event(current_user, manual, title=form.title.data, date=form.date.data,
                               place=form.place.data or "", notes=form.notes.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Event recorded."), "success")
            return redirect(url_for("dissemination.manage", manual_id=manual.id))
    release = services.public_release(manual.id)
    from egi.dissemination.models import Release

    scheduled = db.session.scalar(sa.select(Release).where(Release.manual_id == manual.id)
                                  .order_by(Release.id.desc()).limit(1))
    events = _events(manual.id)
    file_names = {a.file_sha256: a.filename for e in events for a in e.attachments}
    if scheduled is not None:
        file_names[scheduled.version.file_sha256] = scheduled.version.original_filename
    return render_template("dissemination/manage.html", manual=manual, form=form,
                           attachment_form=AttachmentForm(), events=events,
                           counts=services.download_counts(manual.id), release=release,
                           scheduled=scheduled, file_names=file_names), (
        400 if form.errors else 200)


@bp.post("/manuals/<int:manual_id>/dissemination/events/<int:event_id>/attachments")
def attach(manual_id: int, event_id: int):
    """Attach a file to an event."""
    manual = load_manual(manual_id, Perm.MANAGE_DISSEMINATION)
    event = db.get_or_404(DisseminationEvent, event_id)
    form = AttachmentForm()
    back = url_for("dissemination.manage", manual_id=manual.id)
    if not form.validate_on_submit():
        flash(_("Choose a file."), "error")
        return redirect(back)
    try:
        services.add_attachment(current_user, manual, event, form.document.data.filename or "",
                                form.document.data.read())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(_("File attached."), "success")
    return redirect(back)


@bp.post("/manuals/<int:manual_id>/acknowledgement")
def acknowledgement(manual_id: int):
    """A team member agrees, or stops agreeing, to be named."""
    manual = load_manual(manual_id, Perm.SET_ACKNOWLEDGEMENT)
    agreed = request.form.get("agreed") == "1"

    services.set_acknowledgement(current_user, manual, agreed)
    db.session.commit()
    flash(_("You will be named in the acknowledgements.") if agreed
          else _("You will not be named in the acknowledgements."), "success")
    return redirect(url_for("manuals.show", manual_id=manual.id))
