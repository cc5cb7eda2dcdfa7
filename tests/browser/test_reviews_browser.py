"""Peer review in a real browser: experts nominate and endorse, the coordinator assigns two
reviewers to a blind round, each accepts and submits, and the consultant reads both reviews
without learning who wrote them."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from egi.auth.models import Role, Sector
from egi.db import utcnow
from egi.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.comments.helpers import make_room
from tests.conftest import PASSWORD
from tests.factories import make_user

CANARY = "Zacharias Canaryfield"


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _review(page, recommendation: str, score: str, summary: str) -> None:
    page.get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name="Guiding Principles").click()
    page.get_by_label("I accept").check()
    page.get_by_label("Conflict-of-interest declaration").fill("None.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for accepting")
    page.get_by_label(recommendation).check()
    for group in page.locator("fieldset.score-row").all():
        group.get_by_label(score, exact=True).check()
    page.get_by_label("Summary for the consultant").fill(summary)
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("status")).to_contain_text("Your review is submitted")


def test_blind_round_from_nomination_to_the_consultant(app, page):
    room = make_room(consultation=False)
    canary = make_user(Role.REVIEWER, Sector.NGO, name=CANARY, email="zach@example.org")
    second = make_user(Role.REVIEWER, Sector.RESEARCH, name="Sam Second")
    db.session.commit()
    manual = room.manual.id

    # Experts nominate and endorse.
    sign_in(page, room.law.email, PASSWORD)
    page.goto(f"/manuals/{manual}/nominations")
    page.get_by_label("Name").fill("Dr Amira Haddad")
    page.get_by_label("E-mail").fill("amira@example.org")
    page.get_by_label("Expertise").fill("Referral mechanisms")
    page.get_by_label("Why this person").fill("Evaluated three NRMs")
    page.get_by_role("button", name="Nominate").click()
    expect(page.get_by_role("status")).to_contain_text("your nomination is on the list")
    _sign_out(page)
    sign_in(page, room.ngo.email, PASSWORD)
    page.goto(f"/manuals/{manual}/nominations")
    page.get_by_label("Endorse").check()
    page.get_by_role("button", name="Send my opinion").click()
    expect(page.locator(".nomination")).to_contain_text("1 endorsement")
    _sign_out(page)

    # The coordinator opens a blind round and assigns two reviewers.
    sign_in(page, room.coordinator.email, PASSWORD)
    page.goto(f"/manuals/{manual}/reviews/new")
    due = (utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Due on (UTC)").fill(due)
    page.get_by_label("Criteria, one per line").fill("Accuracy\nClarity")
    page.get_by_role("button", name="Open the review round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review round 1")
    for person in (canary, second):
        page.locator("#reviewer").select_option(label=person.display_name)
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("is invited to review")
    screenshot(page, "review-round-coordinator")
    _sign_out(page)

    # Each reviewer accepts and submits.
    sign_in(page, canary.email, PASSWORD)
    _review(page, "Minor revision", "4", "Clear and practical; add an example for minors.")
    screenshot(page, "review-submitted-reviewer")
    _sign_out(page)
    sign_in(page, second.email, PASSWORD)
    _review(page, "Major revision", "3", "The NGO chapter needs indicators.")
    _sign_out(page)

    # The consultant reads both without learning who wrote them.
    sign_in(page, room.consultant.email, PASSWORD)
    page.goto(f"/manuals/{manual}/reviews/1")
    body = page.locator("main")
    expect(body).to_contain_text("add an example for minors")
    expect(body).to_contain_text("needs indicators")
    expect(page.get_by_role("columnheader", name="Reviewer 1")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Reviewer 2")).to_be_visible()
    screenshot(page, "review-round-consultant")
    texts = [page.content()]
    for link in ("Reviewer 1", "Reviewer 2"):
        page.goto(f"/manuals/{manual}/reviews/1")
        page.get_by_role("link", name=f"Read the whole review {link}").click()
        texts.append(page.content())
    page.goto("/notifications/")
    texts.append(page.content())
    for text in texts:
        assert "Canaryfield" not in text and "Sam Second" not in text
