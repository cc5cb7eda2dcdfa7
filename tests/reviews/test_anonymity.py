"""Blind rounds stay blind: a canary reviewer name must not reach the consultant or an expert
on any channel (pages, block comments, replies, filters, exports, the JSON API, downloaded
files, notifications, e-mails). A control run with an open round must find the canary, so
the test can fail."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from egi.comments import services as comments
from egi.comments.models import Audience, Comment, CommentType
from egi.extensions import db
from egi.notifications.models import Notification, OutboxMessage
from tests.conftest import login
from tests.docgen import make_docx
from tests.reviews.helpers import (
    CANARY,
    CANARY_EMAIL,
    make_review,
    review_url,
    submit_review,
)

NEEDLES = ("Canaryfield", "canaryfield")


def _canary_docx() -> bytes:
    data = make_docx(["My review of the draft."], tracked_changes=True, comments=True,
                     core_author=CANARY)
    # Word also writes the author into tracked changes, comments and people.xml.
    from tests.docgen import rewrite_zip

    def name_everyone(xml: bytes) -> bytes:
        return re.sub(rb'(w:author|w:initials)="[^"]*"', b'\\1="' + CANARY.encode() + b'"', xml)

    return rewrite_zip(data, replace={"word/document.xml": name_everyone,
                                      "word/comments.xml": name_everyone},
                       add={"word/people.xml": (
                           '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/'
                           f'2012/wordml"><w15:person w15:author="{CANARY}"><w15:presenceInfo '
                           f'w15:providerId="AD" w15:userId="{CANARY_EMAIL}"/></w15:person>'
                           '</w15:people>').encode()})


def _bytes_of(data: bytes) -> bytes:
    """The bytes a reader gets, with ZIP members (docx) unpacked."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return data


@pytest.fixture(params=[True, False], ids=["blind", "open"])
def scene(request, app):
    review = make_review(blind=request.param)
    room = review.room
    consultation_free_version = room.version
    comments.add_comment(review.canary, consultation_free_version,
                         block_anchor=room.block("1 ¶1").anchor, quote="",
                         kind=CommentType.REVIEW, audience=Audience.TEAM, show_as_sector=False,
                         body="REVIEW-REMARK-1 needs a source", proposed_wording="")
    expert_comment = comments.add_comment(room.coordinator, room.version, block_anchor=None,
                                          quote="", kind=CommentType.GENERAL,
                                          audience=Audience.TEAM, show_as_sector=False,
                                          body="Coordinator note", proposed_wording="")
    comments.reply(review.canary, expert_comment, "REPLY-BY-REVIEWER agreed")
    submit_review(review.canary, review.a_canary, summary="SUMMARY-CANARY-REVIEW",
                  file=("my review.docx", _canary_docx()))
    submit_review(review.second, review.a_second)
    db.session.commit()
    return review, request.param


def _channels(client, review, reader) -> dict[str, bytes]:
    room = review.room
    m = room.manual.id
    remark = db.session.scalar(db.select(Comment).where(Comment.body.contains("REVIEW-REMARK")))
    thread = db.session.scalar(db.select(Comment).where(Comment.body == "Coordinator note"))
    urls = {
        "dashboard": "/", "manual": f"/manuals/{m}", "reading page": f"/manuals/{m}/v/1",
        "comment list": f"/manuals/{m}/comments",
        "author filter": f"/manuals/{m}/comments?author={review.canary.id}",
        "search": f"/manuals/{m}/comments?q=REVIEW-REMARK",
        "remark thread": f"/manuals/{m}/comments/{remark.id}",
        "reply thread": f"/manuals/{m}/comments/{thread.id}",
        "csv": f"/manuals/{m}/comments/export.csv",
        "docx matrix": f"/manuals/{m}/comments/export.docx",
        "json api": f"/manuals/{m}/comments.json",
        "json filtered": f"/manuals/{m}/comments.json?author={review.canary.id}",
        "rounds": f"/manuals/{m}/reviews", "round": f"/manuals/{m}/reviews/1",
        "nominations": f"/manuals/{m}/nominations",
        "notifications": "/notifications/", "audit": "/audit/",
        "review page": review_url(review, review.a_canary),
        "review file": review_url(review, review.a_canary, "/file"),
        "second review": review_url(review, review.a_second),
    }
    out = {name: _bytes_of(client.get(url).data) for name, url in urls.items()}
    out["outbox"] = "\n".join(f"{m.subject}\n{m.body}" for m in db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.recipient == reader.email))).encode()
    out["notification rows"] = "\n".join(n.message for n in db.session.scalars(
        db.select(Notification).where(Notification.user_id == reader.id))).encode()
    return out


def _leaks(seen: dict[str, bytes]) -> list[str]:
    return [name for name, data in seen.items() if any(n.encode() in data for n in NEEDLES)]


@pytest.mark.parametrize("reader_name", ["consultant", "ngo"])
def test_reviewer_identity_hidden_from_consultant_and_experts_in_blind_round(
        client, scene, reader_name):
    review, blind = scene
    reader = getattr(review.room, reader_name)
    login(client, reader)
    seen = _channels(client, review, reader)
    leaks = _leaks(seen)
    if blind:
        assert leaks == [], f"canary leaked to the {reader_name} through {leaks}"
        if reader_name == "consultant":
            assert b"SUMMARY-CANARY-REVIEW" in seen["review page"]  # the review is readable
            assert b"REVIEW-REMARK-1" in seen["reading page"]
            assert re.search(rb"Reviewer [12]", seen["reading page"])
            assert re.search(rb"Reviewer [12]", seen["outbox"])
        assert b"REPLY-BY-REVIEWER" in seen["reply thread"]
    else:  # control run: with names allowed, the canary must be found, so the test can fail
        assert {"round", "reading page", "comment list", "csv", "json api"} & set(leaks)
        if reader_name == "consultant":
            assert {"review page", "notification rows", "outbox"} <= set(leaks)


def test_scrubbed_file_keeps_its_text(client, scene):
    review, _blind = scene
    login(client, review.room.consultant)
    response = client.get(review_url(review, review.a_canary, "/file"))
    assert response.status_code == 200
    assert "reviewer" in response.headers["Content-Disposition"].lower()
    assert b"My review of the draft." in _bytes_of(response.data)


def test_coordinator_sees_who_wrote_what(client, scene):
    review, _blind = scene
    login(client, review.room.coordinator)
    m = review.room.manual.id
    for url in (f"/manuals/{m}/reviews/1", f"/manuals/{m}/comments",
                review_url(review, review.a_canary)):
        assert CANARY in client.get(url).get_data(as_text=True), url


def test_consultant_guessing_a_reviewer_gets_404_without_a_name(app, client):
    review = make_review()  # nothing submitted yet
    login(client, review.room.consultant)
    for url in (review_url(review, review.a_canary), review_url(review, review.a_canary, "/file"),
                f"/manuals/{review.room.manual.id}/reviews/1/r/{review.canary.id}",
                f"/manuals/{review.room.manual.id}/reviews/1/r/{review.a_canary.id}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Canaryfield" not in response.data


def test_pdf_metadata_is_scrubbed(app):
    from pypdf import PdfReader, PdfWriter

    from egi.reviews.scrub import scrub

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": CANARY, "/Creator": CANARY, "/Producer": CANARY})
    raw = io.BytesIO()
    writer.write(raw)
    clean = scrub(raw.getvalue(), "pdf")
    assert b"Canaryfield" in raw.getvalue() and b"Canaryfield" not in clean
    assert len(PdfReader(io.BytesIO(clean)).pages) == 1
