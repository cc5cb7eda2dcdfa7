"""Workflow through the web: actions as POSTs, 409 pages, sign-off, public release."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from egi.db import utcnow
from egi.extensions import db
from egi.manuals.models import Manual, ManualState
from egi.workflow import engine
from egi.workflow.engine import Action, Step
from tests.comments.helpers import make_room
from tests.conftest import login


@pytest.fixture
def room(app):
    return make_room(consultation=False)


def to_state(room, *actions):
    for action, extra in actions:
        engine.apply(room.manual, action, Step(actor=room.coordinator, **extra),
                     expected_state=room.manual.state)
    db.session.commit()


def approved(room):
    to_state(room, (Action.OPEN_CONSULTATION, {"closes_at": utcnow() + timedelta(days=2)}),
             (Action.START_REVISION, {}), (Action.REQUEST_APPROVAL, {}), (Action.APPROVE, {}))


def post(client, room, action, **data):
    data.setdefault("expected_state", room.manual.state.value)
    return client.post(f"/manuals/{room.manual.id}/workflow/{action}", data=data,
                       follow_redirects=True)


def state_of(room) -> ManualState:
    db.session.expire_all()
    return db.session.get(Manual, room.manual.id).state


def test_manual_page_shows_status_next_step_and_actions(app, client, room):
    login(client, room.coordinator)
    page = client.get(f"/manuals/{room.manual.id}").get_data(as_text=True)
    assert "Status" in page and "Next:" in page and "Open the expert consultation" in page
    assert 'role="img"' in page and "Workflow of this manual" in page
    client.post("/logout")
    login(client, room.ngo)
    page = client.get(f"/manuals/{room.manual.id}").get_data(as_text=True)
    assert "Next:" in page and "/workflow/" not in page


def test_coordinator_opens_consultation_by_post(app, client, room):
    login(client, room.coordinator)
    later = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    page = post(client, room, "open_consultation", closes_at=later, note="Round one")
    assert "The manual is now" in page.get_data(as_text=True)
    assert state_of(room) == ManualState.CONSULTATION
    assert "Round one" in client.get(f"/manuals/{room.manual.id}").get_data(as_text=True)


def test_double_click_applies_once(app, client, room):
    login(client, room.coordinator)
    first = post(client, room, "withdraw", note="Funding ended", expected_state="drafting")
    second = post(client, room, "withdraw", note="Funding ended", expected_state="drafting")
    assert state_of(room) == ManualState.WITHDRAWN
    assert "since you loaded the page" in second.get_data(as_text=True)
    assert "The manual is now" in first.get_data(as_text=True)


def test_action_not_allowed_in_state_gets_a_409_page(app, client, room):
    login(client, room.coordinator)
    response = client.post(f"/manuals/{room.manual.id}/workflow/approve",
                           data={"expected_state": "drafting"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Drafting" in text and "Possible now" in text
    assert client.post(f"/manuals/{room.manual.id}/workflow/fly",
                       data={"expected_state": "drafting"}).status_code == 404


def test_non_coordinators_cannot_apply_or_override(app, client, room):
    for person in (room.consultant, room.ngo, room.admin):
        login(client, person)
        response = client.post(f"/manuals/{room.manual.id}/workflow/withdraw",
                               data={"expected_state": "drafting", "note": "x",
                                     "override_reason": "because"})
        assert response.status_code == 403
        client.post("/logout")
    assert state_of(room) == ManualState.DRAFTING


def test_guard_message_and_override_with_reason(app, client, room):
    login(client, room.coordinator)
    page = post(client, room, "open_consultation",
                closes_at=(utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert state_of(room) == ManualState.CONSULTATION
    from tests.comments.helpers import comment

    comment(room, room.ngo, "Unanswered one")
    post(client, room, "start_revision")
    page = post(client, room, "request_approval")
    assert "1 comment has no disposition" in page.get_data(as_text=True)
    assert state_of(room) == ManualState.REVISION
    page = post(client, room, "request_approval", override_reason="Deadline of the ministry")
    assert state_of(room) == ManualState.FINAL_APPROVAL
    page = client.get(f"/manuals/{room.manual.id}").get_data(as_text=True)
    assert "checks overridden" in page and "Deadline of the ministry" in page


def test_sign_off_page_shows_who_has_not_answered(app, client, room):
    to_state(room, (Action.OPEN_CONSULTATION, {"closes_at": utcnow() + timedelta(days=2)}),
             (Action.START_REVISION, {}), (Action.REQUEST_APPROVAL, {}))
    login(client, room.ngo)
    response = client.post(f"/manuals/{room.manual.id}/sign-off",
                           data={"decision": "blocking_concern", "concern": ""})
    assert response.status_code == 302
    assert "Describe the blocking concern" in client.get(
        f"/manuals/{room.manual.id}/sign-off").get_data(as_text=True)
    client.post(f"/manuals/{room.manual.id}/sign-off",
                data={"decision": "blocking_concern", "concern": "Consent missing"})
    client.post("/logout")
    login(client, room.coordinator)
    page = client.get(f"/manuals/{room.manual.id}/sign-off").get_data(as_text=True)
    assert "Consent missing" in page and "Not answered yet" in page and "Lena Lawson" in page
    page = post(client, room, "approve").get_data(as_text=True)
    assert "blocking concern" in page and state_of(room) == ManualState.FINAL_APPROVAL
    from egi.workflow.models import SignOff

    answer = db.session.scalars(sa.select(SignOff)).one()
    client.post(f"/manuals/{room.manual.id}/sign-off/{answer.id}/overrule",
                data={"reason": "Consent is covered by national law."})
    post(client, room, "approve")
    assert state_of(room) == ManualState.APPROVED
    from egi.workflow.models import Approval

    approval = db.session.scalars(sa.select(Approval)).one()
    assert approval.version_sha256 == room.version.file_sha256
    assert approval.approved_by_id == room.coordinator.id


def test_approved_manual_accepts_no_new_version(app, client, room):
    approved(room)
    login(client, room.consultant)
    from tests.manuals.helpers import upload

    assert upload(client, room.manual.id, "late.md", b"# Late\n\nchange").status_code == 403


def test_release_makes_the_public_pages_appear(app, client, room):
    approved(room)
    anonymous = app.test_client()
    assert anonymous.get(f"/public/{room.manual.id}").status_code == 404
    assert anonymous.get(f"/public/{room.manual.id}/download").status_code == 404
    login(client, room.coordinator)
    post(client, room, "release")
    assert state_of(room) == ManualState.DISSEMINATED
    listing = anonymous.get("/public/").get_data(as_text=True)
    assert "Guiding Principles" in listing
    landing = anonymous.get(f"/public/{room.manual.id}")
    assert landing.status_code == 200
    read = anonymous.get(f"/public/{room.manual.id}/read").get_data(as_text=True)
    assert "Police sign the memorandum" in read and "comment" not in read.lower().replace(
        "comment-", "")
    download = anonymous.get(f"/public/{room.manual.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"# 1 Law")
    from egi.dissemination.services import download_counts

    assert list(download_counts(room.manual.id).values()) == [1]
    # Nothing of the drafting process is reachable anonymously.
    for url in (f"/manuals/{room.manual.id}", f"/manuals/{room.manual.id}/v/1",
                f"/manuals/{room.manual.id}/comments", f"/manuals/{room.manual.id}/sign-off"):
        assert anonymous.get(url).status_code == 302


def test_embargoed_release_stays_hidden_until_its_date(app, client, room):
    from freezegun import freeze_time

    approved(room)
    login(client, room.coordinator)
    later = utcnow() + timedelta(days=2)
    post(client, room, "release", release_at=later.strftime("%Y-%m-%dT%H:%M"))
    assert state_of(room) == ManualState.DISSEMINATED
    anonymous = app.test_client()
    assert anonymous.get(f"/public/{room.manual.id}").status_code == 404
    with freeze_time(later + timedelta(minutes=5)):
        assert anonymous.get(f"/public/{room.manual.id}").status_code == 200


def test_events_and_acknowledgements_on_the_landing_page(app, client, room):
    approved(room)
    login(client, room.ngo)
    client.post(f"/manuals/{room.manual.id}/acknowledgement", data={"agreed": "1"})
    client.post("/logout")
    login(client, room.coordinator)
    response = client.post(f"/manuals/{room.manual.id}/dissemination", data={
        "event-title": "Final Conference", "event-date": "2009-03-30", "event-place": "Vienna",
        "event-notes": "Launch"})
    assert response.status_code == 302
    from egi.dissemination.models import DisseminationEvent

    event = db.session.scalars(sa.select(DisseminationEvent)).one()
    import io

    client.post(f"/manuals/{room.manual.id}/dissemination/events/{event.id}/attachments",
                data={"document": (io.BytesIO(b"# Programme\n\n9:00 Opening"), "programme.md")},
                content_type="multipart/form-data")
    post(client, room, "release")
    anonymous = app.test_client()
    page = anonymous.get(f"/public/{room.manual.id}").get_data(as_text=True)
    assert "Final Conference" in page and "Vienna" in page and "programme.md" in page
    assert "Nadia Noor" in page and "Lars Lindqvist" not in page
