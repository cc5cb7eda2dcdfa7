"""Queue notifications and e-mails inside the current transaction; deliver mail later."""

from __future__ import annotations

import logging
import smtplib

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from egi.db import utcnow
from egi.extensions import db, mail
from egi.notifications.models import Notification, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def notify(user, message_factory, link: str = "") -> Notification:
    """Add an in-app notification; `message_factory()` is called in the recipient's language."""
    with force_locale(user.locale or "en"):
        text = str(message_factory())
    note = Notification(user_id=user.id, message=text[:500], link=link)
    db.session.add(note)
    db.session.flush()
    return note


def queue_mail(user, template: str, subject_factory, **context) -> OutboxMessage:
    """Render templates/email/<template>.txt in the recipient's language into the outbox."""
    with force_locale(user.locale or "en"):
        subject = str(subject_factory())
        body = render_template(f"email/{template}.txt", user=user, **context)
    message = OutboxMessage(recipient=user.email, subject=subject[:300], body=body,
                            digest=bool(user.email_digest))
    db.session.add(message)
    db.session.flush()
    return message


def unread_count(user) -> int:
    """How many notifications the user has not read yet."""
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user) -> int:
    """Mark the user's notifications read; returns how many changed."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def deliver_outbox(limit: int = 100) -> tuple[int, int]:
    """Send pending mail through SMTP (or to the log when MAIL_SERVER is unset).

    Each message is committed as sent on its own, so a failure halfway loses nothing
    and sends nothing twice. Returns (sent, failed).
    """
    pending = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
               OutboxMessage.digest.is_(False))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    use_smtp = bool(current_app.config.get("MAIL_SERVER"))
    for message in pending:
        message.attempts += 1
        try:
            if use_smtp:
                mail.send(
                    Message(subject=message.subject, recipients=[message.recipient],
                            body=message.body)
                )
            else:
                log.info(
                    "mail (no MAIL_SERVER set) to=%s subject=%s\n%s",
                    message.recipient, message.subject, message.body,
                )
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            message.last_error = str(exc)[:500]
            failed += 1
            log.warning("mail to %s failed: %s", message.recipient, exc)
        db.session.commit()
    return sent, failed


def build_digests() -> int:
    """Gather each person's held e-mails into one digest e-mail; returns how many digests.

    The held messages are marked sent in the same transaction as the digest is queued, so
    nothing is mailed twice; `deliver_outbox()` then sends the digests.
    """
    from egi.auth.models import User

    held = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.digest.is_(True))
        .order_by(OutboxMessage.recipient, OutboxMessage.id)).all()
    by_recipient: dict[str, list[OutboxMessage]] = {}
    for message in held:
        by_recipient.setdefault(message.recipient, []).append(message)
    now = utcnow()
    for recipient, messages in by_recipient.items():
        user = db.session.scalar(sa.select(User).where(User.email == recipient))
        with force_locale((user.locale if user else None) or "en"):
            subject = str(_l("Your EGI digest: %(num)d messages", num=len(messages)))
            body = render_template("email/digest.txt", user=user, messages=messages)
        db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        for message in messages:
            message.sent_at = now
    db.session.flush()
    return len(by_recipient)
