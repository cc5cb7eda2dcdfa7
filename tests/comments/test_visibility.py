"""Who sees a comment: every audience x role, on every channel that could leak it.

A canary text is written with each audience; for each reader and each channel (reading page,
comment list, search, thread, counts, notifications, CSV, Word export, JSON API, coverage)
the canary must appear exactly when the audience rule says so.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from egi.comments.models import Audience, Comment
from egi.extensions import db
from egi.notifications.models import Notification
from egi.permissions import Perm, can, visible_comments_clause
from tests.comments.helpers import comment, make_room
from tests.conftest import login

CANARY = "CANARY-{audience}-7f3a"

# reader -> audience -> may read (author is the law-enforcement expert)
EXPECTED = {
    "law": {"team": True, "sector": True, "coordination": True},  # the author
    "ngo": {"team": True, "sector": False, "coordination": False},
    "labour": {"team": True, "sector": False, "coordination": False},
    "reviewer": {"team": True, "sector": False, "coordination": False},
    "consultant": {"team": True, "sector": True, "coordination": True},
    "coordinator": {"team": True, "sector": True, "coordination": True},
    "admin": {"team": True, "sector": True, "coordination": True},
    "outsider": {"team": False, "sector": False, "coordination": False},
    "law2": {"team": True, "sector": True, "coordination": False},  # same sector, not author
}


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


@pytest.fixture
def room(app):
    from egi.auth.models import Role, Sector
    from egi.manuals import services as manual_services
    from tests.factories import make_user

    room = make_room()
    law2 = make_user(Role.EXPERT, Sector.LAW_ENFORCEMENT, name="Leo Second")
    manual_services.add_member(room.coordinator, room.manual, law2)
    room.law2 = law2
    for audience in Audience:
        comment(room, room.law, CANARY.format(audience=audience.value) + " @Nadia Noor",
                audience=audience)
    db.session.commit()
    return room


def channels(client, room) -> dict[str, str]:
    m = room.manual.id
    out = {
        "reading page": client.get(f"/manuals/{m}/v/1").get_data(as_text=True),
        "comment list": client.get(f"/manuals/{m}/comments").get_data(as_text=True),
        "search": client.get(f"/manuals/{m}/comments?q=CANARY").get_data(as_text=True),
        "csv": client.get(f"/manuals/{m}/comments/export.csv").get_data(as_text=True),
        "api": client.get(f"/manuals/{m}/comments.json").get_data(as_text=True),
    }
    docx = client.get(f"/manuals/{m}/comments/export.docx")
    out["word export"] = docx_text(docx.data) if docx.status_code == 200 else ""
    return out


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_every_channel_obeys_the_audience(app, client, room, reader):
    person = getattr(room, reader)
    login(client, person)
    seen = channels(client, room)
    for audience in Audience:
        canary = CANARY.format(audience=audience.value)
        expected = EXPECTED[reader][audience.value]
        for channel, text in seen.items():
            assert (canary in text) is expected, (reader, audience.value, channel)
        thread = db.session.scalar(db.select(Comment).where(Comment.body.contains(canary)))
        response = client.get(f"/manuals/{room.manual.id}/comments/{thread.id}")
        if expected:
            assert response.status_code == 200
        else:
            assert response.status_code in (403, 404)
            assert canary.encode() not in response.data
        reply = client.post(f"/manuals/{room.manual.id}/comments/{thread.id}/replies",
                            data={"body": "hello"})
        if not expected:
            assert reply.status_code in (403, 404)


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_counts_match_what_the_reader_may_see(app, client, room, reader):
    person = getattr(room, reader)
    login(client, person)
    page = client.get(f"/manuals/{room.manual.id}/v/1").get_data(as_text=True)
    visible = sum(EXPECTED[reader].values())
    if reader == "outsider":
        return
    assert f"{visible} comment" in page  # the banner count


def test_mentions_notify_only_readers(app, room):
    # Nadia (NGO) was mentioned in all three; only the team comment may reach her.
    notes = db.session.scalars(db.select(Notification).where(
        Notification.user_id == room.ngo.id)).all()
    mentions = [n for n in notes if "mentioned" in n.message]
    assert len(mentions) == 1


def test_reply_notifications_respect_the_audience(app, client, room):
    sector_only = db.session.scalar(db.select(Comment).where(
        Comment.audience == Audience.SECTOR))
    login(client, room.consultant)
    client.post(f"/manuals/{room.manual.id}/comments/{sector_only.id}/replies",
                data={"body": "Noted, we will check with the police."})
    author_notes = db.session.scalars(db.select(Notification).where(
        Notification.user_id == room.law.id, Notification.message.contains("reply"))).all()
    assert len(author_notes) == 1
    assert not db.session.scalars(db.select(Notification).where(
        Notification.user_id == room.ngo.id, Notification.message.contains("reply"))).all()


def test_coverage_is_for_the_coordinator(app, client, room):
    login(client, room.ngo)
    assert client.get(f"/manuals/{room.manual.id}/coverage").status_code == 403
    client.post("/logout")
    login(client, room.coordinator)
    page = client.get(f"/manuals/{room.manual.id}/coverage").get_data(as_text=True)
    assert "Law enforcement" in page and "nobody yet" in page


def test_sql_filter_and_object_rule_agree(app, room):
    comments = db.session.scalars(db.select(Comment)).all()
    for reader in EXPECTED:
        person = getattr(room, reader)
        by_sql = set(db.session.scalars(db.select(Comment.id).where(
            visible_comments_clause(person, room.manual))))
        by_rule = {c.id for c in comments if can(person, Perm.VIEW_COMMENT, c)}
        assert by_sql == by_rule, reader


def test_author_shown_as_sector_is_not_named_to_peers(app, client, room):
    comment(room, room.labour, "Shown as sector only", as_sector=True)
    login(client, room.ngo)
    for url in (f"/manuals/{room.manual.id}/comments", f"/manuals/{room.manual.id}/v/1",
                f"/manuals/{room.manual.id}/comments/export.csv",
                f"/manuals/{room.manual.id}/comments.json"):
        text = client.get(url).get_data(as_text=True)
        assert "An expert from Labour inspectorate" in text, url
        assert "Lars Lindqvist" not in text, url
    # Filtering by his id must not reveal which comments are his.
    filtered = client.get(f"/manuals/{room.manual.id}/comments?author={room.labour.id}")
    assert "Shown as sector only" not in filtered.get_data(as_text=True)
    client.post("/logout")
    login(client, room.coordinator)
    assert "Lars Lindqvist" in client.get(f"/manuals/{room.manual.id}/comments").get_data(
        as_text=True)
