"""Generators for test documents: no binary fixture is committed, every file is built here.

`make_docx` takes a list of content items:
    "text"                    a plain paragraph
    ("h", level, "text")      a heading (level 0 is Word's Title style)
    ("p", "text")             a plain paragraph
    ("li", "text")            a bulleted list item; ("ol", "text") a numbered one
    ("table", [[...], ...])   a table of strings
    ("img",)                  a paragraph holding only a small PNG picture
    ("link", "text", url)     a paragraph that is a hyperlink to url
    ("footnote", "text", "note text")   a paragraph with a footnote reference
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence

import docx
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from egi.demo_documents import prune_unused_styles

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

DEFAULT_CONTENT: list = [
    ("h", 1, "Introduction"),
    "This manual describes the procedure.",
    ("h", 2, "Scope"),
    "It applies to all sectors.",
    ("li", "First point"),
    ("li", "Second point"),
    ("table", [["Term", "Meaning"], ["EGI", "The project"]]),
]


def make_png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid RGB PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def para_id_for(text: str, seen: dict[str, int] | None = None) -> str:
    """A deterministic w14:paraId (8 hex digits below 0x80000000) derived from the text."""
    if seen is not None:
        seen[text] = seen.get(text, 0) + 1
        text = f"{text}\x00{seen[text]}"
    value = int(hashlib.sha1(text.encode()).hexdigest(), 16) % 0x7FFFFFFF  # noqa: S324
    return f"{value:08X}"


def make_docx(
    content: Sequence | None = None,
    *,
    para_ids: bool = True,
    tracked_changes: bool = False,
    comments: bool = False,
    core_author: str = "Test Author",
    prune_styles: bool = True,
    run_words: int = 0,
) -> bytes:
    """Build a .docx from content items (see the module docstring).

    prune_styles drops python-docx's 350 KB of unused template styles (mammoth parses them
    all, ~0.3 s per file); run_words > 0 splits plain paragraphs into runs of that many
    words with Word-like run properties, as real Word files have.
    """
    document = docx.Document()
    document.core_properties.author = core_author
    footnotes: list[str] = []
    for item in DEFAULT_CONTENT if content is None else content:
        if isinstance(item, str):
            _add_paragraph(document, item, run_words)
            continue
        kind = item[0]
        if kind == "h":
            document.add_heading(item[2], item[1])
        elif kind == "p":
            document.add_paragraph(item[1])
        elif kind == "li":
            document.add_paragraph(item[1], style="List Bullet")
        elif kind == "ol":
            document.add_paragraph(item[1], style="List Number")
        elif kind == "table":
            rows = item[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif kind == "img":
            document.add_picture(io.BytesIO(make_png()))
        elif kind == "link":
            _add_hyperlink(document, item[1], item[2])
        elif kind == "footnote":
            footnotes.append(item[2])
            paragraph = document.add_paragraph(item[1])
            paragraph._p.append(parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{len(footnotes)}"/></w:r>'
            ))
        elif kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise ValueError(f"unknown content item {item!r}")
    if tracked_changes:
        paragraph = document.add_paragraph("Changed: ")
        paragraph._p.append(parse_xml(
            f'<w:ins {nsdecls("w")} w:id="901" w:author="Ed" w:date="2026-01-01T00:00:00Z">'
            "<w:r><w:t>inserted words</w:t></w:r></w:ins>"
        ))
        paragraph._p.append(parse_xml(
            f'<w:del {nsdecls("w")} w:id="902" w:author="Ed" w:date="2026-01-01T00:00:00Z">'
            '<w:r><w:delText xml:space="preserve"> deleted words</w:delText></w:r></w:del>'
        ))
    if comments:
        target = next(p for p in document.paragraphs if p.runs)
        document.add_comment(target.runs, text="Please check this.", author="Reviewer",
                             initials="RV")
    if para_ids:
        seen: dict[str, int] = {}
        for p in document.element.body.iter(qn("w:p")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            p.set(qn("w14:paraId"), para_id_for(text, seen))
    if prune_styles:
        prune_unused_styles(document)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if footnotes:
        data = _add_footnotes_part(data, footnotes)
    return data


def _add_paragraph(document: docx.document.Document, text: str, run_words: int) -> None:
    if run_words <= 0:
        document.add_paragraph(text)
        return
    paragraph = document.add_paragraph()
    words = text.split(" ")
    for i in range(0, len(words), run_words):
        run = paragraph.add_run(" ".join(words[i:i + run_words]) + " ")
        run.font.name = "Calibri"
        run._r.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-GB"/>'))
        run._r.set(qn("w:rsidR"), f"{i:08X}")
    paragraph._p.set(qn("w:rsidR"), "00A1B2C3")


def _add_hyperlink(document: docx.document.Document, text: str, url: str) -> None:
    paragraph = document.add_paragraph()
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{text}</w:t></w:r>'
        "</w:hyperlink>"
    ))


def rewrite_zip(
    data: bytes,
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
    add: dict[str, bytes] | None = None,
    drop: Sequence[str] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Copy a ZIP, transforming or dropping some members and appending others."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            payload = src.read(info)
            if info.filename in replace:
                payload = replace[info.filename](payload)
            dst.writestr(info.filename, payload)
        for name, payload in (add or {}).items():
            dst.writestr(name, payload)
    return out.getvalue()


def _add_footnotes_part(data: bytes, notes: list[str]) -> bytes:
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(notes, start=1)
    )
    part = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:footnote>{body}</w:footnotes>"
    ).encode()

    def add_rel(xml: bytes) -> bytes:
        rel = (
            '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        )
        return xml.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    def add_type(xml: bytes) -> bytes:
        override = (
            '<Override PartName="/word/footnotes.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
        )
        return xml.replace(b"</Types>", override.encode() + b"</Types>")

    return rewrite_zip(
        data,
        replace={"word/_rels/document.xml.rels": add_rel, "[Content_Types].xml": add_type},
        add={"word/footnotes.xml": part},
    )


def make_docx_with_dtd(part: str = "word/document.xml", encoding: str = "utf-8") -> bytes:
    """A .docx whose XML part declares an internal DTD with an entity (billion-laughs shape)."""
    dtd = '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'

    def inject(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        decl_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
        body = text[decl_end:]
        decl = f'<?xml version="1.0" encoding="{encoding.upper()}" standalone="yes"?>'
        return (decl + "\n" + dtd + body).encode(encoding)

    return rewrite_zip(make_docx(["Harmless text."]), replace={part: inject})


def make_zip_bomb_docx(size: int = 11 * 1024 * 1024) -> bytes:
    """A valid .docx carrying one member that inflates about 1000:1 (zeros)."""
    return rewrite_zip(make_docx(["Small."]), add={"word/media/padding.bin": b"\0" * size})


def make_docx_without_document() -> bytes:
    """A ZIP that has the OPC content types but no word/document.xml."""
    return rewrite_zip(make_docx(["x"]), drop=["word/document.xml"])


def make_xlsx_like_zip() -> bytes:
    """A ZIP shaped like an Excel workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return out.getvalue()


def make_ole_file() -> bytes:
    """The first bytes of an OLE compound file (encrypted .docx or legacy .doc)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048


def make_pdf(text_pages: Sequence[str], encrypted: bool = False) -> bytes:
    """A PDF with one page per string; blank lines separate paragraphs. Latin-1 text only."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for page in text_pages:
        pdf.add_page()
        for paragraph in page.split("\n\n"):
            if paragraph.strip():
                pdf.multi_cell(0, 6, paragraph.strip(), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(4)
    data = bytes(pdf.output())
    if not encrypted:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_WORDS = [
    "procedure", "manual", "quality", "review", "sector", "member", "approve", "draft",
    "version", "clause", "section", "annex", "document", "reviewer", "comment", "change",
    "process", "training", "safety", "record", "responsibility", "measure", "audit",
    "report", "evidence", "standard", "requirement", "guidance",
]


def make_long_docx(
    words: int = 25_000, pages: int = 50, seed: int = 7, *, realistic: bool = True
) -> bytes:
    """A large .docx for benchmarks: chapters, sections, ~100-word paragraphs and one table.

    realistic keeps the full style sheet and splits paragraphs into formatted runs of about
    ten words, the shape of files Word saves; otherwise the file is minimal.
    """
    rng = random.Random(seed)
    content: list = []
    per_page = words // pages
    written = 0
    chapter = 0
    while written < words:
        if written % (per_page * 5) < 100:
            chapter += 1
            content.append(("h", 1, f"Chapter {chapter} {rng.choice(_WORDS).title()}"))
        content.append(("h", 2, f"Section {rng.choice(_WORDS)} {rng.choice(_WORDS)}"))
        for _ in range(max(1, per_page // 100)):
            sentence = " ".join(rng.choice(_WORDS) for _ in range(100))
            content.append(sentence.capitalize() + ".")
            written += 100
        if chapter == 2 and not any(isinstance(c, tuple) and c[0] == "table" for c in content):
            content.append(("table", [[f"r{r}c{c}" for c in range(4)] for r in range(20)]))
    if realistic:
        return make_docx(content, prune_styles=False, run_words=10)
    return make_docx(content)
