"""Writing, answering and carrying comments forward, with every bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from egi.comments.models import (
    AnchorState,
    Comment,
    CommentReply,
    CommentStatus,
    Consultation,
)
from egi.db import utcnow
from egi.extensions import db
from egi.notifications.models import Notification
from tests.comments.helpers import comment, make_room
from tests.conftest import login


@pytest.fixture
def room(app):
    return make_room()


def post_comment(client, room, **fields):
    block = room.block("1 ¶1")
    data = {"block": block.anchor, "quote": "", "kind": "technical", "audience": "team",
            "body": "Please name a contact point.", "proposed_wording": "", **fields}
    return client.post(f"/manuals/{room.manual.id}/v/1/comments", data=data)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_expert_comments_on_a_block_with_a_quote(app, client, room):
    login(client, room.ngo)
    response = post_comment(client, room, quote="sign the memorandum",
                            proposed_wording="sign and publish the memorandum")
    assert response.status_code == 302 and "#comment-" in response.location
    made = db.session.scalars(sa.select(Comment)).one()
    assert (made.block_number, made.chapter, made.quote) == ("1 ¶1", "1", "sign the memorandum")
    page = client.get(f"/manuals/{room.manual.id}/v/1").get_data(as_text=True)
    assert "Please name a contact point." in page and "sign and publish" in page


def test_general_comment_on_the_whole_document(app, client, room):
    login(client, room.ngo)
    post_comment(client, room, block="")
    made = db.session.scalars(sa.select(Comment)).one()
    assert made.block_id is None and made.is_general


def test_no_comments_outside_an_open_consultation(app, client):
    room = make_room(consultation=False)
    login(client, room.ngo)
    assert post_comment(client, room).status_code == 403
    page = client.get(f"/manuals/{room.manual.id}/v/1").get_data(as_text=True)
    assert "No consultation is open" in page and 'id="comment-dialog"' not in page
    assert count(Comment) == 0


def test_closed_consultation_stops_comments_until_reopened(app, client, room):
    login(client, room.coordinator)
    url = f"/manuals/{room.manual.id}/v/1/consultation"
    assert client.post(url, data={"action": "close"}).status_code == 302
    client.post("/logout")
    login(client, room.ngo)
    assert post_comment(client, room).status_code == 403
    client.post("/logout")
    login(client, room.coordinator)
    later = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data={"closes_at": later}).status_code == 302
    client.post("/logout")
    login(client, room.ngo)
    assert post_comment(client, room).status_code == 302


def test_consultation_dates_must_be_in_the_future(app, client):
    room = make_room(consultation=False)
    login(client, room.coordinator)
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/manuals/{room.manual.id}/v/1/consultation",
                           data={"closes_at": past}, follow_redirects=True)
    assert b"must be in the future" in response.data
    assert count(Consultation) == 0


def test_only_the_coordinator_manages_consultations(app, client, room):
    login(client, room.consultant)
    url = f"/manuals/{room.manual.id}/v/1/consultation"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"action": "close"}).status_code == 403


def test_opening_a_consultation_tells_the_team(app, client):
    room = make_room(consultation=False)
    login(client, room.coordinator)
    later = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/manuals/{room.manual.id}/v/1/consultation", data={"closes_at": later})
    notes = db.session.scalars(sa.select(Notification.user_id)
                               .where(Notification.message.contains("Consultation open"))).all()
    assert set(notes) == {room.consultant.id, room.law.id, room.ngo.id, room.labour.id,
                          room.reviewer.id}


@pytest.mark.parametrize("body, message", [
    ("", "the comment is empty"),
    ("   ", "the comment is empty"),
    ("x" * 5001, "at most 5000 characters"),
])
def test_empty_or_long_comments_are_refused(app, client, room, body, message):
    login(client, room.ngo)
    response = post_comment(client, room, body=body)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("5,000", "5000")
    assert count(Comment) == 0


def test_comment_on_another_manuals_block_is_404(app, client, room):
    from egi.manuals import services as manual_services

    other = manual_services.create_manual(room.coordinator, title="Other", description="",
                                          working_language="en")
    manual_services.add_member(room.coordinator, other, room.consultant)
    foreign = manual_services.upload_version(room.consultant, other, filename="o.md",
                                             data=b"# O\n\nForeign block.", note="",
                                             expected_number=1).version
    db.session.commit()
    from egi.manuals.models import Block

    foreign_block = db.session.scalars(sa.select(Block).where(
        Block.version_id == foreign.id)).first()
    login(client, room.ngo)
    assert post_comment(client, room, block=foreign_block.anchor).status_code == 404
    assert count(Comment) == 0


def test_html_in_comments_is_shown_as_text(app, client, room):
    login(client, room.ngo)
    post_comment(client, room, body="<script>alert('x')</script><b>bold</b>")
    page = client.get(f"/manuals/{room.manual.id}/v/1").get_data(as_text=True)
    assert "<script>alert('x')" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_replies_form_a_thread_and_notify_the_author(app, client, room):
    made = comment(room, room.ngo, "Where is the referral form?")
    login(client, room.consultant)
    url = f"/manuals/{room.manual.id}/comments/{made.id}"
    assert client.post(url + "/replies", data={"body": "In annex 2."}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "In annex 2." in page
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == room.ngo.id, Notification.message.contains("reply"))) == 1


def test_reply_to_invisible_comment_is_404(app, client, room):
    from egi.comments.models import Audience

    secret = comment(room, room.law, "Police only", audience=Audience.SECTOR)
    login(client, room.ngo)
    response = client.post(f"/manuals/{room.manual.id}/comments/{secret.id}/replies",
                           data={"body": "Let me in"})
    assert response.status_code == 404
    assert count(CommentReply) == 0
    assert client.get(f"/manuals/{room.manual.id}/comments/99999").status_code == 404


def test_author_edits_and_retracts_until_someone_replies(app, client, room):
    made = comment(room, room.ngo, "First thought")
    url = f"/manuals/{room.manual.id}/comments/{made.id}"
    login(client, room.ngo)
    response = client.post(url + "/edit", data={"revision": made.revision, "kind": "editorial",
                                                "body": "Second thought",
                                                "proposed_wording": ""})
    assert response.status_code == 302
    db.session.expire_all()
    made = db.session.get(Comment, made.id)
    assert made.body == "Second thought" and made.edited_at is not None
    client.post("/logout")
    login(client, room.consultant)
    client.post(url + "/replies", data={"body": "Thanks"})
    client.post("/logout")
    login(client, room.ngo)
    assert client.get(url + "/edit").status_code == 403
    response = client.post(url + "/retract", data={"revision": made.revision})
    assert response.status_code == 403


def test_retraction_leaves_a_visible_trace(app, client, room):
    made = comment(room, room.ngo, "Withdrawn idea")
    login(client, room.ngo)
    client.post(f"/manuals/{room.manual.id}/comments/{made.id}/retract",
                data={"revision": made.revision})
    client.post("/logout")
    login(client, room.labour)
    page = client.get(f"/manuals/{room.manual.id}/v/1").get_data(as_text=True)
    assert "Retracted by its author" in page and "Withdrawn idea" not in page


def test_others_cannot_edit(app, client, room):
    made = comment(room, room.ngo, "Mine")
    login(client, room.labour)
    assert client.get(f"/manuals/{room.manual.id}/comments/{made.id}/edit").status_code == 403


def dispose(client, room, made, disposition="not_accepted", response="Out of scope.",
            revision=None, duplicate_of=""):
    return client.post(f"/manuals/{room.manual.id}/comments/{made.id}/disposition", data={
        "revision": revision or made.revision, "disposition": disposition,
        "response": response, "duplicate_of": duplicate_of}, follow_redirects=True)


def test_disposition_and_commenter_answer_close_the_comment(app, client, room):
    made = comment(room, room.ngo, "Add consent")
    login(client, room.consultant)
    page = dispose(client, room, made, "partially_accepted", "Consent added for adults.")
    assert b"Disposition saved" in page.data
    db.session.expire_all()
    made = db.session.get(Comment, made.id)
    assert made.status == CommentStatus.ANSWERED
    client.post("/logout")
    login(client, room.ngo)
    client.post(f"/manuals/{room.manual.id}/comments/{made.id}/response",
                data={"revision": made.revision, "response": "can_live_with", "note": ""})
    db.session.expire_all()
    assert db.session.get(Comment, made.id).status == CommentStatus.CLOSED


def test_maintained_objection_stays_blocking_and_needs_a_reason(app, client, room):
    made = comment(room, room.ngo, "Consent is not optional")
    login(client, room.consultant)
    dispose(client, room, made)
    client.post("/logout")
    db.session.expire_all()
    made = db.session.get(Comment, made.id)
    login(client, room.ngo)
    url = f"/manuals/{room.manual.id}/comments/{made.id}/response"
    page = client.post(url, data={"revision": made.revision, "response": "maintains_objection",
                                  "note": ""}, follow_redirects=True)
    assert b"Say why you maintain the objection" in page.data
    client.post(url, data={"revision": made.revision, "response": "maintains_objection",
                           "note": "Consent protects victims."})
    client.post("/logout")
    login(client, room.coordinator)
    page = client.get(f"/manuals/{room.manual.id}/comments?blocking=1").get_data(as_text=True)
    assert "Consent is not optional" in page and "Objection maintained" in page


def test_response_is_required_except_for_accepted(app, client, room):
    made = comment(room, room.ngo, "Shorten")
    login(client, room.consultant)
    page = dispose(client, room, made, "noted", "")
    assert b"a response is required" in page.data
    db.session.expire_all()
    assert db.session.get(Comment, made.id).disposition is None
    page = dispose(client, room, made, "accepted", "")
    assert b"Disposition saved" in page.data


def test_duplicate_must_name_a_visible_comment(app, client, room):
    first = comment(room, room.ngo, "Add consent")
    second = comment(room, room.labour, "Consent please")
    login(client, room.consultant)
    page = dispose(client, room, second, "duplicate", "Same as the NGO comment.",
                   duplicate_of="999")
    assert b"Give the number of the comment" in page.data
    page = dispose(client, room, second, "duplicate", "Same as the NGO comment.",
                   duplicate_of=str(first.id))
    assert b"Disposition saved" in page.data


def test_only_the_consultant_disposes(app, client, room):
    made = comment(room, room.ngo, "x")
    for person in (room.coordinator, room.labour, room.ngo):
        login(client, person)
        response = client.post(f"/manuals/{room.manual.id}/comments/{made.id}/disposition",
                               data={"revision": made.revision, "disposition": "accepted"})
        assert response.status_code == 403, person.display_name
        client.post("/logout")


def test_two_people_answering_at_once_second_is_told_to_reload(app, client, room):
    made = comment(room, room.ngo, "Race")
    stale_revision = made.revision
    login(client, room.consultant)
    dispose(client, room, made, "accepted", "", revision=stale_revision)
    page = dispose(client, room, made, "not_accepted", "No.", revision=stale_revision)
    assert b"Reload the page" in page.data
    db.session.expire_all()
    assert db.session.get(Comment, made.id).disposition.value == "accepted"


def test_open_comments_move_to_the_new_version(app, client, room):
    from egi.comments.models import Audience
    from egi.manuals import services as manual_services

    kept = comment(room, room.ngo, "On the police paragraph", block="1 ¶1")
    edited = comment(room, room.labour, "On the referral paragraph", block="1 ¶2")
    gone = comment(room, room.law, "On the NGO paragraph", block="2 ¶1",
                   audience=Audience.SECTOR)
    closed = comment(room, room.ngo, "Closed one", block="1 ¶1")
    login(client, room.consultant)
    dispose(client, room, closed, "accepted", "")
    client.post("/logout")
    login(client, room.ngo)
    client.post(f"/manuals/{room.manual.id}/comments/{closed.id}/response",
                data={"revision": closed.revision + 1, "response": "satisfied"})
    new_text = ("# 1 Law enforcement\n\nPolice sign the memorandum with partners.\n\n"
                "Officers refer presumed victims within 12 hours to a specialised NGO.\n")
    manual_services.upload_version(room.consultant, room.manual, filename="v2.md",
                                   data=new_text.encode(), note="", expected_number=2)
    db.session.commit()
    db.session.expire_all()
    kept, edited, gone, closed = (db.session.get(Comment, c.id)
                                  for c in (kept, edited, gone, closed))
    v2 = room.manual.id and db.session.scalar(sa.text("SELECT id FROM version WHERE number=2"))
    assert (kept.version_id, kept.anchor_state) == (v2, AnchorState.UNCHANGED)
    assert (edited.version_id, edited.anchor_state) == (v2, AnchorState.CHANGED)
    assert (gone.version_id, gone.anchor_state, gone.block_id) == (v2, AnchorState.OUTDATED,
                                                                   None)
    assert closed.version_id == room.version.id
    page = client.get(f"/manuals/{room.manual.id}/comments/{edited.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, room.labour)
    page = client.get(f"/manuals/{room.manual.id}/comments/{edited.id}").get_data(as_text=True)
    assert "What changed in the commented text" in page
    assert "[inserted: </span>12" in page and "[deleted: </span>24" in page


def test_comment_list_filters_and_search(app, client, room):
    from egi.comments.models import CommentType

    comment(room, room.ngo, "Shelter capacity", kind=CommentType.EDITORIAL, block="2 ¶1")
    comment(room, room.labour, "Inspection powers", block="1 ¶2")
    login(client, room.coordinator)
    base = f"/manuals/{room.manual.id}/comments"
    assert "Shelter capacity" in client.get(base + "?type=editorial").get_data(as_text=True)
    assert "Inspection powers" not in client.get(base + "?type=editorial").get_data(
        as_text=True)
    assert "Inspection powers" in client.get(base + "?sector=labour").get_data(as_text=True)
    assert "Shelter" in client.get(base + "?chapter=2").get_data(as_text=True)
    page = client.get(base + "?q=powers").get_data(as_text=True)
    assert "Inspection powers" in page and "Shelter capacity" not in page
    assert client.get(base + "?q=%25_%5C&type=bogus&status=nope").status_code == 200


def test_exports_use_the_iso_columns(app, client, room):
    comment(room, room.ngo, "=HYPERLINK(\"http://evil\")", proposed="Better text")
    login(client, room.coordinator)
    csv_text = client.get(f"/manuals/{room.manual.id}/comments/export.csv").get_data(
        as_text=True)
    header = csv_text.splitlines()[0]
    for column in ("Member / sector", "Clause", "Paragraph / figure / table", "Type",
                   "Proposed change", "Observations", "Version", "Status",
                   "Commenter response"):
        assert column in header
    assert "'=HYPERLINK" in csv_text  # formula injection neutralised
    docx = client.get(f"/manuals/{room.manual.id}/comments/export.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_reading_page_queries_do_not_grow_with_comments(app, client, room, count_queries):
    login(client, room.ngo)
    comment(room, room.ngo, "The first comment")
    client.get(f"/manuals/{room.manual.id}/v/1")
    with count_queries() as few:
        client.get(f"/manuals/{room.manual.id}/v/1")
    for i in range(30):
        made = comment(room, room.labour if i % 2 else room.ngo, f"Comment {i}",
                       block="1 ¶1" if i % 3 else "2 ¶1")
        if i % 5 == 0:
            from egi.comments import services

            services.reply(room.consultant, made, "ok")
            db.session.commit()
    with count_queries() as many:
        page = client.get(f"/manuals/{room.manual.id}/v/1")
    assert b"Comment 29" in page.data
    assert len(many) == len(few)
