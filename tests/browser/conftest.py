"""Browser tests: Playwright drives the system Chromium against a live server.

Without Chromium the tests skip with the reason (fail under CI=true).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from egi import create_app
from egi.extensions import db
from tests.conftest import _config, skip_or_fail

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium",
                       "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = find_chromium()
    if path is None:
        skip_or_fail("Chromium is not installed (Debian: apt-get install --no-install-recommends "
                     "chromium); browser tests need it")
    return {**browser_type_launch_args, "executable_path": path, "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(database_url):
    """The app served on a free loopback port in a background thread, CSRF on."""
    app = create_app(_config(database_url, WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(5000)
    page.set_default_navigation_timeout(10000)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, email: str, password: str) -> None:
    """Fill the login form like a person would."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@dataclass
class Demo:
    """Ids of the demo data the browser tests visit."""

    principles: int  # released; disseminated; a finished review round
    checklist: int  # version 1 in an open consultation, one open comment on it
    principles_comment: int  # an answered comment on the Guiding Principles, whole team
    open_comment: int  # the checklist's open comment, by the NGO expert
    expert_id: int
    round_number: int | None
    assignment_slug: str | None


def seed_demo_data() -> Demo:
    """The demo (`flask egi demo`) plus one open comment on the checklist, committed.

    Takes a few seconds: call it once per test, inside the `app` fixture's context.
    """
    from egi.auth.models import User
    from egi.comments import services as comments
    from egi.comments.models import Audience, Comment, CommentType
    from egi.demo import seed_demo
    from egi.demo_documents import MANUAL_TITLE, SECOND_MANUAL_TITLE
    from egi.manuals.models import Block, Manual, Version

    seed_demo()
    by_title = {m.title: m for m in db.session.scalars(sa.select(Manual))}
    principles, checklist = by_title[MANUAL_TITLE], by_title[SECOND_MANUAL_TITLE]
    ngo = db.session.scalar(sa.select(User).where(User.email == "expert.ngo@egi.test"))
    version = db.session.scalar(sa.select(Version).where(Version.manual_id == checklist.id))
    block = db.session.scalar(sa.select(Block).where(
        Block.version_id == version.id, Block.kind == "paragraph").order_by(Block.position))
    open_comment = comments.add_comment(
        ngo, version, block_anchor=block.anchor, quote="", kind=CommentType.TECHNICAL,
        audience=Audience.TEAM, show_as_sector=False, proposed_wording="",
        body="Say what the inspector does when the worker has no papers at all.")
    answered = db.session.scalar(sa.select(Comment).where(
        Comment.manual_id == principles.id, Comment.disposition.is_not(None),
        Comment.audience == Audience.TEAM)
        .order_by(Comment.id))
    round_number = slug = None
    try:
        from egi.reviews.models import ReviewAssignment, ReviewRound
    except ImportError:
        pass
    else:
        review_round = db.session.scalar(sa.select(ReviewRound).where(
            ReviewRound.manual_id == principles.id))
        if review_round is not None:
            round_number = review_round.number
            slug = db.session.scalar(sa.select(ReviewAssignment.slug).where(
                ReviewAssignment.round_id == review_round.id).order_by(ReviewAssignment.id))
    db.session.commit()
    return Demo(principles=principles.id, checklist=checklist.id,
                principles_comment=answered.id, open_comment=open_comment.id,
                expert_id=ngo.id, round_number=round_number, assignment_slug=slug)


@contextmanager
def demo_database(database_url: str, cleaner) -> Iterator[Demo]:
    """The demo data for several tests that only read it; tables are emptied afterwards."""
    app = create_app(_config(database_url))
    try:
        with app.test_request_context(base_url=app.config["EXTERNAL_URL"]):
            demo = seed_demo_data()
            db.session.remove()
        yield demo
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        cleaner()
