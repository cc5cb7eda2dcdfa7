"""`flask egi send-reminders`: before the due date and when overdue, never twice."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from egi.db import utcnow
from egi.extensions import db
from egi.notifications.models import OutboxMessage
from egi.reviews import services
from egi.reviews.models import ReminderLog
from tests.conftest import login
from tests.reviews.helpers import make_review, submit_review


def _subjects(person) -> list[str]:
    return [m.subject for m in db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.recipient == person.email).order_by(OutboxMessage.id))]


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(app, runner):
    review = make_review(days=10)
    submit_review(review.second, review.a_second)  # submitted: no reminder
    db.session.commit()
    start = utcnow()
    with freeze_time(start + timedelta(days=2)):
        assert "reminders queued: 0" in runner.invoke(args=["egi", "send-reminders"]).output
    with freeze_time(start + timedelta(days=8)):
        assert "reminders queued: 1" in runner.invoke(args=["egi", "send-reminders"]).output
        assert "reminders queued: 0" in runner.invoke(args=["egi", "send-reminders"]).output
    with freeze_time(start + timedelta(days=11)):
        runner.invoke(args=["egi", "send-reminders"])
        runner.invoke(args=["egi", "send-reminders"])
    db.session.rollback()
    reminders = [s for s in _subjects(review.canary) if s.startswith("Review")]
    assert reminders == ["Review due soon: Guiding Principles",
                         "Review overdue: Guiding Principles"]
    assert not [s for s in _subjects(review.second) if s.startswith("Review")]
    body = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.subject.startswith("Review overdue"))).one().body
    assert "http://127.0.0.1:5000/manuals/" in body


def test_an_extension_earns_new_reminders_and_the_setting_is_read(make_app):
    app = make_app(REVIEW_REMINDER_DAYS=1)
    with app.test_request_context():
        review = make_review(days=3)
        start = utcnow()
        with freeze_time(start + timedelta(days=1)):
            assert services.send_reminders(days_before=1) == 0
        with freeze_time(start + timedelta(days=4)):
            assert services.send_reminders() == 2  # overdue, both reviewers
            services.grant_extension(review.room.coordinator, review.a_canary,
                                     until=utcnow() + timedelta(days=2), reason="Ill")
            assert services.send_reminders() == 1  # due soon under the new date
            assert services.send_reminders() == 0
        db.session.commit()
        assert db.session.query(ReminderLog).count() == 3
        result = app.test_cli_runner().invoke(args=["egi", "send-reminders"])
        assert result.exit_code == 0


def test_coordinator_sees_who_is_late(app, client):
    review = make_review(days=1)
    with freeze_time(utcnow() + timedelta(days=2)):
        login(client, review.room.coordinator)
        page = client.get(f"/manuals/{review.room.manual.id}/reviews/1").get_data(as_text=True)
    assert "2 reviewers are late" in page and "Overdue" in page
