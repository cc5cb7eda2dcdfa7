"""Manuals in a real browser: upload with progress, reading view, redline, refusals, keyboard."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from egi.extensions import db
from egi.manuals import services
from egi.manuals.models import StoredFile, Version
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.docgen import make_docx, make_png
from tests.manuals.helpers import make_team

FIRST_DRAFT = [
    ("h", 1, "Introduction"),
    "The consultant writes the first draft of the manual.",
    ("h", 2, "Scope"),
    "It applies to all sectors of the group.",
    ("table", [["Term", "Meaning"], ["MoU", "Memorandum of understanding"]]),
]
SECOND_DRAFT = [
    ("h", 1, "Introduction"),
    "The consultant writes the first draft of the manual.",
    ("h", 2, "Scope"),
    "It applies to most sectors of the group.",
    ("table", [["Term", "Meaning"], ["MoU", "Memorandum of understanding"]]),
]

# Every text the upload status region shows is kept in sessionStorage, which survives the
# navigation to the reading page; the progress bar's value changes are kept there too.
RECORD_UPLOAD_STATUS = """
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress-bar");
  if (!status || !bar) { return; }
  const log = (entry) => {
    const seen = JSON.parse(sessionStorage.getItem("uploadLog") || "[]");
    seen.push(entry);
    sessionStorage.setItem("uploadLog", JSON.stringify(seen));
  };
  new MutationObserver(() => log("status:" + status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => log("bar:" + (bar.getAttribute("value") ?? "indeterminate")))
    .observe(bar, {attributes: true, attributeFilter: ["value"]});
});
"""


def _write_docx(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    path.write_bytes(make_docx(content))
    return str(path)


def _hold_uploads(page) -> list:
    """Pause every POST to an upload URL until the test lets it go (route.continue_())."""
    held: list = []

    def handler(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/manuals/\d+/upload$"), handler)
    return held


def _wait_until_held(page, held: list) -> None:
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(20)
    raise AssertionError("the upload request never left the browser")


def _choose_and_submit(page, file_path: str, note: str) -> None:
    page.get_by_label("Draft file").set_input_files(file_path)
    page.get_by_label("What changed in this version").fill(note)
    page.get_by_role("button", name="Upload", exact=True).click()


def _versions_of(manual_id: int) -> int:
    db.session.rollback()  # see what the live server committed
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Version).where(Version.manual_id == manual_id))


def test_upload_first_version_with_progress_then_read_it(app, page, tmp_path):
    team = make_team()
    manual_id = team.manual.id
    document = _write_docx(tmp_path, "guiding-principles.docx", FIRST_DRAFT)
    page.add_init_script(RECORD_UPLOAD_STATUS)
    sign_in(page, team.consultant.email, PASSWORD)
    page.goto(f"/manuals/{manual_id}")
    page.get_by_role("button", name="Upload version 1").click()
    expect(page).to_have_url(f"/manuals/{manual_id}/upload")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload version 1")
    button = page.get_by_role("button", name="Upload", exact=True)
    bar = page.locator("#upload-progress-bar")
    expect(bar).to_be_hidden()

    held = _hold_uploads(page)
    _choose_and_submit(page, document, "First draft for the group")
    _wait_until_held(page, held)
    # While the request is in flight: the button is locked and says it is busy, the bar shows.
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(bar).to_be_visible()
    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()
    assert _versions_of(manual_id) == 0
    held[0].continue_()

    expect(page).to_have_url(f"/manuals/{manual_id}/v/1")
    log = json.loads(page.evaluate("sessionStorage.getItem('uploadLog')") or "[]")
    converting = log.index("status:Uploaded. Converting the document to the reading view…")
    assert any(e.startswith("status:Uploading… ") for e in log[:converting]), log
    assert log[converting + 1:] == ["bar:indeterminate"], log

    expect(page.locator(".reading-head h1")).to_have_text("Guiding Principles")
    expect(page.locator(".version-line")).to_contain_text("Version 1")
    expect(page.locator(".version-note")).to_contain_text("First draft for the group")
    article = page.get_by_role("article", name="Document text")
    expect(article.locator(".block-number").first).to_be_visible()
    expect(article.locator(".block-number")).to_have_count(5)
    expect(article.get_by_role("heading", name="Introduction")).to_be_visible()
    expect(article.get_by_text("It applies to all sectors of the group.")).to_be_visible()
    expect(article.get_by_role("cell", name="Memorandum of understanding")).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name=re.compile("Introduction"))).to_be_visible()
    expect(contents.get_by_role("link", name=re.compile("Scope"))).to_be_visible()
    screenshot(page, "read-version-1")
    assert _versions_of(manual_id) == 1


def test_upload_with_javascript_confirms_on_the_reading_page(app, page, tmp_path):
    team = make_team()
    document = _write_docx(tmp_path, "draft.docx", FIRST_DRAFT)
    sign_in(page, team.consultant.email, PASSWORD)
    page.goto(f"/manuals/{team.manual.id}/upload")
    _choose_and_submit(page, document, "")
    expect(page).to_have_url(f"/manuals/{team.manual.id}/v/1")
    expect(page.get_by_role("status")).to_contain_text(
        "Version 1 is uploaded and ready to read.", timeout=1000)


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_upload_without_javascript_confirms_on_the_reading_page(app, page, tmp_path):
    team = make_team()
    document = _write_docx(tmp_path, "draft.docx", FIRST_DRAFT)
    sign_in(page, team.consultant.email, PASSWORD)
    page.goto(f"/manuals/{team.manual.id}/upload")
    _choose_and_submit(page, document, "")
    expect(page).to_have_url(f"/manuals/{team.manual.id}/v/1")
    expect(page.get_by_role("status")).to_contain_text("Version 1 is uploaded and ready to read.")


def test_upload_second_version_and_compare(app, page, tmp_path):
    team = make_team()
    manual_id = team.manual.id
    services.upload_version(team.consultant, team.manual, filename="v1.docx",
                            data=make_docx(FIRST_DRAFT), note="", expected_number=1)
    db.session.commit()
    document = _write_docx(tmp_path, "v2.docx", SECOND_DRAFT)
    sign_in(page, team.consultant.email, PASSWORD)
    page.goto(f"/manuals/{manual_id}")
    page.get_by_role("button", name="Upload version 2").click()
    _choose_and_submit(page, document, "Scope narrowed")
    expect(page).to_have_url(f"/manuals/{manual_id}/v/2")
    expect(page.get_by_text("It applies to most sectors of the group.")).to_be_visible()

    page.get_by_role("button", name="Compare with version 1").click()
    expect(page).to_have_url(f"/manuals/{manual_id}/compare?from=1&to=2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to 2")
    redline = page.locator("ol.redline")
    expect(redline.locator("ins")).to_have_count(1)
    expect(redline.locator("del")).to_have_count(1)
    expect(redline.locator("ins")).to_have_text("[inserted: most]")
    expect(redline.locator("del")).to_have_text("[deleted: all]")
    changed = redline.locator("li.change-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("It applies to")
    counts = page.locator(".compare-summary .counts li")
    expect(counts).to_have_text(["0 added", "0 removed", "1 changed", "0 moved", "4 unchanged"])
    screenshot(page, "compare")

    page.get_by_label("Show only the changes").check()
    expect(redline.locator("li.change-unchanged").first).to_be_hidden()
    expect(changed).to_be_visible()


def test_png_named_docx_is_refused_in_place(app, page, tmp_path):
    team = make_team()
    manual_id = team.manual.id
    fake = tmp_path / "draft.docx"
    fake.write_bytes(make_png(40, 40))
    sign_in(page, team.consultant.email, PASSWORD)
    page.goto(f"/manuals/{manual_id}/upload")
    _choose_and_submit(page, str(fake), "Should not be stored")

    status = page.locator("#upload-status")
    expect(status).to_have_text("The file is named “draft.docx” but is actually a PNG image.")
    expect(page).to_have_url(f"/manuals/{manual_id}/upload")
    button = page.get_by_role("button", name="Upload", exact=True)
    expect(button).to_be_enabled()
    expect(button).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".upload-progress")).to_be_hidden()
    assert _versions_of(manual_id) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    screenshot(page, "upload-refused")

    # The same form, with a real Word file this time, still works.
    _choose_and_submit(page, _write_docx(tmp_path, "real.docx", FIRST_DRAFT), "")
    expect(page).to_have_url(f"/manuals/{manual_id}/v/1")
    assert _versions_of(manual_id) == 1


def test_expert_of_another_manual_is_not_allowed_to_read(app, page):
    team = make_team()
    services.upload_version(team.consultant, team.manual, filename="v1.docx",
                            data=make_docx(FIRST_DRAFT), note="", expected_number=1)
    db.session.commit()
    sign_in(page, team.outsider.email, PASSWORD)
    response = page.goto(f"/manuals/{team.manual.id}/v/1")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_text("It applies to all sectors")).to_have_count(0)


def test_reading_page_by_keyboard(app, page):
    team = make_team()
    services.upload_version(team.consultant, team.manual, filename="v1.docx",
                            data=make_docx(FIRST_DRAFT), note="", expected_number=1)
    db.session.commit()
    sign_in(page, team.expert.email, PASSWORD)
    page.goto(f"/manuals/{team.manual.id}/v/1")
    focused = page.locator(":focus")
    page.keyboard.press("Tab")
    expect(focused).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(focused).to_have_attribute("id", "main")

    for _ in range(30):
        page.keyboard.press("Tab")
        if focused.evaluate("el => el.classList.contains('block-number')"):
            break
    else:
        raise AssertionError("Tab never reached a block number")
    expect(focused).to_have_text("1")
    page.keyboard.press("Tab")  # the next paragraph's number is the next stop
    expect(focused).to_have_text("1 ¶1")
    expect(focused).to_have_class("block-number")
    anchor = focused.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(anchor) + "$"))
    expect(page.locator(".block:target .block-number")).to_have_text("1 ¶1")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"/manuals/{team.manual.id}/v/1")
    screenshot(page, "read-version-1-360px")
