"""Selecting text with the mouse to comment on it, for one's own sector only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from egi.demo import DEMO_PASSWORD
from tests.browser.conftest import Demo, seed_demo_data, sign_in


@pytest.fixture
def demo(app) -> Demo:
    return seed_demo_data()


def _drag_across(page, locator, words: int) -> str:
    """Press the mouse before a paragraph's first word and release after `words` words."""
    box = page.evaluate("""([el, words]) => {
      const text = el.firstChild.nodeType === 3 ? el.firstChild : el.querySelector("*").firstChild;
      const cut = text.textContent.split(" ").slice(0, words).join(" ").length;
      const range = document.createRange();
      range.setStart(text, 0); range.setEnd(text, 1);
      const start = range.getBoundingClientRect();
      range.setStart(text, cut - 1); range.setEnd(text, cut);
      const end = range.getBoundingClientRect();
      return {x0: start.left + 1, y0: start.top + start.height / 2,
              x1: end.right, y1: end.top + end.height / 2};
    }""", [locator.element_handle(), words])
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=5)
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()
    return page.evaluate("window.getSelection().toString()").strip()


def test_expert_comments_on_selected_text_for_their_sector_only(demo, page):
    sign_in(page, "expert.law@egi.test", DEMO_PASSWORD)
    page.goto(f"/manuals/{demo.checklist}/v/1")
    paragraph = page.locator(".block-paragraph .block-body p").nth(1)
    paragraph.scroll_into_view_if_needed()
    anchor = paragraph.locator("xpath=ancestor::div[contains(@class, 'block ')]")
    number = anchor.get_attribute("data-number")

    button = page.get_by_role("button", name="Comment on the selected text")
    expect(button).to_be_hidden()
    quote = _drag_across(page, paragraph, 6)
    assert len(quote.split()) == 6, quote
    expect(button).to_be_visible()
    button.click()

    dialog = page.get_by_role("dialog", name=re.compile("New comment"))
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"on {number}")
    expect(dialog.locator("#comment-dialog-quote")).to_have_text(quote)
    expect(dialog.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    dialog.get_by_role("radio", name=re.compile("^My sector only")).check()
    dialog.get_by_role("textbox", name="Comment", exact=True).fill(
        "Police need the inspector's report within 24 hours to act on it.")
    dialog.get_by_role("button", name="Add comment").click()

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Comment #\d+ added"))
    comment_id = re.search(r"#comment-(\d+)", page.url).group(1)
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment).to_be_visible()
    expect(comment.locator(".comment-quote")).to_have_text(quote)
    expect(comment).to_contain_text("Only Law enforcement")
    expect(comment).to_contain_text("within 24 hours")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "expert.ngo@egi.test", DEMO_PASSWORD)
    page.goto(f"/manuals/{demo.checklist}/v/1")
    expect(page.locator(".document")).to_contain_text(quote)  # the text itself, yes
    expect(page.locator(f"#comment-{comment_id}")).to_have_count(0)
    expect(page.get_by_text("within 24 hours")).to_have_count(0)
    response = page.goto(f"/manuals/{demo.checklist}/comments/{comment_id}")
    assert response.status == 404
    page.goto(f"/manuals/{demo.checklist}/comments")
    expect(page.get_by_text("within 24 hours")).to_have_count(0)
