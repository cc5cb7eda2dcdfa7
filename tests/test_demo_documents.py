"""The demo manuals are real Word files whose paragraph ids survive a revision."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from lxml import etree

from egi.demo_documents import (
    MANUAL_TITLE,
    SECOND_MANUAL_TITLE,
    W14_NS,
    build_manual_docx,
    build_second_manual_docx,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PARA_ID = f"{{{W14_NS}}}paraId"

CHAPTERS = [
    "Introduction",
    "How to use these principles",
    "1 Law enforcement agencies",
    "2 Non-governmental organisations",
    "3 Intergovernmental organisations",
    "4 Research institutes",
    "5 Labour inspectorates",
    "6 Monitoring and review of an MoU",
    "Annex: Roles and responsibilities at a glance",
]


@pytest.fixture(scope="module")
def manual() -> dict[int, bytes]:
    return {v: build_manual_docx(v) for v in (1, 2, 3)}


@pytest.fixture(scope="module")
def checklist() -> dict[int, bytes]:
    return {v: build_second_manual_docx(v) for v in (1, 2, 3)}


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def paragraphs_with_ids(data: bytes) -> list[tuple[str, str]]:
    """(paraId, text) of every w:p in the body, tables included, in document order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for p in root.iter(f"{{{W_NS}}}p"):
        text = "".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t"))
        out.append((p.get(PARA_ID), text))
    return out


def body_text(data: bytes) -> str:
    return "\n".join(text for _, text in paragraphs_with_ids(data))


def word_count(data: bytes) -> int:
    return len(body_text(data).split())


def test_every_version_reopens_in_python_docx_with_core_properties(manual, checklist):
    for data, title in [(d, MANUAL_TITLE) for d in manual.values()] + [
        (d, SECOND_MANUAL_TITLE) for d in checklist.values()
    ]:
        document = open_docx(data)
        assert document.core_properties.author == "Colin Consultant"
        assert document.core_properties.title == title
        assert document.paragraphs[0].style.name == "Title"
        assert document.paragraphs[0].text == title


def test_manual_has_chapters_as_word_headings_bullets_and_numbered_paragraphs(manual):
    document = open_docx(manual[1])
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == CHAPTERS
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 2", "List Bullet"} <= styles
    numbered = [p.text for p in document.paragraphs if re.match(r"\d\.\d+ ", p.text)]
    assert numbered[0].startswith("1.1 Law enforcement agencies should designate")
    assert any(text.startswith("6.1 ") for text in numbered)


def test_manual_version_one_is_a_full_length_draft(manual, checklist):
    assert 2500 <= word_count(manual[1]) <= 4000
    assert word_count(checklist[1]) < word_count(manual[1])


def test_roles_table_gains_a_row_in_the_revision(manual):
    v1, v2 = open_docx(manual[1]).tables, open_docx(manual[2]).tables
    assert len(v1) == len(v2) == 1
    header = [c.text for c in v1[0].rows[0].cells]
    assert header == ["Stakeholder", "Typical role under an MoU", "Contact point"]
    assert len(v2[0].rows) == len(v1[0].rows) + 1
    assert "Prosecution services" in [r.cells[0].text for r in v2[0].rows]
    assert "Prosecution services" not in [r.cells[0].text for r in v1[0].rows]


@pytest.mark.parametrize("which", ["manual", "checklist"])
@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_paragraph_has_a_unique_valid_paraid(request, which, version):
    ids = [pid for pid, _ in paragraphs_with_ids(request.getfixturevalue(which)[version])]
    assert ids and None not in ids
    assert len(set(ids)) == len(ids)
    for pid in ids:
        assert re.fullmatch(r"[0-9A-F]{8}", pid)
        assert 0 < int(pid, 16) < 0x80000000


def test_root_declares_w14_and_marks_it_ignorable(manual):
    xml = zipfile.ZipFile(io.BytesIO(manual[1])).read("word/document.xml")
    root = etree.fromstring(xml)
    assert root.nsmap["w14"] == W14_NS
    assert "w14" in root.get(f"{{{MC_NS}}}Ignorable").split()
    assert b"<w:p w14:paraId=" in xml  # the attribute uses Word's own prefix


def test_paraids_are_kept_for_unchanged_and_edited_paragraphs(manual):
    v1, v2 = paragraphs_with_ids(manual[1]), paragraphs_with_ids(manual[2])
    by_text_1 = {text: pid for pid, text in v1}
    by_text_2 = {text: pid for pid, text in v2}
    unchanged = set(by_text_1) & set(by_text_2)
    assert len(unchanged) > 80
    assert all(by_text_1[t] == by_text_2[t] for t in unchanged)
    # An edited paragraph keeps its id although its text changed.
    old = next(pid for pid, t in v1 if t.startswith("1.2 Presumed victims"))
    new_text = dict(v2)[old]
    assert new_text.startswith("1.2 Presumed victims") and "charged" in new_text
    assert new_text != dict(v1)[old]
    # New paragraphs get new ids; the removed one disappears.
    ids_1 = {pid for pid, _ in v1}
    added = [t for pid, t in v2 if pid not in ids_1 and t]
    assert any("data protection law" in t for t in added)
    assert any("informed consent" in t and "referred" in t for t in added)
    assert "Prosecution services" in added
    assert not any("Training delivered by IGOs" in t for _, t in v2)
    assert any("Training delivered by IGOs" in t for _, t in v1)


def test_revision_moves_the_good_practice_paragraph_to_monitoring(manual):
    def chapter_of_good_practice(data: bytes) -> str:
        chapter = ""
        for p in open_docx(data).paragraphs:
            if p.style.name == "Heading 1":
                chapter = p.text
            if p.text.startswith("Good practice:"):
                return chapter
        raise AssertionError("no good practice paragraph")

    assert chapter_of_good_practice(manual[1]) == "1 Law enforcement agencies"
    assert chapter_of_good_practice(manual[2]) == "6 Monitoring and review of an MoU"
    moved_1 = [t for _, t in paragraphs_with_ids(manual[1]) if t.startswith("Good practice:")]
    moved_2 = [t for _, t in paragraphs_with_ids(manual[2]) if t.startswith("Good practice:")]
    assert moved_1 == moved_2  # moved verbatim, so the comparison can show it as moved


def test_versions_differ_and_content_is_deterministic(manual, checklist):
    assert body_text(manual[1]) != body_text(manual[2]) != body_text(manual[3])
    assert body_text(checklist[1]) != body_text(checklist[2])
    assert body_text(build_manual_docx(2)) == body_text(manual[2])
    assert paragraphs_with_ids(build_manual_docx(1)) == paragraphs_with_ids(manual[1])


def test_unknown_version_is_rejected():
    with pytest.raises(ValueError, match="unknown version"):
        build_manual_docx(4)
    with pytest.raises(ValueError, match="unknown version"):
        build_second_manual_docx(0)
