"""Manual rules: creating manuals, naming their teams, uploading versions, read marks."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from egi.audit.services import record
from egi.auth.models import Role, User
from egi.db import utcnow
from egi.errors import GuardFailed, PermissionDenied, StaleObject
from egi.extensions import db
from egi.manuals.conversion import ConvertedDocument, convert
from egi.manuals.models import (
    Block,
    Manual,
    ManualMember,
    PendingUpload,
    ReadMark,
    StoredFile,
    Version,
)
from egi.manuals.uploads import CheckedUpload, check_upload
from egi.permissions import Perm, can

TEAM_ROLES = (Role.CONSULTANT, Role.EXPERT, Role.REVIEWER)


def create_manual(actor: User, *, title: str, description: str, working_language: str) -> Manual:
    """A new manual in the drafting state, with no team yet."""
    if not can(actor, Perm.CREATE_MANUAL):
        raise PermissionDenied()
    manual = Manual(title=title, description=description, working_language=working_language,
                    created_by_id=actor.id)
    db.session.add(manual)
    db.session.flush()
    record(actor, "manuals.created", manual)
    return manual


def update_manual(actor: User, manual: Manual, *, title: str, description: str,
                  working_language: str) -> None:
    """Change a manual's title, description or working language."""
    if not can(actor, Perm.EDIT_MANUAL, manual):
        raise PermissionDenied()
    manual.title, manual.description, manual.working_language = (
        title, description, working_language)
    manual.last_activity_at = utcnow()
    record(actor, "manuals.updated", manual)
    db.session.flush()


def add_member(actor: User, manual: Manual, user: User) -> ManualMember:
    """Put a consultant, expert or reviewer on the manual's team."""
    if not can(actor, Perm.MANAGE_TEAM, manual):
        raise PermissionDenied()
    if user.role not in TEAM_ROLES or not user.active:
        raise GuardFailed(_l("Only active consultants, experts and reviewers join a team."))
    if user.id in manual.member_ids():
        raise GuardFailed(_l("%(name)s is already on the team.", name=user.display_name))
    member = ManualMember(manual=manual, user_id=user.id, added_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    record(actor, "manuals.member_added", manual, {"user_id": user.id, "role": user.role.value})
    return member


def remove_member(actor: User, manual: Manual, user: User) -> None:
    """Take someone off the team; what they wrote stays."""
    if not can(actor, Perm.MANAGE_TEAM, manual):
        raise PermissionDenied()
    member = next((m for m in manual.memberships if m.user_id == user.id), None)
    if member is None:
        raise GuardFailed(_l("%(name)s is not on the team.", name=user.display_name))
    manual.memberships.remove(member)
    db.session.flush()
    record(actor, "manuals.member_removed", manual, {"user_id": user.id})


def latest_number(manual: Manual) -> int:
    """The newest version number, 0 before the first upload."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Version.number), 0))
        .where(Version.manual_id == manual.id)) or 0


def check_file(filename: str, data: bytes) -> CheckedUpload:
    """Check name, size and content against the configured limits."""
    return check_upload(filename, data,
                        max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024)


def store_file(upload: CheckedUpload) -> StoredFile:
    """The stored bytes for this upload, written once per SHA-256 and flushed."""
    stored = db.session.get(StoredFile, upload.sha256)
    if stored is None:
        stored = StoredFile(sha256=upload.sha256, size=upload.size,
                            media_type=upload.media_type, data=upload.data)
        db.session.add(stored)
        db.session.flush()
    return stored


@dataclass
class UploadOutcome:
    """Either a new version, or an upload waiting for the uploader's confirmation."""

    version: Version | None = None
    pending: PendingUpload | None = None


def upload_version(actor: User, manual: Manual, *, filename: str, data: bytes, note: str,
                   expected_number: int) -> UploadOutcome:
    """Check, convert and store a new version; hold it back when Word changes are inside.

    `expected_number` is the number the uploader saw as "next": if someone uploaded in the
    meantime, nothing is stored and StaleObject says so.
    """
    if not can(actor, Perm.UPLOAD_VERSION, manual):
        raise PermissionDenied()
    _check_not_stale(manual, expected_number)
    upload = check_file(filename, data)
    document = convert(upload)
    if document.has_tracked_changes or document.has_comments:
        stored = store_file(upload)
        pending = PendingUpload(
            manual_id=manual.id, user_id=actor.id, file_sha256=stored.sha256,
            original_filename=upload.filename, note=note, expected_number=expected_number,
            has_tracked_changes=document.has_tracked_changes,
            has_comments=document.has_comments)
        db.session.add(pending)
        db.session.flush()
        return UploadOutcome(pending=pending)
    return UploadOutcome(version=_create_version(actor, manual, upload, document, note))


def confirm_pending(actor: User, pending: PendingUpload) -> Version:
    """The uploader accepts an upload that contained tracked changes or comments."""
    manual = db.session.get(Manual, pending.manual_id)
    if pending.user_id != actor.id or not can(actor, Perm.UPLOAD_VERSION, manual):
        raise PermissionDenied()
    _check_not_stale(manual, pending.expected_number)
    stored = db.session.get(StoredFile, pending.file_sha256)
    upload = check_file(pending.original_filename, stored.data)
    version = _create_version(actor, manual, upload, convert(upload), pending.note,
                              accepted_word_changes=True)
    db.session.delete(pending)
    db.session.flush()
    return version


def cancel_pending(actor: User, pending: PendingUpload) -> None:
    """Drop a held-back upload; its file goes too unless a version uses the same bytes."""
    if pending.user_id != actor.id:
        raise PermissionDenied()
    sha = pending.file_sha256
    db.session.delete(pending)
    db.session.flush()
    still_used = db.session.scalar(
        sa.select(sa.func.count()).select_from(Version).where(Version.file_sha256 == sha)
    ) + db.session.scalar(
        sa.select(sa.func.count()).select_from(PendingUpload)
        .where(PendingUpload.file_sha256 == sha))
    if not still_used:
        db.session.execute(sa.delete(StoredFile).where(StoredFile.sha256 == sha))


def _check_not_stale(manual: Manual, expected_number: int) -> None:
    current = latest_number(manual)
    if expected_number != current + 1:
        raise StaleObject(_l(
            "Version %(number)d was uploaded while you were preparing yours. Reload the page, "
            "look at it, and upload again if yours is still needed.", number=current))


def _create_version(actor: User, manual: Manual, upload: CheckedUpload,
                    document: ConvertedDocument, note: str, *,
                    accepted_word_changes: bool = False) -> Version:
    stored = store_file(upload)
    number = latest_number(manual) + 1
    version = Version(
        manual_id=manual.id, number=number, file_sha256=stored.sha256,
        original_filename=upload.filename, format=upload.format, size=upload.size, note=note,
        uploaded_by_id=actor.id, block_count=len(document.blocks),
        word_count=sum(len(b.text.split()) for b in document.blocks),
        had_tracked_changes=document.has_tracked_changes, had_comments=document.has_comments)
    db.session.add(version)
    db.session.flush()
    db.session.execute(sa.insert(Block), [
        {"version_id": version.id, "position": i, "anchor": b.anchor, "kind": b.kind,
         "level": b.level, "number": b.number, "html": b.html, "text": b.text}
        for i, b in enumerate(document.blocks)])
    manual.last_activity_at = utcnow()
    from egi.comments.services import carry_forward  # comments build on manuals, not back

    carried = carry_forward(manual, version)
    record(actor, "manuals.version_uploaded", version,
           {"manual_id": manual.id, "number": number, "sha256": stored.sha256,
            "accepted_word_changes": accepted_word_changes, "comments_carried": carried})
    db.session.flush()
    return version


def mark_read(user: User, manual: Manual, version_number: int) -> int | None:
    """Remember the newest version the user opened; returns the number read before."""
    mark = db.session.scalar(sa.select(ReadMark).where(
        ReadMark.user_id == user.id, ReadMark.manual_id == manual.id))
    if mark is None:
        db.session.add(ReadMark(user_id=user.id, manual_id=manual.id,
                                version_number=version_number))
        db.session.flush()
        return None
    previous = mark.version_number
    if version_number > previous:
        mark.version_number, mark.read_at = version_number, utcnow()
        db.session.flush()
    return previous
