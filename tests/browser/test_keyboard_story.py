"""The core story with the keyboard alone: sign in, read, comment, reply, dispose.

No mouse click anywhere. Every control that takes focus on the way is checked: its focus
is visible (an outline on :focus-visible) and it has an accessible name (Chromium's own
accessibility tree, through the DevTools protocol).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from egi.demo import DEMO_PASSWORD
from tests.browser.conftest import Demo, seed_demo_data

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
          text: (el.innerText || el.value || "").trim().slice(0, 80),
          href: el.getAttribute("href") || "",
          visible: el.matches(":focus-visible"), inDialog: el.closest("dialog[open]") !== null,
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0};
}"""


class Keyboard:
    """Presses keys and checks every stop focus makes on the way."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.stops: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def accessible_name(self) -> tuple[str, str]:
        """Role and accessible name of the focused element, as Chromium computes them."""
        handle = self.cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})
        tree = self.cdp.send("Accessibility.getPartialAXTree",
                             {"objectId": handle["result"]["objectId"],
                              "fetchRelatives": False})
        node = tree["nodes"][0]
        return (node.get("role", {}).get("value", ""),
                str(node.get("name", {}).get("value", "")).strip())

    def check_focus(self) -> dict:
        """The focused control shows its focus and has a name; returns what it is."""
        info = self.focused()
        assert info is not None, f"focus was lost (after {self.stops[-3:]})"
        role, name = self.accessible_name()
        where = f"<{info['tag']} id={info['id']!r} class={info['cls']!r}> {info['text']!r}"
        assert name, f"focused {role} has no accessible name: {where}"
        assert info["visible"], f"focus is not :focus-visible on {where}"
        assert info["outline"] != "none" and info["width"] >= 2, f"no focus outline on {where}"
        info["name"], info["role"] = name, role
        self.stops.append(f"{role} {name!r}")
        return info

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        return self.check_focus()

    def tab_to(self, matches, limit: int = 80, key: str = "Tab") -> dict:
        """Tab until the focused control satisfies `matches(info)`."""
        for _ in range(limit):
            info = self.press(key)
            if matches(info):
                return info
        raise AssertionError(f"{key} never reached the control; stops: {self.stops[-15:]}")

    def tab_to_name(self, pattern: str, **kwargs) -> dict:
        regex = re.compile(pattern)
        return self.tab_to(lambda info: bool(regex.search(info["name"])), **kwargs)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def sign_in_by_keyboard(page, keys: Keyboard, email: str) -> None:
    page.goto("/login")
    keys.tab_to(lambda info: info["id"] == "email")
    keys.type(email)
    assert keys.press("Tab")["id"] == "password"
    keys.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, ")


def sign_out_by_keyboard(page, keys: Keyboard) -> None:
    keys.tab_to_name("^Sign out$")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.fixture
def demo(app) -> Demo:
    return seed_demo_data()


def test_comment_reply_and_disposition_with_the_keyboard_alone(demo, page):
    keys = Keyboard(page)
    sign_in_by_keyboard(page, keys, "expert.labour@egi.test")

    # The dashboard's task list leads to the checklist in consultation.
    keys.tab_to_name("Labour Inspection")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/manuals/{demo.checklist}/v/1"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Labour Inspection")

    # Block to block: each block's number, then its Comment button, in document order.
    first = keys.tab_to(lambda info: "block-number" in info["cls"])
    numbers = [first["text"]]
    for _ in range(3):
        button = keys.press("Tab")
        assert "comment-button" in button["cls"], keys.stops[-3:]
        assert button["name"] == f"Comment on {numbers[-1]}"
        nxt = keys.tab_to(lambda info: "block-number" in info["cls"], limit=3)
        numbers.append(nxt["text"])
    assert len(set(numbers)) == 4, numbers
    block_number = numbers[-1]

    # Open the dialog on that block with Enter: focus goes to the comment box.
    opener = keys.press("Tab")
    assert opener["name"] == f"Comment on {block_number}"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=re.compile("New comment"))
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"on {block_number}")
    assert keys.check_focus()["id"] == "dlg-body"

    # The dialog traps focus: Tab goes round its controls and back to the comment box;
    # Shift+Tab from its first control (the type) goes to its last (the submit button).
    for _ in range(20):
        info = keys.press("Tab")
        assert info["inDialog"], f"focus left the dialog: {keys.stops[-2:]}"
        if info["id"] == "dlg-body":
            break
    else:
        raise AssertionError(f"Tab never came back to the comment box: {keys.stops[-20:]}")
    assert keys.press("Shift+Tab")["id"] == "dlg-kind-0"
    assert keys.press("Shift+Tab")["name"] == "Add comment"
    # Escape closes it and gives focus back to the button that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert keys.check_focus()["name"] == f"Comment on {block_number}"

    # Again, for real: type, audience and text chosen with the keyboard, sent with Enter.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    keys.type("The checklist should say which authority the inspector calls first.")
    keys.tab_to(lambda info: info["id"].startswith("dlg-kind"), key="Shift+Tab")
    assert keys.focused()["id"] == "dlg-kind-0"  # the checked radio: General
    assert keys.press("ArrowDown")["name"] == "Technical"
    expect(page.get_by_role("radio", name="Technical")).to_be_checked()
    keys.tab_to(lambda info: info["id"].startswith("dlg-audience"))
    assert keys.press("ArrowDown")["name"].startswith("My sector only")
    expect(dialog.get_by_role("radio", name=re.compile("^My sector only"))).to_be_checked()
    keys.tab_to_name("^Add comment$")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Comment #\d+ added"))
    comment_id = re.search(r"#comment-(\d+)", page.url).group(1)
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("which authority the inspector calls first")
    expect(comment).to_contain_text("Technical")
    expect(comment).to_contain_text("Only Labour inspectorate")

    # Keyboard users carry on from the new comment: the next Tab is its own link.
    assert keys.press("Tab")["name"].startswith(f"Comment #{comment_id}")
    page.keyboard.press("Enter")  # its thread: a reply typed and sent
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comment #{comment_id}")
    keys.tab_to(lambda info: info["tag"] == "textarea" and info["name"] == "Reply")
    keys.type("Adding: the labour inspectorate's own hotline, if there is one.")
    keys.tab_to_name("^Reply$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Reply added")
    expect(page.locator(".reply")).to_contain_text("the labour inspectorate's own hotline")
    sign_out_by_keyboard(page, keys)

    # The consultant answers it: disposition picked with the arrow keys, response typed.
    sign_in_by_keyboard(page, keys, "consultant@egi.test")
    page.goto(f"/manuals/{demo.checklist}/comments/{comment_id}")
    keys.tab_to(lambda info: info["name"] == "Disposition")
    page.keyboard.press("ArrowDown")  # Accepted -> Accepted in principle
    expect(page.get_by_label("Disposition")).to_have_value("accepted_in_principle")
    keys.press("Tab")
    keys.type("We add the duty number of the police unit for each region.")
    keys.tab_to_name("^Save the disposition$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(re.compile("saved|recorded|answered",
                                                                  re.IGNORECASE))
    expect(page.get_by_role("heading", name="Disposition: Accepted in principle")).to_be_visible()
    expect(page.locator(".disposition")).to_contain_text("duty number of the police unit")
