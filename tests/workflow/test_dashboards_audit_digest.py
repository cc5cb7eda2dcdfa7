"""Task dashboards per role, the audit log's filters and CSV, and daily digests."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from egi.db import utcnow
from egi.extensions import db
from egi.notifications.models import OutboxMessage
from egi.workflow import engine
from egi.workflow.engine import Action, Step
from tests.comments.helpers import comment, make_room
from tests.conftest import login


def test_dashboards_list_what_waits_on_each_role(app, client):
    room = make_room()
    made = comment(room, room.ngo, "Please add consent")
    login(client, room.consultant)
    assert "1 comment without disposition" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(client, room.labour)
    page = client.get("/").get_data(as_text=True)
    assert "Consultation open on Guiding Principles" in page
    from egi.comments import services
    from egi.comments.models import Disposition

    services.dispose(room.consultant, made, disposition=Disposition.NOT_ACCEPTED,
                     response="No", duplicate_of_id=None, expected_revision=made.revision)
    db.session.commit()
    client.post("/logout")
    login(client, room.ngo)
    assert "was answered" in client.get("/").get_data(as_text=True)


def test_coordinator_sees_closing_consultations_and_blocking_items(app, client):
    room = make_room(consultation=False)
    from egi.comments import services

    services.start_consultation(room.coordinator, room.version, utcnow() + timedelta(hours=20))
    db.session.commit()
    login(client, room.coordinator)
    assert "closes soon" in client.get("/").get_data(as_text=True)


def test_dashboard_query_count_is_fixed(app, client, count_queries):
    room = make_room()
    login(client, room.consultant)
    comment(room, room.ngo, "one")
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for i in range(10):
        comment(room, room.labour, f"more {i}")
    with count_queries() as many:
        client.get("/")
    assert len(few) == len(many)


def test_audit_log_filters_and_exports(app, client):
    room = make_room(consultation=False)
    engine.apply(room.manual, Action.WITHDRAW, Step(actor=room.coordinator, note="End"),
                 expected_state=room.manual.state)
    db.session.commit()
    login(client, room.coordinator)
    page = client.get(f"/audit/?manual={room.manual.id}&verb=workflow.withdraw")
    text = page.get_data(as_text=True)
    assert "workflow.withdraw" in text and "Drafting" in text
    assert "manuals.created" not in text.split("<tbody>")[1]
    csv_text = client.get(f"/audit/export.csv?manual={room.manual.id}").get_data(as_text=True)
    assert "workflow.withdraw" in csv_text and "drafting" in csv_text
    assert client.get("/audit/?since=not-a-date&manual=x").status_code == 200
    client.post("/logout")
    login(client, room.consultant)
    assert client.get("/audit/export.csv").status_code == 403


def test_digest_holds_mail_and_sends_one_per_day(app, client, runner):
    room = make_room(consultation=False)
    room.ngo.email_digest = True
    db.session.commit()
    from egi.comments import services

    services.start_consultation(room.coordinator, room.version, utcnow() + timedelta(days=3))
    db.session.commit()
    held = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == room.ngo.email)).all()
    assert held and all(m.digest for m in held)
    result = runner.invoke(args=["egi", "send-mail"])
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.recipient == room.ngo.email, OutboxMessage.sent_at.is_not(None))) == 0
    result = runner.invoke(args=["egi", "send-digests"])
    assert "digests 1" in result.output
    db.session.expire_all()
    digest = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == room.ngo.email, OutboxMessage.digest.is_(False))).one()
    assert "digest" in digest.subject and digest.sent_at is not None
    assert "digests 0" in runner.invoke(args=["egi", "send-digests"]).output


def test_profile_offers_the_digest_choice(app, client):
    room = make_room(consultation=False)
    login(client, room.ngo)
    client.post("/members/me", data={"display_name": "Nadia Noor", "organisation": "NGO",
                                     "locale": "en", "email_digest": "y"})
    db.session.expire_all()
    from egi.auth.models import User

    assert db.session.get(User, room.ngo.id).email_digest is True
