"""Remove who-wrote-it metadata from files reviewers attach, so blind rounds stay blind.

Word: the core properties (author, last modified by), the company and manager of the app
properties, and every author/initials/user id attribute on comments, tracked changes and
people.xml. PDF: the document information dictionary (/Author, /Creator, /Producer …) and the
XMP metadata stream. The file was checked by check_upload() before it gets here.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from pypdf import PdfReader, PdfWriter

ANONYMOUS = "Reviewer"
_IDENTITY_ATTRIBUTES = {"author", "initials", "userId", "providerId"}
_CLEARED_PROPERTIES = {"creator", "lastModifiedBy", "Company", "Manager"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)


def scrub(data: bytes, file_format: str) -> bytes:
    """The same document without author metadata (docx or pdf); other formats unchanged."""
    if file_format == "docx":
        return scrub_docx(data)
    if file_format == "pdf":
        return scrub_pdf(data)
    return data


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _clean_xml(raw: bytes) -> bytes:
    root = etree.fromstring(raw, _PARSER)
    changed = False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag) in _CLEARED_PROPERTIES and element.text:
            element.text = ""
            changed = True
        for name in list(element.attrib):
            if _local(name) in _IDENTITY_ATTRIBUTES:
                element.set(name, ANONYMOUS if _local(name) == "author" else "")
                changed = True
    if not changed:
        return raw
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def scrub_docx(data: bytes) -> bytes:
    """Rewrite every XML part of the package without identities."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith(".xml"):
                content = _clean_xml(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def scrub_pdf(data: bytes) -> bytes:
    """Copy the pages without the information dictionary and XMP metadata."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.metadata = None
    root = writer._root_object
    if "/Metadata" in root:
        del root["/Metadata"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
