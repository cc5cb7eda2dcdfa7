"""record(): write an audit entry in the same transaction as the change it describes."""

from __future__ import annotations

from typing import Any

from egi.audit.models import AuditEntry
from egi.extensions import db


def record(
    actor,
    verb: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
    *,
    from_state: str | None = None,
) -> AuditEntry:
    """Add an audit entry for `actor` doing `verb` to `target`; flushed, never committed."""
    target_type = type(target).__name__ if target is not None else ""
    target_id = getattr(target, "id", None)
    label = ""
    if target is not None:
        label = str(getattr(target, "audit_label", None) or getattr(target, "email", "") or "")
    manual_id = (details or {}).get("manual_id")
    if target is not None and type(target).__name__ == "Manual":
        manual_id = target.id
    elif manual_id is None:
        manual_id = getattr(target, "manual_id", None)
    entry = AuditEntry(
        manual_id=manual_id,
        actor_id=getattr(actor, "id", None),
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:300],
        from_state=from_state,
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
