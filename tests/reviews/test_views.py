"""Review pages over HTTP: nominating, opening rounds, assigning, answering, reviewing,
bad input (never a 500), and a fixed number of queries on the round overview."""

from __future__ import annotations

from datetime import timedelta

from egi.auth.models import Role
from egi.db import utcnow
from egi.extensions import db
from egi.reviews import services
from egi.reviews.models import AssignmentStatus, Nomination, ReviewRound
from tests.comments.helpers import make_room
from tests.conftest import login
from tests.factories import make_user
from tests.reviews.helpers import CRITERIA, make_review, review_url, submit_review


def _when(days: int = 7) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_expert_nominates_through_the_form_and_a_colleague_endorses(app, client):
    room = make_room(consultation=False)
    login(client, room.law)
    url = f"/manuals/{room.manual.id}/nominations"
    response = client.post(url, data={"name": "Dr Who", "email": "who@example.org",
                                      "sector": "research", "expertise": "Time",
                                      "reason": "Knows MoUs"})
    assert response.status_code == 302
    nomination = db.session.scalar(db.select(Nomination))
    refused = client.post(url, data={"name": "Nadia", "email": room.ngo.email, "sector": "",
                                     "expertise": "x", "reason": "y"}, follow_redirects=True)
    assert "already on this manual" in refused.get_data(as_text=True)
    client.post("/logout")
    login(client, room.ngo)
    client.post(f"{url}/{nomination.id}/opinion", data={"stance": "endorse"})
    page = client.get(url).get_data(as_text=True)
    assert "1 endorsement" in page and "who@example.org" not in page  # e-mail: coordination
    assert client.post(f"{url}/{nomination.id}/decision",
                       data={"decision": "accept"}).status_code == 403
    client.post("/logout")
    login(client, room.coordinator)
    page = client.get(url).get_data(as_text=True)
    assert "Sector balance" in page and "who@example.org" in page
    client.post(f"{url}/{nomination.id}/decision", data={"decision": "accept"})
    db.session.refresh(nomination)
    assert nomination.status.value == "accepted"


def test_consultant_and_reviewer_see_no_nominations(app, client):
    room = make_room(consultation=False)
    for person in (room.consultant, room.reviewer):
        login(client, person)
        assert client.get(f"/manuals/{room.manual.id}/nominations").status_code == 403
        client.post("/logout")


def test_coordinator_opens_a_round_and_assigns(app, client):
    room = make_room(consultation=False)
    reviewer = make_user(Role.REVIEWER, name="Rita Review")
    db.session.commit()
    login(client, room.coordinator)
    form = client.get(f"/manuals/{room.manual.id}/reviews/new").get_data(as_text=True)
    assert "Practicality for NGO" in form
    response = client.post(f"/manuals/{room.manual.id}/reviews/new", data={
        "version": room.version.id, "due_at": _when(), "anonymity": "blind",
        "criteria": "Accuracy\nClarity\n"})
    assert response.status_code == 302
    review_round = db.session.scalar(db.select(ReviewRound))
    assert review_round.blind and review_round.criteria == ["Accuracy", "Clarity"]
    base = f"/manuals/{room.manual.id}/reviews/1"
    client.post(f"{base}/assign", data={"reviewer": reviewer.id})
    answer = client.post(f"{base}/invite", data={"display_name": "Exp", "email": room.ngo.email,
                                                  "sector": ""}, follow_redirects=True)
    assert answer.status_code == 200
    assert "already has an account as Expert" in answer.get_data(as_text=True)
    page = client.get(base).get_data(as_text=True)
    assert "Rita Review" in page and "Invited" in page


def test_past_due_date_is_a_form_error(app, client):
    room = make_room(consultation=False)
    login(client, room.coordinator)
    response = client.post(f"/manuals/{room.manual.id}/reviews/new", data={
        "version": room.version.id, "due_at": _when(-1), "anonymity": "open",
        "criteria": "Accuracy"})
    assert response.status_code == 400
    assert "must be in the future" in response.get_data(as_text=True)


def test_reviewer_accepts_and_submits_through_the_pages(app, client):
    review = make_review(accept=False)
    login(client, review.canary)
    assert "My reviews" in client.get("/manuals/my-reviews").get_data(as_text=True)
    url = review_url(review, review.a_canary)
    page = client.get(url).get_data(as_text=True)
    assert "Will you review this version?" in page
    missing = client.post(url + "/respond", data={"answer": "accept", "revision": 1},
                          follow_redirects=True)
    assert "Declare your conflicts" in missing.get_data(as_text=True)
    client.post(url + "/respond", data={"answer": "accept", "conflict_declaration": "None",
                                        "revision": review.a_canary.revision})
    db.session.refresh(review.a_canary)
    assert review.a_canary.status == AssignmentStatus.ACCEPTED
    data = {"recommendation": "minor", "score-0": "4", "score-1": "9", "summary": "Fine",
            "revision": review.a_canary.revision, "submit_review": "1"}
    bad = client.post(url + "/review", data=data)
    assert bad.status_code == 400 and "give a score from 1 to 5" in bad.get_data(as_text=True)
    data["score-1"] = "5"
    assert client.post(url + "/review", data=data).status_code == 302
    again = client.post(url + "/review", data={**data, "revision": data["revision"] + 1})
    assert again.status_code == 409 and "already been submitted" in again.get_data(as_text=True)


def test_reviewer_cannot_touch_another_reviewers_assignment(app, client):
    review = make_review()
    login(client, review.second)
    url = review_url(review, review.a_canary)
    assert client.get(url).status_code == 404
    assert client.post(url + "/review", data={"revision": 1}).status_code == 404
    assert client.post(url + "/respond", data={"revision": 1}).status_code == 404


def test_reviewer_not_on_the_manual_cannot_open_the_round(app, client):
    review = make_review()
    stranger = make_user(Role.REVIEWER)
    db.session.commit()
    login(client, stranger)
    assert client.get(f"/manuals/{review.room.manual.id}/reviews/1").status_code == 403
    assert client.get(review_url(review, review.a_canary)).status_code == 403


def test_expert_cannot_read_reviews(app, client):
    review = make_review(submit=True)
    login(client, review.room.ngo)
    assert client.get(f"/manuals/{review.room.manual.id}/reviews/1").status_code == 403
    assert client.get(review_url(review, review.a_canary)).status_code == 404


def test_consultant_sees_summary_only_once_shared_and_never_the_confidential_note(app, client):
    review = make_review(submit=True)
    services.save_summary(review.room.coordinator, review.round, summary="ROUND-SUMMARY",
                          share=False, expected_revision=review.round.revision)
    db.session.commit()
    login(client, review.room.consultant)
    base = f"/manuals/{review.room.manual.id}/reviews/1"
    assert "ROUND-SUMMARY" not in client.get(base).get_data(as_text=True)
    page = client.get(review_url(review, review.a_canary)).get_data(as_text=True)
    assert "Good work." in page and "Between us" not in page
    services.save_summary(review.room.coordinator, review.round, summary="ROUND-SUMMARY",
                          share=True, expected_revision=review.round.revision)
    db.session.commit()
    assert "ROUND-SUMMARY" in client.get(base).get_data(as_text=True)


def test_peers_see_each_other_only_after_submitting_when_allowed(app, client):
    review = make_review(peers_visible=True)
    submit_review(review.second, review.a_second)
    db.session.commit()
    login(client, review.canary)
    assert client.get(review_url(review, review.a_second)).status_code == 404
    submit_review(review.canary, review.a_canary)
    db.session.commit()
    page = client.get(review_url(review, review.a_second)).get_data(as_text=True)
    assert "Good work." in page and "Sam Second" not in page and "Between us" not in page


def test_coordinator_extends_reopens_and_cancels(app, client):
    review = make_review(days=1)
    login(client, review.room.coordinator)
    url = review_url(review, review.a_canary)
    client.post(url + "/extend", data={"until": _when(5), "reason": "Asked nicely"})
    db.session.refresh(review.a_canary)
    assert review.a_canary.due_at is not None
    client.post(url + "/cancel")
    db.session.refresh(review.a_canary)
    assert review.a_canary.status == AssignmentStatus.CANCELLED
    client.post(url + "/reinvite")
    db.session.refresh(review.a_canary)
    assert review.a_canary.status == AssignmentStatus.INVITED
    assert client.post(url + "/reopen", follow_redirects=True).status_code == 200


def test_bad_input_never_gives_500(app, client):
    review = make_review()
    login(client, review.canary)
    url = review_url(review, review.a_canary)
    for path, data in ((url + "/review", {"revision": "x", "score-0": "abc"}),
                       (url + "/review", {"revision": 1, "recommendation": "nonsense"}),
                       (url + "/respond", {"answer": "maybe"}),
                       (url + "/extension", {"until": "yesterday"}),
                       (url + "/cancel", {}),
                       (f"/manuals/{review.room.manual.id}/reviews/1/assign", {"reviewer": "x"}),
                       (f"/manuals/{review.room.manual.id}/reviews/99", {}),
                       (f"/manuals/{review.room.manual.id}/nominations/999/opinion", {})):
        response = client.post(path, data=data)
        assert 300 <= response.status_code < 500, (path, response.status_code)
    assert client.get(f"/manuals/{review.room.manual.id}/reviews/99").status_code == 404


def test_round_overview_uses_a_fixed_number_of_queries(app, client, count_queries):
    review = make_review(submit=True)
    login(client, review.room.coordinator)
    url = f"/manuals/{review.room.manual.id}/reviews/1"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        person = make_user(Role.REVIEWER)
        made = services.assign_reviewer(review.room.coordinator, review.round, person)
        services.respond_to_invitation(person, made, accept=True, conflict_declaration="-",
                                       decline_reason="", suggestion="",
                                       expected_revision=made.revision)
        if n % 2:
            submit_review(person, made)
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), (len(few), len(many))
    assert CRITERIA[0] in client.get(url).get_data(as_text=True)
