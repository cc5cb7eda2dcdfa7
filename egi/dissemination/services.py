"""Release records, events and their attachments, acknowledgements, download counts."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import User
from egi.db import utcnow
from egi.dissemination.models import DisseminationEvent, DownloadCount, EventAttachment, Release
from egi.errors import GuardFailed, PermissionDenied
from egi.extensions import db
from egi.manuals.models import Manual, ManualMember, ManualState
from egi.permissions import Perm, can


def create_release(actor: User, manual: Manual, version_id: int, release_at: datetime) -> Release:
    """Called by the workflow's release action only."""
    release = Release(manual_id=manual.id, version_id=version_id, release_at=release_at,
                      released_by_id=actor.id)
    db.session.add(release)
    db.session.flush()
    _ensure_counter(manual.id, release.version.file_sha256)
    return release


def public_release(manual_id: int) -> Release | None:
    """The release the public may see: disseminated and past its embargo."""
    return db.session.scalar(
        sa.select(Release).join(Manual, Manual.id == Release.manual_id)
        .where(Release.manual_id == manual_id, Manual.state == ManualState.DISSEMINATED,
               Release.release_at <= utcnow())
        .order_by(Release.id.desc()).limit(1))


def public_releases() -> list[Release]:
    """Every manual the public may see, newest release first (one query)."""
    newest = (sa.select(Release.manual_id, sa.func.max(Release.id).label("rid"))
              .where(Release.release_at <= utcnow()).group_by(Release.manual_id).subquery())
    return db.session.scalars(
        sa.select(Release).join(newest, newest.c.rid == Release.id)
        .join(Manual, Manual.id == Release.manual_id)
        .where(Manual.state == ManualState.DISSEMINATED)
        .order_by(Release.release_at.desc())).all()


def add_event(actor: User, manual: Manual, *, title: str, date: dt.date, place: str,
              notes: str) -> DisseminationEvent:
    """Record a dissemination event (e.g. the final conference)."""
    if not can(actor, Perm.MANAGE_DISSEMINATION, manual):
        raise PermissionDenied()
    if manual.state not in (ManualState.APPROVED, ManualState.DISSEMINATED):
        raise GuardFailed(_l("Events are recorded once the manual is approved."))
    event = DisseminationEvent(manual_id=manual.id, title=title, date=date, place=place,
                               notes=notes, created_by_id=actor.id)
    db.session.add(event)
    db.session.flush()
    record(actor, "dissemination.event_added", event, {"manual_id": manual.id})
    return event


def add_attachment(actor: User, manual: Manual, event: DisseminationEvent, filename: str,
                   data: bytes) -> EventAttachment:
    """Attach a checked file (docx, pdf, md, txt) to an event."""
    from egi.manuals.services import check_file, store_file

    if not can(actor, Perm.MANAGE_DISSEMINATION, manual) or event.manual_id != manual.id:
        raise PermissionDenied()
    upload = check_file(filename, data)
    store_file(upload)
    attachment = EventAttachment(event_id=event.id, file_sha256=upload.sha256,
                                 filename=upload.filename, size=upload.size)
    db.session.add(attachment)
    db.session.flush()
    _ensure_counter(manual.id, upload.sha256)
    record(actor, "dissemination.attachment_added", event, {"filename": upload.filename})
    return attachment


def set_acknowledgement(actor: User, manual: Manual, agreed: bool) -> None:
    """A team member agrees (or no longer agrees) to be named in the published manual."""
    if not can(actor, Perm.SET_ACKNOWLEDGEMENT, manual):
        raise PermissionDenied()
    member = db.session.scalar(sa.select(ManualMember).where(
        ManualMember.manual_id == manual.id, ManualMember.user_id == actor.id))
    member.acknowledged = agreed
    db.session.flush()
    record(actor, "dissemination.acknowledgement", manual, {"agreed": agreed})


def _ensure_counter(manual_id: int, sha256: str) -> None:
    """Create a file's counter when it becomes public, so downloads only ever UPDATE it
    (two first downloads at once cannot both insert)."""
    exists = db.session.scalar(sa.select(DownloadCount.id).where(
        DownloadCount.manual_id == manual_id, DownloadCount.file_sha256 == sha256))
    if exists is None:
        db.session.add(DownloadCount(manual_id=manual_id, file_sha256=sha256, count=0))
        db.session.flush()


def count_download(manual_id: int, sha256: str) -> None:
    """Add one to a public file's download counter, atomically in the database."""
    db.session.execute(
        sa.update(DownloadCount).where(DownloadCount.manual_id == manual_id,
                                       DownloadCount.file_sha256 == sha256)
        .values(count=DownloadCount.count + 1))


def download_counts(manual_id: int) -> dict[str, int]:
    return dict(db.session.execute(sa.select(DownloadCount.file_sha256, DownloadCount.count)
                                   .where(DownloadCount.manual_id == manual_id)).all())
