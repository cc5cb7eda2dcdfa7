"""Conversion yields sanitised, numbered blocks with stable anchors for every format."""

from __future__ import annotations

import hashlib
import io
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import Babel

from egi.errors import UploadRejected
from egi.manuals.conversion import (
    Block,
    ConvertedDocument,
    _image_converter,
    convert,
    inspect_docx,
    sanitize_html,
)
from egi.manuals.uploads import check_upload
from tests import docgen


@pytest.fixture(autouse=True)
def babel_context():
    """Lazy messages render inside a Flask-Babel app context."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


def convert_bytes(name: str, data: bytes) -> ConvertedDocument:
    return convert(check_upload(name, data))


def text_anchor(text: str) -> str:
    return "b-" + hashlib.sha1(text.encode()).hexdigest()[:10]  # noqa: S324


def summary(doc: ConvertedDocument) -> list[tuple[str, int, str, str]]:
    return [(b.kind, b.level, b.number, b.text) for b in doc.blocks]


# --- docx ------------------------------------------------------------------------------------


def test_docx_blocks_kinds_numbers_and_text():
    doc = convert_bytes("m.docx", docgen.make_docx())
    assert doc.format == "docx"
    assert all(isinstance(b, Block) for b in doc.blocks)
    assert summary(doc) == [
        ("heading", 1, "1", "Introduction"),
        ("paragraph", 0, "1 ¶1", "This manual describes the procedure."),
        ("heading", 2, "1.1", "Scope"),
        ("paragraph", 0, "1.1 ¶1", "It applies to all sectors."),
        ("list_item", 1, "1.1 ¶2", "First point"),
        ("list_item", 1, "1.1 ¶3", "Second point"),
        ("table", 0, "1.1 ¶4", "Term Meaning EGI The project"),
    ]
    assert doc.blocks[0].html == "<h1>Introduction</h1>"
    assert doc.blocks[4].html == '<ul class="depth-1"><li>First point</li></ul>'
    assert doc.blocks[6].html.startswith("<table>")
    assert not doc.has_tracked_changes
    assert not doc.has_comments
    assert doc.messages == []


def test_docx_anchors_use_word_paragraph_ids():
    doc = convert_bytes("m.docx", docgen.make_docx())
    seen: dict[str, int] = {}
    expected = [
        "p-" + docgen.para_id_for(text, seen).lower()
        for text in ["Introduction", "This manual describes the procedure.", "Scope",
                     "It applies to all sectors.", "First point", "Second point", "Term"]
    ]
    assert [b.anchor for b in doc.blocks] == expected


def test_docx_without_paragraph_ids_falls_back_to_text_hash():
    doc = convert_bytes("m.docx", docgen.make_docx(para_ids=False))
    assert doc.blocks[0].anchor == text_anchor("Introduction")
    assert all(b.anchor.startswith("b-") for b in doc.blocks)


def test_repeated_text_gets_numbered_hash_anchors():
    doc = convert_bytes("m.docx", docgen.make_docx(["Same.", "Same.", "Other.", "Same."],
                                                   para_ids=False))
    base = text_anchor("Same.")
    assert [b.anchor for b in doc.blocks] == [base, base + "-2", text_anchor("Other."),
                                              base + "-3"]


@pytest.mark.parametrize("para_ids", [True, False])
def test_anchors_stable_when_an_unrelated_paragraph_is_inserted(para_ids):
    before = ["Alpha.", ("h", 1, "Chapter"), "Beta.", "Gamma."]
    after = ["Alpha.", ("h", 1, "Chapter"), "A new paragraph.", "Beta.", "Gamma."]
    old = {b.text: b.anchor for b in convert_bytes("a.docx", docgen.make_docx(
        before, para_ids=para_ids)).blocks}
    new = {b.text: b.anchor for b in convert_bytes("a.docx", docgen.make_docx(
        after, para_ids=para_ids)).blocks}
    assert all(new[text] == anchor for text, anchor in old.items())
    assert len(set(new.values())) == len(new)


def test_duplicate_paragraph_ids_still_give_unique_anchors():
    data = docgen.rewrite_zip(
        docgen.make_docx(["One.", "Two."]),
        replace={"word/document.xml": lambda xml: xml.replace(
            docgen.para_id_for("Two.", {}).encode(), docgen.para_id_for("One.", {}).encode())},
    )
    anchors = [b.anchor for b in convert_bytes("d.docx", data).blocks]
    assert anchors[0].startswith("p-")
    assert anchors[1] == text_anchor("Two.")


def test_heading_numbers_are_hierarchical_and_unique():
    content = [
        "Preamble.",
        ("h", 1, "A"), ("h", 2, "A1"), "Text.", "More.", ("h", 2, "A2"), ("h", 3, "A2a"),
        ("h", 1, "B"), ("h", 3, "B deep"), ("h", 2, "B after deep"), "End.",
    ]
    doc = convert_bytes("h.docx", docgen.make_docx(content))
    assert [b.number for b in doc.blocks] == [
        "¶1", "1", "1.1", "1.1 ¶1", "1.1 ¶2", "1.2", "1.2.1", "2", "2.1", "2.2", "2.2 ¶1",
    ]


def test_title_style_is_an_unnumbered_heading():
    doc = convert_bytes("t.docx", docgen.make_docx([("h", 0, "The Manual"), ("h", 1, "One")]))
    assert [(b.kind, b.number, b.html) for b in doc.blocks] == [
        ("heading", "", '<h1 class="title">The Manual</h1>'),
        ("heading", "1", "<h1>One</h1>"),
    ]


def test_numbered_list_figure_and_footnote():
    content = [("h", 1, "Steps"), ("ol", "Open."), ("ol", "Close."), ("img",),
               ("footnote", "See the note.", "The note text.")]
    doc = convert_bytes("f.docx", docgen.make_docx(content))
    assert summary(doc) == [
        ("heading", 1, "1", "Steps"),
        ("list_item", 1, "1 ¶1", "Open."),
        ("list_item", 1, "1 ¶2", "Close."),
        ("figure", 0, "1 ¶3", ""),
        ("paragraph", 0, "1 ¶4", "See the note.[1]"),
        ("footnote", 0, "fn 1", "The note text."),
    ]
    assert doc.blocks[2].html == '<ol class="depth-1" start="2"><li>Close.</li></ol>'
    assert doc.blocks[3].html.startswith('<p><img src="data:image/png;base64,')
    assert doc.blocks[3].anchor.startswith("p-")  # image paragraphs match their paraId too
    assert doc.blocks[4].anchor.startswith("p-")  # the [1] marker does not break matching
    assert '<li id="footnote-1">' in doc.blocks[5].html


def test_unsupported_image_types_are_dropped():
    dropped: list[str] = []
    image = SimpleNamespace(content_type="image/x-emf", alt_text=None,
                            open=lambda: io.BytesIO(b"emf"))
    assert _image_converter(dropped)(image) == []
    assert dropped == ["image/x-emf"]


def test_javascript_hyperlink_in_docx_is_stripped():
    doc = convert_bytes("l.docx", docgen.make_docx([
        ("link", "click me", "javascript:alert(1)"),
        ("link", "safe", "https://example.org/x"),
    ]))
    assert "javascript" not in doc.blocks[0].html
    assert "href" not in doc.blocks[0].html
    assert doc.blocks[1].html == (
        '<p><a href="https://example.org/x" rel="noopener noreferrer nofollow">safe</a></p>'
    )


def test_tracked_changes_and_comments_are_detected_and_reported():
    data = docgen.make_docx(["Body text."], tracked_changes=True, comments=True)
    assert inspect_docx(data) == (True, True)
    doc = convert_bytes("c.docx", data)
    assert doc.has_tracked_changes
    assert doc.has_comments
    messages = " ".join(str(m) for m in doc.messages)
    assert "tracked changes" in messages
    assert "deletions" in messages
    assert "comments" in messages
    changed = next(b for b in doc.blocks if b.text.startswith("Changed"))
    assert changed.text == "Changed: inserted words"  # mammoth drops the deletion
    assert changed.anchor.startswith("p-")
    comment = doc.blocks[-1]
    assert comment.kind == "comment"
    assert comment.number == "comment 1"
    assert "Please check this." in comment.text
    assert doc.blocks[0].text == "Body text."  # the [RV1] marker is not part of the text


def test_clean_docx_has_no_tracked_changes_or_comments():
    assert inspect_docx(docgen.make_docx()) == (False, False)


def test_docx_without_text_is_rejected():
    with pytest.raises(UploadRejected, match="no readable text"):
        convert_bytes("e.docx", docgen.make_docx(["", "   "]))


# --- markdown, text, pdf ------------------------------------------------------------------------


def test_markdown_blocks():
    source = (
        "Intro before any heading.\n\n# Guide\n\nSome *text*.\n\n## Part\n\n"
        "- a\n  - nested\n- b\n\n| k | v |\n|---|---|\n| 1 | 2 |\n\n> quoted\n"
    )
    doc = convert_bytes("g.md", source.encode())
    assert summary(doc) == [
        ("paragraph", 0, "¶1", "Intro before any heading."),
        ("heading", 1, "1", "Guide"),
        ("paragraph", 0, "1 ¶1", "Some text."),
        ("heading", 2, "1.1", "Part"),
        ("list_item", 1, "1.1 ¶1", "a"),
        ("list_item", 2, "1.1 ¶2", "nested"),
        ("list_item", 1, "1.1 ¶3", "b"),
        ("table", 0, "1.1 ¶4", "k v 1 2"),
        ("paragraph", 0, "1.1 ¶5", "quoted"),
    ]
    assert doc.blocks[2].html == "<p>Some <em>text</em>.</p>"
    assert doc.blocks[5].html == '<ul class="depth-2"><li>nested</li></ul>'
    assert doc.blocks[0].anchor == text_anchor("Intro before any heading.")


def test_markdown_script_is_shown_as_text_and_bad_links_are_not_links():
    doc = convert_bytes("x.md", b"<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                                b"<img src=x onerror=alert(1)>")
    html = "".join(b.html for b in doc.blocks)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "href" not in html
    assert "<script>alert(1)</script>" in doc.blocks[0].text


def test_text_paragraphs_and_no_markdown_interpretation():
    doc = convert_bytes("n.txt", b"\xef\xbb\xbf# Not a heading\nsecond line\r\n\r\n"
                                 b"<b>x</b> & y\n\n\n")
    assert summary(doc) == [
        ("paragraph", 0, "¶1", "# Not a heading second line"),
        ("paragraph", 0, "¶2", "<b>x</b> & y"),
    ]
    assert doc.blocks[0].html == "<p># Not a heading<br>second line</p>"
    assert doc.blocks[1].html == "<p>&lt;b&gt;x&lt;/b&gt; &amp; y</p>"


@pytest.mark.parametrize(("name", "data"), [("blank.txt", b" \n\n\t\n"), ("blank.md", b"---\n")])
def test_text_without_content_is_rejected(name, data):
    with pytest.raises(UploadRejected, match="no readable text"):
        convert_bytes(name, data)


def test_pdf_paragraphs_and_modest_heading_guess():
    long = ("This first paragraph is long enough to wrap over several lines of the page, "
            "so the converter has to join the lines back into a single paragraph again.")
    pages = [f"1. Introduction\n\n{long}\n\nA short one.\n\n1.2 Scope of work\n\nMore text.",
             "Page two continues with a paragraph."]
    doc = convert_bytes("p.pdf", docgen.make_pdf(pages))
    assert summary(doc) == [
        ("heading", 1, "1", "1. Introduction"),
        ("paragraph", 0, "1 ¶1", long),
        ("paragraph", 0, "1 ¶2", "A short one."),
        ("heading", 2, "1.2", "1.2 Scope of work"),
        ("paragraph", 0, "1.2 ¶1", "More text."),
        ("paragraph", 0, "1.2 ¶2", "Page two continues with a paragraph."),
    ]


def test_scanned_pdf_without_text_is_rejected():
    with pytest.raises(UploadRejected, match="no readable text"):
        convert_bytes("scan.pdf", docgen.make_pdf(["", ""]))


# --- the sanitiser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<img src="x" onerror="alert(1)">', "<img>"),
        ('<p onclick="x()" style="color:red" class="evil">t</p>', "<p>t</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="/admin">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="https://e.org" rel="opener" target="_blank">x</a>',
         '<a href="https://e.org" rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="mailto:a@b.org">m</a>',
         '<a href="mailto:a@b.org" rel="noopener noreferrer nofollow">m</a>'),
        ('<a href="#footnote-1" id="footnote-ref-1">1</a>',
         '<a href="#footnote-1" id="footnote-ref-1" rel="noopener noreferrer nofollow">1</a>'),
        ('<p id="location">x</p>', "<p>x</p>"),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "<img>"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        ('<img src="data:image/png;base64,iVBORw0K" alt="a">',
         '<img src="data:image/png;base64,iVBORw0K" alt="a">'),
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p{}</style><iframe src=x></iframe>ok", "ok"),
        ('<ul class="depth-2 x"><li>i</li></ul>', '<ul class="depth-2"><li>i</li></ul>'),
        ('<table><tr><td colspan="2" rowspan="x">c</td></tr></table>',
         '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'),
    ],
)
def test_sanitize_html_allow_list(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_block_html_is_stable_under_sanitising_again():
    data = docgen.make_docx(docgen.DEFAULT_CONTENT + [("img",), ("h", 0, "T"), ("ol", "x"),
                                                      ("ol", "y")], comments=True)
    for block in convert_bytes("s.docx", data).blocks:
        assert sanitize_html(block.html) == block.html


def test_headings_keep_their_own_clause_numbers():
    data = docgen.make_docx([
        ("h", 1, "Introduction"), "Why this manual.",
        ("h", 1, "1 Law enforcement agencies"), ("h", 2, "Guiding principles"), "Text.",
        ("h", 2, "1.4 Practical checklist"), "More.",
        ("h", 1, "2 Non-governmental organisations"), "NGO text.",
        ("h", 1, "Annex: roles at a glance"), "Table follows.",
    ])
    doc = convert_bytes("numbered.docx", data)
    numbers = [(b.kind, b.number) for b in doc.blocks]
    assert numbers == [
        ("heading", "A"), ("paragraph", "A ¶1"),
        ("heading", "1"), ("heading", "1.1"), ("paragraph", "1.1 ¶1"),
        ("heading", "1.4"), ("paragraph", "1.4 ¶1"),
        ("heading", "2"), ("paragraph", "2 ¶1"),
        ("heading", "B"), ("paragraph", "B ¶1"),
    ]
