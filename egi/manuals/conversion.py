"""Conversion of a checked upload into numbered, anchored blocks of sanitised HTML.

Every format ends as HTML that went through `sanitize_html` (nh3, strict allow-list);
the HTML is then split at the top level into blocks. Anchors are stable ids: Word's own
w14:paraId where it can be matched, otherwise a hash of the block's text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ExpatError

import mammoth
import mammoth.html
import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from egi.errors import UploadRejected
from egi.manuals.uploads import CheckedUpload

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
_TRACKED_TAGS = frozenset({f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"})

# mammoth's default map already turns Heading 1..6 into h1..h6 (by style id and name);
# every extra rule is tried against every paragraph, so add only what it lacks.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1.title:fresh",
        "comment-reference => sup",
    ]
)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

_DEPTH_CLASSES = {f"depth-{n}" for n in range(1, 7)}
ALLOWED_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "thead", "tbody",
     "tr", "th", "td", "caption", "strong", "em", "b", "i", "u", "s", "sub", "sup", "a",
     "img", "br", "blockquote", "code", "pre", "span", "dl", "dt", "dd"}
)
_ATTRIBUTES = {
    "a": {"href", "id"},
    "img": {"src", "alt"},
    "li": {"id"},
    "dt": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_ALLOWED_CLASSES = {"h1": {"title"}, "ul": _DEPTH_CLASSES, "ol": _DEPTH_CLASSES | {"notes"}}
_HREF_OK = re.compile(r"(?:https?://|mailto:)\S", re.IGNORECASE)
_FRAGMENT_OK = re.compile(r"#[A-Za-z0-9_.:-]{1,100}")
_DATA_IMG_OK = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*")
_NOTE_ID = re.compile(r"(?:footnote|endnote|comment)(?:-ref)?-[A-Za-z0-9_-]{1,40}")
_SMALL_INT = re.compile(r"[0-9]{1,4}")
_PARA_ID_OK = re.compile(r"[0-9A-Fa-f]{1,16}")
_REF_HREF = ("#footnote-", "#endnote-")
_NOT_TEXT_HREF = ("#comment-", "#footnote-ref-", "#endnote-ref-")

_VOID = frozenset({"br", "img"})
_INLINE = frozenset({"a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "br", "img",
                     "code", "span"})
_BREAKS = frozenset({"p", "li", "td", "th", "tr", "dt", "dd", "caption", "br",
                     "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MATCH_WINDOW = 40
_IMG_KEY = "\x00img"
_TABLE_KEY = "\x00table"

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Block:
    """One addressable unit of a document: heading, paragraph, list item, table, figure, note."""

    anchor: str
    kind: str
    level: int
    number: str
    html: str
    text: str


@dataclass
class ConvertedDocument:
    """The blocks of a converted upload plus what the uploader should be warned about."""

    format: str
    blocks: list[Block]
    has_tracked_changes: bool = False
    has_comments: bool = False
    messages: list = field(default_factory=list)


def no_text_error() -> UploadRejected:
    """The one rejection for documents (including scanned PDFs) without readable text."""
    return UploadRejected(_l("The document has no readable text."))


def convert(upload: CheckedUpload) -> ConvertedDocument:
    """Convert a checked upload to sanitised, numbered, anchored blocks; reject if textless."""
    para_ids: list[tuple[str, str]] = []
    tracked = comments = False
    messages: list = []
    if upload.format == "docx":
        raw_html, para_ids, tracked, comments, messages = _docx_html(upload.data)
    elif upload.format == "md":
        raw_html = _markdown.render(_decode_text(upload.data))
    elif upload.format == "txt":
        raw_html = _txt_html(_decode_text(upload.data))
    elif upload.format == "pdf":
        raw_html = _pdf_html(upload.data)
    else:
        raise ValueError(f"unknown format {upload.format!r}")
    raw_blocks = _split_blocks(_parse(sanitize_html(raw_html)))
    if not any(b.text for b in raw_blocks):
        raise no_text_error()
    if para_ids:
        _match_para_ids(raw_blocks, para_ids)
    return ConvertedDocument(
        format=upload.format,
        blocks=_finish(raw_blocks),
        has_tracked_changes=tracked,
        has_comments=comments,
        messages=messages,
    )


def sanitize_html(html_text: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and safe URLs (nh3)."""
    return nh3.clean(
        html_text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer nofollow",
        allowed_classes=_ALLOWED_CLASSES,
        strip_comments=True,
    )


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """Second line of defence after nh3: exact shapes for URLs, ids and numbers."""
    if attr == "href":
        ok = _FRAGMENT_OK.fullmatch(value) or _HREF_OK.match(value)
        return value if ok else None
    if attr == "src":
        return value if _DATA_IMG_OK.fullmatch(value) else None
    if attr == "id":
        return value if _NOTE_ID.fullmatch(value) else None
    if attr in ("start", "colspan", "rowspan"):
        return value if _SMALL_INT.fullmatch(value) else None
    return value


def inspect_docx(data: bytes) -> tuple[bool, bool]:
    """Return (has w:ins/w:del/w:moveFrom/w:moveTo in the body, has at least one comment).

    `data` must have passed check_upload as a docx; a broken file raises KeyError or
    zipfile.BadZipFile.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = safe_fromstring(zf.read("word/document.xml"), forbid_dtd=True)
        return _has_tracked_changes(root), _has_comments(zf)


def _has_tracked_changes(root: Element) -> bool:
    return any(el.tag in _TRACKED_TAGS for el in root.iter())


def _has_comments(zf: zipfile.ZipFile) -> bool:
    try:
        comments_xml = zf.read("word/comments.xml")
    except KeyError:
        return False
    root = safe_fromstring(comments_xml, forbid_dtd=True)
    return root.find(f"{W}comment") is not None


# --- per-format front ends -----------------------------------------------------------


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode_text(data: bytes) -> str:
    text = data.decode("utf-8-sig")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text)


def _txt_html(text: str) -> str:
    """Blank lines separate paragraphs; nothing (not even '# ') is interpreted as markup."""
    out = []
    for chunk in re.split(r"\n[ \t\f\v]*\n", text):
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if lines:
            out.append("<p>" + "<br>".join(html.escape(ln, quote=False) for ln in lines) + "</p>")
    return "\n".join(out)


_UNREADABLE = (KeyError, ValueError, IndexError, TypeError, AttributeError, RecursionError,
               zipfile.BadZipFile, zlib.error, ExpatError, ParseError, DefusedXmlException,
               OSError, EOFError)


def _docx_html(data: bytes) -> tuple[str, list[tuple[str, str]], bool, bool, list]:
    """Run mammoth (images inline, comments kept) and read Word's paragraph ids alongside."""
    dropped: list[str] = []
    convert_image = _image_converter(dropped)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = safe_fromstring(zf.read("word/document.xml"), forbid_dtd=True)
            comments = _has_comments(zf)
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, convert_image=convert_image
        )
    except _UNREADABLE as exc:
        raise UploadRejected(_l("The Word document could not be converted.")) from exc
    tracked = _has_tracked_changes(root)
    messages: list = []
    if tracked:
        messages.append(
            _l(
                "The document contains tracked changes: insertions are shown as accepted and "
                "deletions are lost. Accept or reject all changes in Word before uploading."
            )
        )
    if comments:
        messages.append(_l("The document contains Word comments; they are shown after the text."))
    if dropped:
        messages.append(
            _l("%(count)s images in unsupported formats (such as EMF or TIFF) were left out.",
               count=len(dropped))
        )
    errors = sorted({m.message for m in result.messages if m.type == "error"})
    messages.extend(_l("Conversion problem: %(detail)s", detail=e) for e in errors[:5])
    return result.value, _body_paragraphs(root), tracked, comments, messages


def _image_converter(dropped: list[str]) -> Callable[[Any], list]:
    """mammoth image hook: inline png/jpeg/gif/webp as data URIs, drop everything else."""

    def convert_image(image: Any) -> list:
        content_type = (image.content_type or "").lower().replace("image/jpg", "image/jpeg")
        if content_type not in IMAGE_TYPES:
            dropped.append(content_type)
            return []
        with image.open() as fh:
            encoded = base64.b64encode(fh.read()).decode("ascii")
        attributes = {"src": f"data:{content_type};base64,{encoded}"}
        if image.alt_text:
            attributes["alt"] = image.alt_text
        return [mammoth.html.element("img", attributes)]

    return convert_image


def _body_paragraphs(root: Element) -> list[tuple[str, str]]:
    """(match key, paraId) of each top-level body paragraph and table, in document order."""
    out: list[tuple[str, str]] = []
    body = root.find(f"{W}body")
    if body is not None:
        _collect_paragraphs(body, out)
    return out


def _collect_paragraphs(parent: Element, out: list[tuple[str, str]]) -> None:
    for child in parent:
        tag = child.tag
        if tag == f"{W}p":
            key = "".join("".join(t.text or "" for t in child.iter(f"{W}t")).split())
            if not key and (child.find(f".//{W}drawing") is not None
                            or child.find(f".//{W}pict") is not None):
                key = _IMG_KEY
            if key:
                out.append((key, child.get(W14_PARA_ID, "")))
        elif tag == f"{W}tbl":
            first = child.find(f".//{W}p")
            out.append((_TABLE_KEY, first.get(W14_PARA_ID, "") if first is not None else ""))
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            _collect_paragraphs(child, out)


_PDF_HEADING = re.compile(
    r"(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,5})\.?"
    r"|(?:Chapter|Section|Part|Annex|Appendix|Kapitel|Abschnitt|Teil|Anhang)\s+[0-9IVXLC]+\.?)"
    r"\s+[^\W\d_]"
)
_SENTENCE_END = re.compile(r"[.!?:]['\"”’»)]?$")


def _pdf_html(data: bytes) -> str:
    """Extract text per page with pypdf and rebuild paragraphs from the lines (heuristic)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        lines: list[str] = []
        for page in reader.pages:
            for line in (page.extract_text() or "").splitlines():
                line = " ".join(line.split())
                if not line.isdigit():  # bare page numbers
                    lines.append(line)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError, OSError, zlib.error) as exc:
        raise UploadRejected(_l("The PDF is damaged and cannot be read.")) from exc
    lengths = sorted(len(ln) for ln in lines if ln)
    if not lengths:
        raise no_text_error()
    typical = lengths[int(len(lengths) * 0.9)]
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append("<p>" + html.escape(_join_lines(current), quote=False) + "</p>")
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        heading = _PDF_HEADING.match(line)
        if heading and len(line) <= 80 and not line.endswith((".", ",", ";")):
            flush()
            level = min(6, heading["num"].count(".") + 1) if heading["num"] else 1
            out.append(f"<h{level}>{html.escape(line, quote=False)}</h{level}>")
            continue
        if current and _SENTENCE_END.search(current[-1]) and len(current[-1]) < 0.85 * typical:
            flush()
        current.append(line)
    flush()
    return "\n".join(out)


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text = text[:-1] + line
        else:
            text = text + " " + line
    return text


# --- HTML tree and block splitting -----------------------------------------------------


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], children: list) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children = children

    def get(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


class _TreeBuilder(HTMLParser):
    """Builds a minimal tree from nh3's well-formed output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", [], [])
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, attrs, [])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, attrs, []))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html_text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html_text)
    builder.close()
    return builder.root


class _Walk:
    """One pass over a block: its HTML, visible text, match key and whether it has images."""

    __slots__ = ("html", "text", "key", "images")

    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []
        self.key: list[str] = []
        self.images = 0

    def visit(self, node: _Node | str, in_key: bool = True) -> None:
        if isinstance(node, str):
            self.html.append(html.escape(node, quote=False))
            self.text.append(node)
            if in_key:
                self.key.append(node)
            return
        tag = node.tag
        hidden_from = -1
        if tag == "img":
            if not node.get("src"):
                return  # external or unsafe source removed by the sanitiser
            self.images += 1
        elif tag == "a":
            href = node.get("href") or ""
            if href.startswith(_NOT_TEXT_HREF):
                in_key = False  # comment markers and "back" arrows: shown, but not text
                hidden_from = len(self.text)
            elif href.startswith(_REF_HREF):
                in_key = False  # footnote markers are text but would break paraId matching
        attrs = "".join(
            f' {k}="{html.escape(v, quote=True)}"' if v is not None else f" {k}"
            for k, v in node.attrs
        )
        self.html.append(f"<{tag}{attrs}>")
        if tag in _VOID:
            if tag == "br":
                self.text.append(" ")
            return
        if tag in _BREAKS:
            self.text.append(" ")
        for child in node.children:
            self.visit(child, in_key)
        if tag in _BREAKS:
            self.text.append(" ")
        self.html.append(f"</{tag}>")
        if hidden_from >= 0:
            del self.text[hidden_from:]


@dataclass
class _Raw:
    kind: str
    level: int
    html: str
    text: str
    key: str
    title: bool = False
    para_id: str = ""


def _make(kind: str, level: int, node: _Node, out: list[_Raw], *, title: bool = False) -> None:
    walk = _Walk()
    walk.visit(node)
    text = " ".join("".join(walk.text).split())
    if not text and not walk.images:
        return
    if kind == "paragraph" and not text:
        kind = "figure"
    key = "".join("".join(walk.key).split()) or (_IMG_KEY if walk.images else "")
    out.append(_Raw(kind, level, "".join(walk.html), text, key, title))


def _split_blocks(root: _Node) -> list[_Raw]:
    """Split the top level into blocks; lists are flattened, notes and comments go last."""
    blocks: list[_Raw] = []
    notes: list[_Raw] = []
    inline: list = []

    def flush_inline() -> None:
        if inline:
            _make("paragraph", 0, _Node("p", [], list(inline)), blocks)
            inline.clear()

    for node in root.children:
        if isinstance(node, str) or node.tag in _INLINE:
            inline.append(node)
            continue
        flush_inline()
        tag = node.tag
        if tag in _HEADINGS:
            _make("heading", _HEADINGS[tag], node, blocks, title=node.get("class") == "title")
        elif tag in ("ul", "ol"):
            _flatten_list(node, 1, blocks, notes)
        elif tag == "table":
            _make("table", 0, node, blocks)
        elif tag == "dl":
            _split_comments(node, notes)
        else:  # p, blockquote, pre, and anything else the allow-list lets through
            _make("paragraph", 0, node, blocks)
    flush_inline()
    return blocks + notes


def _flatten_list(node: _Node, depth: int, blocks: list[_Raw], notes: list[_Raw]) -> None:
    ordered = node.tag == "ol"
    start = int(node.get("start") or 1)
    index = 0
    for child in node.children:
        if isinstance(child, str) or child.tag != "li":
            continue
        li_id = child.get("id") or ""
        if li_id.startswith(("footnote-", "endnote-")):
            attrs = [("class", "notes")] + ([("start", str(index + 1))] if index else [])
            _make("footnote", 0, _Node("ol", attrs, [child]), notes)
            index += 1
            continue
        own = [c for c in child.children if isinstance(c, str) or c.tag not in ("ul", "ol")]
        while own and isinstance(own[-1], str) and not own[-1].strip():
            own.pop()
        nested = [c for c in child.children if not isinstance(c, str) and c.tag in ("ul", "ol")]
        attrs: list[tuple[str, str | None]] = [("class", f"depth-{min(depth, 6)}")]
        if ordered and start + index != 1:
            attrs.append(("start", str(start + index)))
        _make("list_item", depth, _Node(node.tag, attrs, [_Node("li", child.attrs, own)]), blocks)
        index += 1
        for sub in nested:
            _flatten_list(sub, depth + 1, blocks, notes)


def _split_comments(node: _Node, notes: list[_Raw]) -> None:
    pending: list = []
    for child in node.children:
        if isinstance(child, str):
            continue
        pending.append(child)
        if child.tag == "dd":
            _make("comment", 0, _Node("dl", [], pending), notes)
            pending = []
    if pending:
        _make("comment", 0, _Node("dl", [], pending), notes)


# --- anchors and numbers ---------------------------------------------------------------


def _match_para_ids(blocks: list[_Raw], paras: list[tuple[str, str]]) -> None:
    """Pair blocks with Word paragraphs in order by text; a bounded look-ahead keeps it linear."""
    j = 0
    for block in blocks:
        if block.kind not in ("heading", "paragraph", "list_item", "figure", "table"):
            continue
        key = _TABLE_KEY if block.kind == "table" else block.key
        if not key:
            continue
        for k in range(j, min(j + _MATCH_WINDOW, len(paras))):
            if paras[k][0] == key:
                block.para_id = paras[k][1]
                j = k + 1
                break


_EXPLICIT_NUMBER = re.compile(r"(?:chapter|chapitre|capítulo|section|annex|annexe|anexo)?\s*"
                              r"(\d{1,3}(?:\.\d{1,3}){0,4})[.)]?\s+\S", re.IGNORECASE)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _explicit_number(text: str) -> str | None:
    """The clause number a heading carries in its own text ("2.3 Referral" -> "2.3")."""
    match = _EXPLICIT_NUMBER.match(text)
    return match.group(1) if match else None


def _finish(raw: list[_Raw]) -> list[Block]:
    """Give each block a unique anchor and its visible number.

    Headings keep the clause numbers written in them ("3 Labour inspectorates" -> "3");
    unnumbered sub-headings extend their parent's number, and unnumbered top-level headings
    in a numbered document (introduction, annexes) get letters, so numbers never collide.
    """
    used: set[str] = set()
    hash_counts: dict[str, int] = {}
    numbered_doc = any(b.kind == "heading" and not b.title and _explicit_number(b.text)
                       for b in raw)
    stack: list[tuple[int, str]] = []  # (heading level, number) of the open headings
    children: dict[str, int] = {}  # number of headings seen under each parent ("" = top)
    used_numbers: set[str] = set()
    prefix = ""
    paragraph = footnote = comment = 0
    blocks = []
    for b in raw:
        anchor = ""
        if b.para_id and _PARA_ID_OK.fullmatch(b.para_id):
            anchor = "p-" + b.para_id.lower()
        if not anchor or anchor in used:
            base = "b-" + hashlib.sha1(
                (b.text or b.html).encode("utf-8"), usedforsecurity=False
            ).hexdigest()[:10]
            n = hash_counts.get(base, 0) + 1
            anchor = base if n == 1 else f"{base}-{n}"
            while anchor in used:
                n += 1
                anchor = f"{base}-{n}"
            hash_counts[base] = n
        used.add(anchor)

        if b.kind == "heading" and not b.title:
            while stack and stack[-1][0] >= b.level:
                stack.pop()
            parent = stack[-1][1] if stack else ""
            children[parent] = children.get(parent, 0) + 1
            explicit = _explicit_number(b.text)
            if explicit:
                number = explicit
            elif parent:
                number = f"{parent}.{children[parent]}"
            elif numbered_doc:
                letters = children.setdefault("\x00letters", 0)
                children["\x00letters"] = letters + 1
                number = _LETTERS[letters % 26] * (1 + letters // 26)
            else:
                number = str(children[parent])
            base_number, n = number, 1
            while number in used_numbers:
                n += 1
                number = f"{base_number}-{n}"
            used_numbers.add(number)
            stack.append((b.level, number))
            prefix = number
            paragraph = 0
        elif b.kind == "heading":
            number = ""
        elif b.kind == "footnote":
            footnote += 1
            number = f"fn {footnote}"
        elif b.kind == "comment":
            comment += 1
            number = f"comment {comment}"
        else:
            paragraph += 1
            number = f"{prefix} ¶{paragraph}" if prefix else f"¶{paragraph}"
        blocks.append(Block(anchor, b.kind, b.level, number, b.html, b.text))
    return blocks
