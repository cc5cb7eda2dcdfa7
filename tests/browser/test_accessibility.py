"""axe-core on every main page, signed in as each role that uses it, with the demo's data.

A violation of impact "serious" or "critical" fails the test; a "moderate" one fails too
unless its rule is in ALLOWED_MODERATE with a reason. Each page has one h1 (axe's
heading-order rule checks the rest of the outline), and ids are unique (axe no longer
checks that since WCAG 2.2 dropped 4.1.1, but labels and ARIA references rely on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from egi.demo import DEMO_PASSWORD
from tests.browser.conftest import Demo, demo_database, sign_in

BLOCKING_IMPACTS = {"serious", "critical"}
# rule id -> why it is accepted. Keep it short; empty is best.
ALLOWED_MODERATE: dict[str, str] = {}

RUN_AXE = "axe.run(document, {resultTypes: ['violations']})"
DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll("[id]").forEach(el => { seen[el.id] = (seen[el.id] || 0) + 1; });
  return Object.keys(seen).filter(id => seen[id] > 1);
}"""


@dataclass
class Findings:
    """Everything found on the pages of one test, reported together at the end."""

    page: object
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def __post_init__(self):
        # axe-core is loaded into every document of the page by the browser itself, rather
        # than sent over the wire after each navigation (Axe().run's way: 0.15 s a page).
        self.page.add_init_script(script=AXE_SCRIPT)

    def check(self, label: str) -> None:
        """Run axe on the page as it is now and remember what must not be there."""
        page = self.page
        self.pages += 1
        results = page.evaluate(RUN_AXE)
        for violation in results["violations"]:
            impact = violation["impact"]
            if impact in BLOCKING_IMPACTS or (
                    impact == "moderate" and violation["id"] not in ALLOWED_MODERATE):
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                shown = ", ".join(targets[:5]) + (" …" if len(targets) > 5 else "")
                self.problems.append(f"{label}: {violation['id']} ({impact}) "
                                     f"{violation['help']} → {shown}")
        h1 = page.locator("h1").count()
        if h1 != 1:
            self.problems.append(f"{label}: {h1} h1 headings, not one")
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            self.problems.append(f"{label}: duplicate ids {duplicates}")

    def visit(self, path: str, *, width: int | None = None) -> None:
        """Open a page (at a narrow width too, for pages that scroll sideways there)."""
        if width:
            self.page.set_viewport_size({"width": width, "height": 800})
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        self.check(f"{path} at {width} px" if width else path)
        if width:
            self.page.set_viewport_size({"width": 1280, "height": 720})

    def assert_clean(self) -> None:
        assert self.pages, "no page was checked"
        summary = "\n".join(self.problems)
        assert not self.problems, f"{len(self.problems)} accessibility problems:\n{summary}"


def _open_comment_dialog(page, findings: Findings, path: str) -> None:
    page.goto(path)
    page.locator(".block .comment-button").first.click()
    expect(page.locator("#comment-dialog")).to_be_visible()
    findings.check(f"{path} (comment dialog open)")
    page.keyboard.press("Escape")


def _review_pages(demo: Demo, *, coordinator: bool) -> list[str]:
    if demo.round_number is None:
        return []
    base = f"/manuals/{demo.principles}/reviews"
    pages = [base, f"{base}/{demo.round_number}"]
    if coordinator:
        pages += [f"/manuals/{demo.principles}/nominations",
                  f"{base}/{demo.round_number}/r/{demo.assignment_slug}"]
    return pages


@pytest.fixture(scope="module")
def demo(database_url, cleaner) -> Demo:
    """Seeded once for the module: these tests only read."""
    with demo_database(database_url, cleaner) as data:
        yield data


def test_public_pages_have_no_serious_violations(demo, page):
    findings = Findings(page)
    for path in ["/login", "/password/forgot", "/public/", f"/public/{demo.principles}",
                 f"/public/{demo.principles}/read"]:
        findings.visit(path)
    findings.visit(f"/public/{demo.principles}/read", width=360)  # its tables scroll
    findings.assert_clean()


def test_coordinator_pages_have_no_serious_violations(demo, page):
    findings = Findings(page)
    sign_in(page, "coordinator@egi.test", DEMO_PASSWORD)
    gp, cl = demo.principles, demo.checklist
    for path in ["/", "/manuals/", f"/manuals/{gp}", f"/manuals/{cl}", f"/manuals/{gp}/v/1",
                 f"/manuals/{cl}/v/1", f"/manuals/{gp}/comments",
                 f"/manuals/{gp}/comments/{demo.principles_comment}",
                 f"/manuals/{gp}/coverage?version=1", f"/manuals/{gp}/compare?from=1&to=2",
                 f"/manuals/{gp}/team", f"/manuals/{cl}/v/1/consultation",
                 f"/manuals/{gp}/sign-off", f"/manuals/{gp}/dissemination",
                 "/members/", "/members/invite", f"/members/{demo.expert_id}/edit",
                 "/members/me", "/notifications/", "/audit/",
                 *_review_pages(demo, coordinator=True)]:
        findings.visit(path)
    for path in [f"/manuals/{gp}/sign-off", f"/manuals/{gp}/team", f"/manuals/{gp}/comments"]:
        findings.visit(path, width=360)  # tables scroll sideways
    findings.assert_clean()


def test_consultant_pages_have_no_serious_violations(demo, page):
    findings = Findings(page)
    sign_in(page, "consultant@egi.test", DEMO_PASSWORD)
    gp, cl = demo.principles, demo.checklist
    for path in ["/", "/manuals/", f"/manuals/{cl}", f"/manuals/{cl}/upload",
                 f"/manuals/{cl}/v/1", f"/manuals/{cl}/comments",
                 f"/manuals/{cl}/comments/{demo.open_comment}",
                 f"/manuals/{gp}/sign-off", "/members/me", "/notifications/",
                 *_review_pages(demo, coordinator=False)]:
        findings.visit(path)
    findings.assert_clean()


def test_expert_pages_have_no_serious_violations(demo, page):
    findings = Findings(page)
    sign_in(page, "expert.ngo@egi.test", DEMO_PASSWORD)
    gp, cl = demo.principles, demo.checklist
    for path in ["/", "/manuals/", f"/manuals/{cl}", f"/manuals/{gp}", f"/manuals/{cl}/comments",
                 f"/manuals/{cl}/comments/{demo.open_comment}",
                 f"/manuals/{gp}/comments/{demo.principles_comment}",
                 f"/manuals/{cl}/v/1/comments/new", f"/manuals/{gp}/sign-off",
                 f"/manuals/{gp}/nominations", "/members/me", "/notifications/"]:
        findings.visit(path)
    _open_comment_dialog(page, findings, f"/manuals/{cl}/v/1")
    findings.assert_clean()


def test_reviewer_pages_have_no_serious_violations(demo, page):
    findings = Findings(page)
    sign_in(page, "reviewer.one@egi.test", DEMO_PASSWORD)
    paths = ["/", "/manuals/", "/members/me", "/notifications/"]
    if demo.round_number is not None:
        paths += ["/manuals/my-reviews", f"/manuals/{demo.principles}",
                  f"/manuals/{demo.principles}/reviews/{demo.round_number}"
                  f"/r/{demo.assignment_slug}"]
    for path in paths:
        findings.visit(path)
    findings.assert_clean()
