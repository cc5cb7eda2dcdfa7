"""Import every area's models so SQLAlchemy and Alembic see the whole schema."""

from egi.audit.models import AuditEntry
from egi.auth.models import Role, Sector, User
from egi.comments.models import Comment, CommentReply, Consultation
from egi.dissemination.models import DisseminationEvent, DownloadCount, EventAttachment, Release
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
from egi.reviews.models import (
    Endorsement,
    Nomination,
    ReminderLog,
    ReviewAssignment,
    ReviewRound,
    ReviewScore,
)
from egi.workflow.models import Approval, ManualTransition, SignOff

__all__ = [
    "AuditEntry", "Block", "Comment", "CommentReply", "Consultation", "Manual", "ManualMember",
    "Notification", "OutboxMessage", "PendingUpload", "ReadMark", "Role", "Sector",
    "StoredFile", "User", "Version", "Approval", "ManualTransition", "SignOff",
    "DisseminationEvent", "DownloadCount", "EventAttachment", "Release",
    "Endorsement", "Nomination", "ReminderLog", "ReviewAssignment", "ReviewRound", "ReviewScore",
]
