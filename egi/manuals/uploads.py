"""Validation of uploaded drafts: a file is accepted by its content, never by its name alone.

The name only chooses between Markdown and plain text; everything else is decided by
magic bytes, the ZIP structure of a .docx, or strict UTF-8 decoding. Word files are
checked for ZIP bombs and for XML parts with a DTD (entity expansion) before any XML
parser touches them; PDFs must open without a password.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote
from xml.parsers import expat

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from egi.errors import UploadRejected, UploadTooLarge

ALLOWED_FORMATS = ("docx", "md", "txt", "pdf")

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}

# extension -> format; the content decides the family, the extension only md vs txt
_EXTENSIONS = {"docx": "docx", "pdf": "pdf", "md": "md", "markdown": "md", "txt": "txt"}
_FAMILY = {"docx": "docx", "pdf": "pdf", "md": "text", "txt": "text"}

MAX_NAME_LENGTH = 200
MAX_PDF_PAGES = 1000
_RATIO_LIMIT = 200
_RATIO_MIN_SIZE = 10 * 1024 * 1024
_XML_CHUNK = 64 * 1024

# Bidirectional overrides and isolates can make "exe.txt" display as "txt.exe".
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES = re.compile(r"\s+")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"\xff\xfe", "utf16"),
    (b"\xfe\xff", "utf16"),
)

_KIND_LABELS = {
    "docx": _l("a Word (.docx) document"),
    "pdf": _l("a PDF document"),
    "text": _l("a plain-text file"),
    "png": _l("a PNG image"),
    "jpeg": _l("a JPEG image"),
    "gif": _l("a GIF image"),
    "exe": _l("a program"),
    "utf16": _l("a UTF-16 text file"),
    "xlsx": _l("an Excel workbook"),
    "pptx": _l("a PowerPoint presentation"),
    "odf": _l("an OpenDocument file"),
    "zip": _l("a ZIP archive"),
    "ole": _l("a password-protected Office document or an old .doc file"),
    "binary": _l("a binary file"),
}


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed every check; `format` was decided by its content."""

    filename: str
    format: str
    data: bytes
    sha256: str
    size: int
    media_type: str


def check_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = 25 * 1024 * 1024,
    max_uncompressed: int = 200 * 1024 * 1024,
    max_members: int = 2000,
) -> CheckedUpload:
    """Accept a file only if its name, size and content agree; raise UploadRejected otherwise."""
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if len(data) > max_bytes:
        raise UploadTooLarge(
            _l("The file is larger than %(limit)s MB.", limit=f"{max_bytes / 1048576:g}")
        )
    name = safe_display_filename(filename)
    if not name:
        raise UploadRejected(_l("The file has no usable name."))
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if ext not in _EXTENSIONS:
        raise UploadRejected(
            _l(
                "Only %(allowed)s files can be uploaded.",
                allowed=".docx, .md, .markdown, .txt, .pdf",
            )
        )
    fmt = _EXTENSIONS[ext]
    actual = _sniff(data)
    expected = _FAMILY[fmt]
    if actual == "ole":
        raise UploadRejected(
            _l(
                "The file is a password-protected Office document or in the old .doc format. "
                "Remove the password or save it as .docx and upload it again."
            )
        )
    if actual != expected:
        if expected == "text" and actual in ("binary", "utf16"):
            raise UploadRejected(
                _l("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")
            )
        if actual == "zip":
            actual = _zip_kind(data)
        raise UploadRejected(
            _l(
                "The file is named “%(name)s” but is actually %(actual)s.",
                name=name,
                actual=_KIND_LABELS.get(actual, _KIND_LABELS["binary"]),
            )
        )
    if fmt == "docx":
        _check_docx(data, max_uncompressed=max_uncompressed, max_members=max_members)
    elif fmt == "pdf":
        _check_pdf(data)
    return CheckedUpload(
        filename=name,
        format=fmt,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=MEDIA_TYPES[fmt],
    )


def safe_display_filename(name: str) -> str:
    """Return the base name without path parts or control characters, at most 200 characters."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = _strip_controls(name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" .")
    return name


def _strip_controls(name: str) -> str:
    """NFC-normalise, turn whitespace into single spaces, drop control and bidi characters."""
    name = "".join(
        " " if ch.isspace() else ch
        for ch in unicodedata.normalize("NFC", name)
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Zl", "Zp")
                            and ch not in _BIDI_CONTROLS)
    )
    return _SPACES.sub(" ", name).strip()


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """Build a Content-Disposition value with an ASCII fallback and an RFC 5987 UTF-8 name.

    Control characters are dropped (no header injection); in the quoted ASCII fallback,
    quotes, backslashes, percent signs and non-ASCII letters without an ASCII base become "_".
    """
    if disposition not in ("attachment", "inline"):
        raise ValueError(f"unknown disposition {disposition!r}")
    name = _strip_controls(filename or "") or "download"
    fallback = []
    for ch in name:
        if ch.isascii() and ch.isprintable() and ch not in '"\\%':
            fallback.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        base = "".join(c for c in base if c.isprintable() and c not in '"\\%')
        fallback.append(base or "_")
    ascii_name = "".join(fallback)
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def _sniff(data: bytes) -> str:
    """Name the file's real type from its content: docx/pdf/text, ole, or a binary kind."""
    head = data[:1024]
    if head.startswith(_ZIP_MAGICS):
        return "docx"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return "pdf"
    if _is_utf8_text(data):
        return "text"
    if b"%PDF-" in head:  # readers accept junk before the header
        return "pdf"
    for magic, kind in _BINARY_MAGICS:
        if head.startswith(magic):
            return kind
    return "binary"


def _is_utf8_text(data: bytes) -> bool:
    """True for strict UTF-8 (a BOM is fine) without NULs and with few control characters."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text[:100_000] if ch < " " and ch not in "\t\n\r\f")
    return controls <= max(2, len(text[:100_000]) // 100)


def _zip_kind(data: bytes) -> str:
    """Tell a .docx from other ZIP-based formats by the parts it contains."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, zlib.error):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    return "zip"


def _reject_corrupt_docx() -> UploadRejected:
    return UploadRejected(
        _l("The Word document is damaged and cannot be read. Save it again in Word and retry.")
    )


def _reject_bomb() -> UploadRejected:
    return UploadRejected(
        _l("The Word document unpacks to an implausible size and was refused for safety.")
    )


def _check_docx(data: bytes, *, max_uncompressed: int, max_members: int) -> None:
    """Reject damaged ZIPs, non-Word ZIPs, ZIP bombs and XML parts that declare a DTD."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _reject_corrupt_docx() from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise _reject_bomb()
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise _reject_bomb()
        for info in infos:
            if info.flag_bits & 0x1:
                raise UploadRejected(
                    _l("The Word document is password-protected. Remove the password first.")
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _reject_corrupt_docx()
            if (info.file_size > _RATIO_MIN_SIZE
                    and info.file_size > _RATIO_LIMIT * max(info.compress_size, 1)):
                raise _reject_bomb()
        names = {info.filename for info in infos}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            kind = _zip_kind(data)
            if kind in ("zip", "docx"):
                raise _reject_corrupt_docx()
            raise UploadRejected(
                _l("The file is named .docx but is actually %(actual)s.",
                   actual=_KIND_LABELS[kind])
            )
        for info in infos:
            if not info.is_dir():
                _check_xml_part(zf, info)


class _RootReached(Exception):
    """Raised by the expat handler at the first element: the prolog is over."""


class _DtdFound(Exception):
    """Raised by the expat handler when a part declares a DTD or an entity."""


def _raise_root(*_args: object) -> None:
    raise _RootReached


def _raise_dtd(*_args: object) -> None:
    raise _DtdFound


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Parse only the prolog of an XML part (any encoding) and reject a DTD or entity."""
    lower = info.filename.lower()
    named_xml = lower.endswith((".xml", ".rels", ".vml"))
    try:
        with zf.open(info) as fh:
            chunk = fh.read(_XML_CHUNK)
            if not named_xml:
                start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
                if start != b"<" and not chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                    return
            parser = expat.ParserCreate()
            parser.StartDoctypeDeclHandler = _raise_dtd
            parser.EntityDeclHandler = _raise_dtd
            parser.StartElementHandler = _raise_root
            while chunk:
                parser.Parse(chunk, False)
                chunk = fh.read(_XML_CHUNK)
            parser.Parse(b"", True)
    except _RootReached:
        return
    except _DtdFound:
        raise UploadRejected(
            _l("The Word document contains XML declarations (DTD) that are refused for safety.")
        ) from None
    except expat.ExpatError as exc:
        if named_xml:
            raise _reject_corrupt_docx() from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise _reject_corrupt_docx() from exc


def _check_pdf(data: bytes) -> None:
    """Reject PDFs that pypdf cannot open, that are encrypted or that have no pages."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                _l(
                    "The PDF is encrypted or password-protected. "
                    "Save an unprotected copy and upload it again."
                )
            )
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError, OSError, zlib.error) as exc:
        raise UploadRejected(_l("The PDF is damaged and cannot be read.")) from exc
    if pages == 0:
        raise UploadRejected(_l("The PDF has no pages."))
    if pages > MAX_PDF_PAGES:
        # Text extraction is linear in pages; a manual is never this long.
        raise UploadRejected(_l("The PDF has %(pages)d pages; at most %(max)d are accepted.",
                                pages=pages, max=MAX_PDF_PAGES))
