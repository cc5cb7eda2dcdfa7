"""Health check, migrations matching the models, audit log, outbox, demo data."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from egi.audit.models import AuditEntry, AuditLogIsAppendOnly
from egi.audit.services import record
from egi.auth.models import Role, User
from egi.extensions import db
from egi.notifications.models import Notification, OutboxMessage
from egi.notifications.services import deliver_outbox, notify, queue_mail
from tests.conftest import login
from tests.factories import make_user


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_no_table_is_called_user(app):
    assert "user" not in db.metadata.tables


def test_audit_entries_cannot_be_changed_or_deleted(app):
    user = make_user()
    entry = record(user, "test.did", user, {"k": "v"})
    db.session.commit()
    entry.verb = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_audit_page_is_for_coordinator_only(app, client):
    expert = make_user(Role.EXPERT)
    coordinator = make_user(Role.COORDINATOR)
    record(coordinator, "members.invited", expert)
    db.session.commit()
    login(client, expert)
    assert client.get("/audit/").status_code == 403
    client.post("/logout")
    login(client, coordinator)
    page = client.get("/audit/?verb=members.invited").get_data(as_text=True)
    assert "members.invited" in page


def test_rolled_back_action_sends_no_mail(app):
    user = make_user()
    db.session.commit()
    queue_mail(user, "password_reset", lambda: "subject", link="http://x")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_outbox_without_smtp_logs_and_marks_sent_once(app, caplog):
    user = make_user()
    queue_mail(user, "password_reset", lambda: "Reset", link="http://example/link")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="egi.notifications.services"):
        assert deliver_outbox() == (1, 0)
    assert "http://example/link" in caplog.text
    assert deliver_outbox() == (0, 0)


def test_outbox_delivers_through_smtp(make_app):
    app = make_app(MAIL_SERVER="localhost", MAIL_SUPPRESS_SEND=True)
    from egi.extensions import mail

    with app.app_context():
        user = make_user(email="to@example.org")
        queue_mail(user, "password_reset", lambda: "Reset", link="http://l")
        db.session.commit()
        with mail.record_messages() as outbox:
            assert deliver_outbox() == (1, 0)
        assert outbox[0].recipients == ["to@example.org"]


def test_unread_notification_count_in_header(app, client):
    user = make_user()
    notify(user, lambda: "Someone replied", link="/")
    notify(user, lambda: "Another thing")
    db.session.commit()
    login(client, user)
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge badge-count">2' in page
    assert "Someone replied" in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/read")
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.read_at.is_(None))) == 0


def test_demo_command_is_idempotent(app, runner):
    from egi.demo import DEMO_PASSWORD

    first = runner.invoke(args=["egi", "demo"])
    assert first.exit_code == 0, first.output
    assert "coordinator@egi.test" in first.output and DEMO_PASSWORD in first.output
    assert runner.invoke(args=["egi", "demo"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 10
    skipped = runner.invoke(args=["egi", "demo", "--if-empty"])
    assert "left as it is" in skipped.output


def test_every_demo_account_signs_in_and_sees_a_dashboard(app, runner):
    from egi.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    runner.invoke(args=["egi", "demo"])
    for email, name, role, _sector, _org in DEMO_ACCOUNTS:
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302, email
        page = client.get("/").get_data(as_text=True)
        assert name in page and str(role.label) in page


def test_send_mail_command(app, runner):
    user = make_user()
    queue_mail(user, "password_reset", lambda: "Reset", link="http://l")
    db.session.commit()
    result = runner.invoke(args=["egi", "send-mail"])
    assert "sent 1, failed 0" in result.output
