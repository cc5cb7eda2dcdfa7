"""Import every area's models so SQLAlchemy and Alembic see the whole schema."""

from egi.audit.models import AuditEntry
from egi.auth.models import Role, Sector, User
from egi.comments.models import Comment, CommentReply, Consultation
from egi.manuals.models import (
    Block,
    Manual,
    ManualMember,
    PendingUpload,
    ReadMark,
    StoredFile,
    Version,
)
from egi.notifications.models import Notification, OutboxMessage

__all__ = [
    "AuditEntry", "Block", "Comment", "CommentReply", "Consultation", "Manual", "ManualMember",
    "Notification", "OutboxMessage", "PendingUpload", "ReadMark", "Role", "Sector",
    "StoredFile", "User", "Version",
]
