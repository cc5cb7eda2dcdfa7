"""Signing in and out in a real browser, by mouse and by keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from egi.auth.models import Role
from egi.extensions import db
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_user


def test_sign_in_and_out(app, page):
    user = make_user(Role.COORDINATOR, name="Cora Coordinator")
    db.session.commit()
    page.goto("/")
    expect(page).to_have_url("/login?next=/")
    screenshot(page, "login")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cora Coordinator")
    expect(page.get_by_role("status")).to_contain_text("Welcome")
    screenshot(page, "dashboard-coordinator")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/login")
    expect(page.get_by_role("status")).to_contain_text("You are signed out")
    page.goto("/members/")
    expect(page).to_have_url("/login?next=/members/")


def test_wrong_password_shows_message_in_browser(app, page):
    user = make_user()
    db.session.commit()
    sign_in(page, user.email, "wrong-password-entirely")
    expect(page.get_by_role("status")).to_contain_text("not right")


def test_sign_in_with_keyboard_only(app, page):
    user = make_user(Role.EXPERT, name="Lena Lawson")
    db.session.commit()
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.get_by_label("E-mail").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lena Lawson")
